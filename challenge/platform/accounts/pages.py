"""Account pages: register, verify, log in and out, reset and change password, profile, tokens."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.platform import dashboard
from challenge.platform.accounts import (
    api_tokens,
    authentication,
    password_reset,
    registration,
    services,
)
from challenge.platform.accounts.guards import login_required, role_required
from challenge.platform.accounts.oidc_pages import provider_logout
from challenge.platform.accounts.pending_sign_in import SecondFactorRequired
from challenge.platform.accounts.policies import TOKEN_ROLES, may_use_api_tokens
from challenge.platform.accounts.two_factor_pages import second_factor_step
from challenge.platform.accounts.validation import normalise_email
from challenge.platform.accounts.web import (
    clear_session_cookie,
    current_user,
    ip_of,
    session_token_of,
    set_session_cookie,
    settings_of,
    user_agent_of,
)
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import request_locale
from challenge.platform.problems import Problem
from challenge.platform.urls import safe_next

NextParam = Annotated[str | None, QueryParameter(name="next")]
# Where a person lands after logging in without a page to return to: their start page.
LANDING = "/dashboard"


def page(name: str, status: int = 200, **context) -> Template:
    return Template(template_name=f"base/accounts/{name}.html", context=context, status_code=status)


class AccountPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/register", name="register")
    async def register_form(self) -> Template:
        return page("register", values={"locale": ""}, errors={})

    @post("/register")
    async def register(self, request: Request, data: FormData) -> Template:
        values = {k: form_value(data, k) for k in ("email", "name", "locale")}
        values["locale"] = values["locale"] or request_locale(request)
        try:
            await registration.register(
                email=values["email"],
                password=form_value(data, "password"),
                name=values["name"],
                locale=values["locale"],
                ip=ip_of(request),
                base_url=settings_of(request).base_url,
            )
        except Problem as problem:
            return page("register", status=problem.status, values=values, errors=errors_of(problem))
        return page("check_mail", email=normalise_email(values["email"]), kind="register")

    @get("/account/verify")
    async def verify_form(self, token: Annotated[str, QueryParameter()] = "") -> Template:
        # Mail scanners follow links: the GET only shows a button, the POST verifies.
        return page("verify", token=token, errors={})

    @post("/account/verify")
    async def verify(self, request: Request, data: FormData) -> Template:
        try:
            _user_id, already = await registration.verify_email(
                form_value(data, "token"), ip=ip_of(request)
            )
        except Problem as problem:
            return page("verify", status=problem.status, token="", errors=errors_of(problem))
        return page(
            "verified", already_verified=already, signed_in=current_user(request) is not None
        )

    @get("/login", name="login")
    async def login_form(self, request: Request, next_: NextParam = None) -> Template | Redirect:
        if current_user(request) is not None:
            return Redirect(safe_next(next_, LANDING), status_code=303)
        return page("login", next=safe_next(next_, ""), values={}, errors={})

    @post("/login")
    async def login(self, request: Request, data: FormData, next_: NextParam = None) -> Response:
        target = safe_next(form_value(data, "next") or next_, LANDING)
        email = form_value(data, "email")
        try:
            _user, token = await authentication.login(
                settings_of(request),
                email=email,
                password=form_value(data, "password"),
                ip=ip_of(request),
                user_agent=user_agent_of(request),
                old_token=session_token_of(request),
            )
        except SecondFactorRequired as waiting:  # no session before the second factor
            return second_factor_step(request, waiting, target)
        except Problem as problem:
            return page(
                "login",
                status=problem.status,
                next=target,
                values={"email": email},
                errors=errors_of(problem),
            )
        response = Redirect(target, status_code=303)
        set_session_cookie(response, request, token)
        return response

    @get("/dashboard", name="dashboard", guards=[login_required])
    async def start_page(self, request: Request) -> Template:
        """The person's start page: per role, what to do next (challenge.platform.dashboard)."""
        user = current_user(request)
        return Template(
            template_name="base/dashboard.html",
            context={
                "panels": await dashboard.collect(user, request_locale(request)),
                "roles": dashboard.roles_in_words(user),
            },
        )

    @post("/logout", name="logout")
    async def logout(self, request: Request) -> Response:
        user = current_user(request)
        provider = await provider_logout(request, user)  # before the session ends
        await authentication.logout(user, session_token_of(request))
        request.scope["user"] = None
        # whoever signed in through the city's provider signs out there too (RP-initiated)
        response = Redirect(provider, status_code=303) if provider else page("logged_out")
        clear_session_cookie(response, request)
        return response

    @get("/password/forgot", name="password_forgot")
    async def forgot_form(self) -> Template:
        return page("forgot", values={}, errors={})

    @post("/password/forgot")
    async def forgot(self, request: Request, data: FormData) -> Template:
        email = form_value(data, "email")
        try:
            await password_reset.request_password_reset(
                email=email,
                ip=ip_of(request),
                locale=request_locale(request),
                base_url=settings_of(request).base_url,
            )
        except Problem as problem:
            return page(
                "forgot", status=problem.status, values={"email": email}, errors=errors_of(problem)
            )
        return page("check_mail", email=normalise_email(email), kind="reset")

    @get("/password/reset")
    async def reset_form(self, token: Annotated[str, QueryParameter()] = "") -> Template:
        return page("reset", token=token, errors={})

    @post("/password/reset")
    async def reset(self, request: Request, data: FormData) -> Template:
        token = form_value(data, "token")
        try:
            await password_reset.confirm_password_reset(
                token=token,
                password=form_value(data, "password"),
                base_url=settings_of(request).base_url,
                ip=ip_of(request),
            )
        except Problem as problem:
            return page("reset", status=problem.status, token=token, errors=errors_of(problem))
        return page("password_changed")


async def _tokens_shown(user) -> bool:
    """The account page links to the tokens for those who may create them or still have some."""
    return may_use_api_tokens(user) or await api_tokens.owns_tokens(user)


class AccountSettingsPages(Controller):
    path = "/account"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="account")
    async def account(self, request: Request) -> Template:
        user = current_user(request)
        values = {"name": user.name, "locale": user.locale, "affiliation": user.affiliation}
        return page(
            "account",
            values=values,
            errors={},
            notice=None,
            tokens_allowed=await _tokens_shown(user),
        )

    @post("/profile")
    async def profile(self, request: Request, data: FormData) -> Template:
        user = current_user(request)
        values = {k: form_value(data, k) for k in ("name", "locale", "affiliation")}
        try:
            await services.update_profile(user, **values)
        except Problem as problem:
            return page(
                "account",
                status=problem.status,
                values=values,
                errors=errors_of(problem),
                notice=None,
                tokens_allowed=await _tokens_shown(user),
            )
        request.state.locale = values["locale"]  # show the saved language at once
        return page(
            "account",
            values=values,
            errors={},
            notice="profile",
            tokens_allowed=await _tokens_shown(user),
        )

    @post("/password")
    async def password(self, request: Request, data: FormData) -> Template:
        user = current_user(request)
        values = {"name": user.name, "locale": user.locale, "affiliation": user.affiliation}
        settings = settings_of(request)
        try:
            token = await password_reset.change_password(
                user,
                current=form_value(data, "current_password"),
                new=form_value(data, "new_password"),
                base_url=settings.base_url,
                ip=ip_of(request),
                user_agent=user_agent_of(request),
                max_days=settings.session_max_days,
            )
        except Problem as problem:
            return page(
                "account",
                status=problem.status,
                values=values,
                errors=errors_of(problem),
                notice=None,
                tokens_allowed=await _tokens_shown(user),
            )
        response = page(
            "account",
            values=values,
            errors={},
            notice="password",
            tokens_allowed=await _tokens_shown(user),
        )
        set_session_cookie(response, request, token)
        return response

    @get("/tokens", name="account_tokens")  # the owner lists and revokes without the role
    async def tokens(self, request: Request) -> Template:
        user = current_user(request)
        rows = await api_tokens.list_tokens(user)
        return page(
            "tokens",
            tokens=rows,
            created=None,
            values={"days": "90"},
            errors={},
            may_create=may_use_api_tokens(user),
        )

    @post("/tokens", guards=[role_required(*TOKEN_ROLES)])
    async def create_token(self, request: Request, data: FormData) -> Template:
        user = current_user(request)
        values = {"name": form_value(data, "name"), "days": form_value(data, "days")}
        created = None
        try:
            days = int(values["days"]) if values["days"].strip().isdigit() else 0
            row, plaintext = await api_tokens.create_token(
                user,
                values["name"],
                days,
                require_2fa_internal=settings_of(request).require_2fa_internal,
            )
            created = {"name": row["name"], "token": plaintext, "expires_at": row["expires_at"]}
            errors, status, values = {}, 201, {"days": "90"}
        except Problem as problem:
            errors, status = errors_of(problem), problem.status
        rows = await api_tokens.list_tokens(user)
        return page(
            "tokens",
            status=status,
            tokens=rows,
            created=created,
            values=values,
            errors=errors,
            may_create=True,
        )

    @post("/tokens/{token_id:uuid}/revoke")
    async def revoke_token(self, request: Request, token_id: FromPath[UUID]) -> Redirect:
        await api_tokens.revoke_token(current_user(request), token_id)
        return Redirect("/account/tokens", status_code=303)
