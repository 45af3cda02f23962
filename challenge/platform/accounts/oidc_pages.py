"""Single sign-on pages: to the city's OpenID provider and back (GET /auth/oidc/login and
/auth/oidc/callback); 404 while no provider is configured."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts import oidc, oidc_accounts, oidc_linking
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.web import (
    ip_of,
    session_token_of,
    set_session_cookie,
    settings_of,
    user_agent_of,
)
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.urls import safe_next

Query = Annotated[str, QueryParameter()]
StateParam = Annotated[str, QueryParameter(name="state")]  # "state" is Litestar's own name
NextParam = Annotated[str | None, QueryParameter(name="next")]
LANDING = "/dashboard"
FLOW_PATH = "/auth/oidc"


def _failed(status: int, message: str) -> Template:
    response = Template(
        template_name="base/accounts/sso_failed.html",
        context={"message": message},
        status_code=status,
    )
    _forget_flow(response)
    return response


def _forget_flow(response: Response) -> None:
    response.delete_cookie(oidc.FLOW_COOKIE, path=FLOW_PATH)


class SingleSignOnPages(Controller):
    path = FLOW_PATH
    include_in_schema = False

    @get("/login", name="oidc_login")
    async def login(self, request: Request, next_: NextParam = None) -> Response:
        """Send the browser to the provider, remembering state, nonce and PKCE verifier."""
        settings = settings_of(request)
        if not oidc.enabled(settings):
            raise NotFoundException()
        try:
            url, flow = await oidc.start(settings, safe_next(next_, LANDING))
        except Exception:  # the provider cannot be reached or its discovery is broken
            await oidc_accounts.refuse_logged("discovery failed", ip_of(request))
            return _failed(502, N_("The city's sign-in service cannot be reached just now."))
        response = Redirect(url, status_code=303)
        response.set_cookie(
            oidc.FLOW_COOKIE,
            oidc.seal_flow(settings, flow),
            max_age=oidc.FLOW_SECONDS,
            path=FLOW_PATH,
            httponly=True,
            samesite="lax",  # the provider's redirect back is a top-level GET from elsewhere
            secure=settings.https,
        )
        return response

    @get("/callback", name="oidc_callback")
    async def callback(
        self, request: Request, state_: StateParam = "", code: Query = "", error: Query = ""
    ) -> Response:
        """Check the provider's answer, sign the person in and start a portal session."""
        settings = settings_of(request)
        if not oidc.enabled(settings):
            raise NotFoundException()
        ip = ip_of(request)
        try:
            if error:
                raise oidc.OidcError(f"provider error: {error[:100]}")
            flow = oidc.open_flow(settings, request.cookies.get(oidc.FLOW_COOKIE))
            claims = await oidc.finish(settings, flow, state=state_, code=code)
            signed_in = await oidc_accounts.sign_in(
                settings,
                claims,
                nonce=flow.nonce,
                ip=ip,
                user_agent=user_agent_of(request),
                old_token=session_token_of(request),
            )
        except oidc.OidcError as failure:
            await oidc_accounts.refuse_logged(str(failure)[:200], ip)
            return _failed(400, N_("The sign-in with the city's account failed. Please try again."))
        except Problem as problem:
            await oidc_accounts.refuse_logged(problem.code, ip)
            return _failed(problem.status, problem.detail)
        if signed_in is None:  # a local account holds the address: its password first
            return _link_page(request, claims)
        response = Redirect(safe_next(flow.next, LANDING), status_code=303)
        _forget_flow(response)
        set_session_cookie(response, request, signed_in[1])
        return response

    @post("/link", name="oidc_link")
    async def link(self, request: Request, data: FormData) -> Response:
        """Connect the city's account to the local account whose password is typed here."""
        settings = settings_of(request)
        if not oidc.enabled(settings):
            raise NotFoundException()
        claims = oidc_linking.open_pending(settings, request.cookies.get(oidc_linking.LINK_COOKIE))
        if claims is None:
            return _failed(400, N_("The sign-in with the city's account failed. Please try again."))
        try:
            _user, token = await oidc_linking.link(
                settings,
                claims,
                password=form_value(data, "password"),
                code=form_value(data, "code"),
                ip=ip_of(request),
                user_agent=user_agent_of(request),
                old_token=session_token_of(request),
            )
        except Problem as problem:
            return _link_form(claims, problem.status, errors_of(problem))
        response = Redirect(LANDING, status_code=303)
        response.delete_cookie(oidc_linking.LINK_COOKIE, path=FLOW_PATH)
        set_session_cookie(response, request, token)
        return response


def _link_form(claims: dict, status: int = 200, errors: dict | None = None) -> Template:
    return Template(
        template_name="base/accounts/sso_link.html",
        context={"email": claims["email"], "errors": errors or {}},
        status_code=status,
    )


def _link_page(request: Request, claims: dict) -> Template:
    """Ask for the local account's password, keeping the provider's claims in a signed cookie."""
    settings = settings_of(request)
    response = _link_form(claims)
    _forget_flow(response)
    response.set_cookie(
        oidc_linking.LINK_COOKIE,
        oidc_linking.seal_pending(settings, claims),
        max_age=oidc_linking.LINK_SECONDS,
        path=FLOW_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.https,
    )
    return response


async def provider_logout(request: Request, user: CurrentUser | None) -> str | None:
    """The provider's logout address for a person who signed in through it, else None."""
    if user is None or not oidc.enabled(settings_of(request)):
        return None
    if not await oidc_accounts.has_identity(user.id):
        return None
    return await oidc.end_session_url(settings_of(request))
