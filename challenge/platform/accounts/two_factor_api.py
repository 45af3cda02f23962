"""Two-factor login in the JSON API (API.md, "Sign-in"): ``POST /api/v1/auth/2fa/verify``
``{code}`` finishes a sign-in waiting for its second factor (or, for a signed-in session,
confirms it is the person again: step-up); ``POST /api/v1/auth/2fa/totp/enrol`` starts an
enrolment (without ``code``: the secret and its otpauth address) and confirms it (with ``code``:
the ten recovery codes, once). Admins reset a person's 2FA with
``DELETE /api/v1/admin/users/{id}/2fa``."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from challenge.platform.accounts import pending_sign_in, two_factor, two_factor_reset
from challenge.platform.accounts.guards import admin_required
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.pending_sign_in import Pending, SecondFactorRequired
from challenge.platform.accounts.schemas import MeOut, StatusOut
from challenge.platform.accounts.sessions import user_row
from challenge.platform.accounts.two_factor_pages import (
    EXPIRED,
    NO_STORE,
    hand_over,
    pending_of,
    set_pending_cookie,
    start_session,
)
from challenge.platform.accounts.web import current_user, ip_of, settings_of
from challenge.platform.errors import problem_response
from challenge.platform.problems import Problem


class CodeIn(msgspec.Struct):
    code: str = ""


class EnrolOut(msgspec.Struct, omit_defaults=True):
    """``started``: the secret and its otpauth address; ``enrolled``: the recovery codes."""

    status: str
    secret: str | None = None
    otpauth_uri: str | None = None
    recovery_codes: list[str] | None = None


def pending_problem(request: Request, waiting: SecondFactorRequired) -> Response:
    """401 problem+json (``second_factor_required`` / ``two_factor_enrolment_required``) with
    the pending sign-in's cookie."""
    response = problem_response(request, waiting)
    set_pending_cookie(response, request, pending_sign_in.seal(settings_of(request), waiting))
    return response


def _expired() -> Problem:
    return Problem(401, "no_sign_in_pending", EXPIRED)


def _secret(request: Request) -> str:
    return settings_of(request).secret_key or ""


async def _signed_in(request: Request, pending: Pending) -> Response:
    """The session starts: the person as GET /api/v1/me shows them, with the session cookie."""
    user, token = await start_session(request, pending)
    body = MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        locale=user.locale,
        affiliation=user.affiliation,
        roles=sorted(user.roles),
    )
    return hand_over(Response(body), request, token)


class TwoFactorApi(Controller):
    path = "/api/v1/auth/2fa"
    tags = ["accounts"]
    cache_control = NO_STORE  # the secret and the recovery codes are in these answers

    @post("/verify", status_code=HTTP_200_OK)
    async def verify(self, request: Request, data: JSONBody[CodeIn]) -> Response:
        """The code (TOTP or a recovery code) after the password: the session starts. Signed
        in already: a step-up (the session counts as freshly signed in for 15 minutes)."""
        pending = await pending_of(request)
        user = current_user(request)
        if pending is None or pending.enrol:
            if user is None or user.session_id is None:
                raise _expired()
            await two_factor.verify(user.id, data.code, _secret(request), ip_of(request))
            await two_factor.mark_session(user.session_id)
            return Response(StatusOut(status="confirmed"))
        await two_factor.verify(pending.user_id, data.code, _secret(request), ip_of(request))
        return await _signed_in(request, pending)

    @post("/totp/enrol", status_code=HTTP_200_OK)
    async def enrol(self, request: Request, data: JSONBody[CodeIn]) -> Response:
        """Without ``code``: start (the secret, shown once more on the page); with ``code``:
        confirm and receive the ten recovery codes. Signed in, or within a pending sign-in
        that must enrol (staff, finance, admins): then the session starts with the codes."""
        pending = await pending_of(request)
        user = current_user(request)
        if user is not None and user.session_id is not None:
            return await self._enrol(request, user.id, user.email, data.code, user)
        if pending is None or not pending.enrol:
            raise _expired()
        row = await user_row(pending.user_id)
        answer = await self._enrol(request, pending.user_id, row["email"], data.code, None)
        if data.code:
            _user, token = await start_session(request, pending)
            return hand_over(answer, request, token)
        return answer

    async def _enrol(
        self, request: Request, user_id, email: str, code: str, user: CurrentUser | None
    ) -> Response:
        if not code:
            started = await two_factor.start_enrolment(user_id, email, _secret(request))
            return Response(
                EnrolOut(status="started", secret=started["secret"], otpauth_uri=started["uri"])
            )
        codes = await two_factor.confirm_enrolment(
            user_id, code, _secret(request), ip_of(request), base_url=settings_of(request).base_url
        )
        if user is not None:
            await two_factor.mark_session(user.session_id)
        return Response(EnrolOut(status="enrolled", recovery_codes=codes))


class AdminTwoFactorApi(Controller):
    path = "/api/v1/admin/users"
    tags = ["admin"]
    guards = [admin_required]

    @delete("/{user_id:uuid}/2fa", status_code=HTTP_200_OK)
    async def reset(self, request: Request, user_id: FromPath[UUID]) -> StatusOut:
        """Reset a person's two-factor login (audited; the person gets a mail)."""
        await two_factor_reset.admin_reset(
            current_user(request), user_id, base_url=settings_of(request).base_url
        )
        return StatusOut(status="two_factor_reset")
