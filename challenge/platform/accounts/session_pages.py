"""The sessions page and API: a person sees their active sessions and API tokens and ends them
(issue 22 point 5). Sessions are named by their handle (challenge.platform.accounts.session_list),
never by their id."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_204_NO_CONTENT

from challenge.platform import clock
from challenge.platform.accounts import api_tokens, session_list
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import clear_session_cookie, current_user, settings_of

NOTICES = ("ended", "others")


class SessionOut(msgspec.Struct):
    """One active session as the API shows it (the handle, never the id)."""

    handle: str
    device: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool
    authenticated_at: datetime | None = None


def _secret(request: Request) -> str:
    return settings_of(request).secret_key or ""


async def _sessions(request: Request) -> list[dict]:
    return await session_list.list_sessions(
        current_user(request),
        secret=_secret(request),
        idle_hours=settings_of(request).session_idle_hours,
    )


def _logged_out(request: Request) -> Template:
    """The answer after the person ended the session making the request."""
    request.scope["user"] = None
    response = Template(template_name="base/accounts/logged_out.html", context={})
    clear_session_cookie(response, request)
    return response


class SessionPages(Controller):
    """/account/sessions: the person's sessions and API tokens, and ending them."""

    path = "/account/sessions"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="account_sessions")
    async def sessions(
        self, request: Request, notice: Annotated[str, QueryParameter()] = ""
    ) -> Template:
        """The active sessions (this one first) and the API tokens still in use."""
        now = clock.now()
        tokens = [
            token
            for token in await api_tokens.list_tokens(current_user(request))
            if token["revoked_at"] is None and token["expires_at"] > now
        ]
        return Template(
            template_name="base/accounts/sessions.html",
            context={
                "sessions": await _sessions(request),
                "tokens": tokens,
                "notice": notice if notice in NOTICES else "",
            },
        )

    @get("/end-others", name="account_sessions_end_others")
    async def confirm_end_others(self, request: Request) -> Template:
        """The confirmation step before every other session ends."""
        others = [session for session in await _sessions(request) if not session["current"]]
        return Template(
            template_name="base/accounts/sessions_end_others.html", context={"others": others}
        )

    @post("/end-others")
    async def end_others(self, request: Request) -> Redirect:
        """End every session but this one."""
        await session_list.end_other_sessions(current_user(request))
        return Redirect("/account/sessions?notice=others", status_code=303)

    @post("/{key:str}/end")
    async def end(self, request: Request, key: FromPath[str]) -> Response:
        """End one of the person's own sessions (``key`` is its handle); ending this one logs
        out."""
        current = await session_list.end_session(
            current_user(request), key, secret=_secret(request)
        )
        if current:
            return _logged_out(request)
        return Redirect("/account/sessions?notice=ended", status_code=303)


class SessionsApi(Controller):
    """/api/v1/me/sessions: the same for integrations and the portal's scripts."""

    path = "/api/v1/me/sessions"
    tags = ["accounts"]
    guards = [login_required]

    @get("/")
    async def sessions(self, request: Request) -> list[SessionOut]:
        """The person's active sessions; ``current`` marks the one making the request."""
        return [
            SessionOut(
                **{key: value for key, value in row.items() if key not in ("browser", "system")}
            )
            for row in await _sessions(request)
        ]

    @delete("/{key:str}", status_code=HTTP_204_NO_CONTENT)
    async def end(self, request: Request, key: FromPath[str]) -> Response[None]:
        """End one of the person's own sessions by its handle; another person's is 404."""
        current = await session_list.end_session(
            current_user(request), key, secret=_secret(request)
        )
        response = Response(None, status_code=HTTP_204_NO_CONTENT)
        if current:
            clear_session_cookie(response, request)
        return response
