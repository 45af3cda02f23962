"""Two-factor login pages (issue 22 point 3): the code after the password (/auth/2fa/verify),
the enrolment forced on staff, finance and admins at sign-in (/auth/2fa/totp/enrol), and the
person's own page (/account/2fa: set up, new recovery codes, switch off where optional)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts import pending_sign_in, two_factor
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.pending_sign_in import Pending, SecondFactorRequired
from challenge.platform.accounts.roles import GLOBAL_ROLES
from challenge.platform.accounts.sessions import user_row
from challenge.platform.accounts.web import (
    current_user,
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

LANDING = "/dashboard"
VERIFY_PATH = "/auth/2fa/verify"
ENROL_PATH = "/auth/2fa/totp/enrol"
EXPIRED = N_("The sign-in took too long. Please log in again.")
# the enrolment's secret, the recovery codes and the code forms are never kept in a cache
NO_STORE = CacheControlHeader(no_store=True)


def page(name: str, status: int = 200, **context) -> Template:
    return Template(template_name=f"base/accounts/{name}.html", context=context, status_code=status)


def _secret(request: Request) -> str:
    return settings_of(request).secret_key or ""


def set_pending_cookie(response: Response, request: Request, value: str) -> None:
    """The pending sign-in (five minutes, only for the second-factor step)."""
    response.set_cookie(
        pending_sign_in.COOKIE,
        value,
        max_age=pending_sign_in.SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings_of(request).https,
    )


def forget_pending(response: Response) -> None:
    response.delete_cookie(pending_sign_in.COOKIE, path="/")


def second_factor_step(request: Request, waiting: SecondFactorRequired, next_: str) -> Redirect:
    """The login page's answer to a right password that needs the second factor."""
    response = Redirect(ENROL_PATH if waiting.enrol else VERIFY_PATH, status_code=303)
    set_pending_cookie(
        response, request, pending_sign_in.seal(settings_of(request), waiting, next_)
    )
    return response


async def pending_of(request: Request) -> Pending | None:
    return await pending_sign_in.open_pending(
        settings_of(request), request.cookies.get(pending_sign_in.COOKIE)
    )


async def start_session(request: Request, pending: Pending) -> tuple[CurrentUser, str]:
    """Start the session now that the second factor is right: (identity, cookie token)."""
    settings = settings_of(request)
    return await pending_sign_in.finish(
        pending,
        ip=ip_of(request),
        user_agent=user_agent_of(request),
        max_days=settings.session_max_days,
        old_token=session_token_of(request),
    )


def hand_over(response: Response, request: Request, token: str) -> Response:
    """The session cookie instead of the pending one."""
    set_session_cookie(response, request, token)
    forget_pending(response)
    return response


async def sign_in(request: Request, pending: Pending, response: Response) -> Response:
    """Start the session and answer with ``response`` carrying its cookie."""
    _user, token = await start_session(request, pending)
    return hand_over(response, request, token)


def _check(request: Request) -> dict[str, str]:
    """What checking a code and mailing about a change need."""
    return {"secret_key": _secret(request), "ip": ip_of(request), "base_url": _base(request)}


def _base(request: Request) -> str:
    return settings_of(request).base_url


def _field_errors(problem: Problem, password_field: str, code_field: str) -> dict[str, str]:
    """A wrong password or code at its field, anything else as the problem says."""
    if problem.code == "invalid_credentials":
        return {password_field: problem.detail}
    if problem.code == "invalid_code":
        return {code_field: problem.detail}
    return errors_of(problem)


def _code_errors(problem: Problem) -> dict[str, str]:
    return {"code": problem.detail} if problem.status in (401, 422) else errors_of(problem)


async def _enrolment(request: Request, user_id) -> dict:
    user = await user_row(user_id)
    return await two_factor.open_enrolment(
        user_id, user["email"], _secret(request)
    ) or await two_factor.start_enrolment(user_id, user["email"], _secret(request))


class TwoFactorSignInPages(Controller):
    """The second step of a password sign-in; no session exists before it succeeds."""

    path = "/auth/2fa"
    include_in_schema = False
    cache_control = NO_STORE

    @get("/verify", name="two_factor_verify")
    async def verify_form(self, request: Request) -> Template | Redirect:
        pending = await pending_of(request)
        if pending is None or pending.enrol:
            return Redirect("/login", status_code=303)
        return page("two_factor_verify", errors={})

    @post("/verify")
    async def verify(self, request: Request, data: FormData) -> Response:
        pending = await pending_of(request)
        if pending is None or pending.enrol:
            return page("two_factor_verify", status=401, errors={"_form": EXPIRED}, expired=True)
        try:
            await two_factor.verify(
                pending.user_id, form_value(data, "code"), _secret(request), ip_of(request)
            )
        except Problem as problem:
            return page("two_factor_verify", status=problem.status, errors=_code_errors(problem))
        target = Redirect(safe_next(pending.next, LANDING), status_code=303)
        return await sign_in(request, pending, target)

    @get("/totp/enrol", name="two_factor_enrol")
    async def enrol_form(self, request: Request) -> Template | Redirect:
        pending = await pending_of(request)
        if pending is None or not pending.enrol:
            return Redirect("/login", status_code=303)
        enrolment = await _enrolment(request, pending.user_id)
        return page(
            "two_factor_enrol", enrolment=enrolment, action=ENROL_PATH, forced=True, errors={}
        )

    @post("/totp/enrol")
    async def enrol(self, request: Request, data: FormData) -> Response:
        pending = await pending_of(request)
        if pending is None or not pending.enrol:
            return page("two_factor_verify", status=401, errors={"_form": EXPIRED}, expired=True)
        try:
            codes = await two_factor.confirm_enrolment(
                pending.user_id,
                form_value(data, "code"),
                _secret(request),
                ip_of(request),
                base_url=_base(request),
            )
        except Problem as problem:
            return page(
                "two_factor_enrol",
                status=problem.status,
                enrolment=await _enrolment(request, pending.user_id),
                action=ENROL_PATH,
                forced=True,
                errors=_code_errors(problem),
            )
        shown = page("two_factor_codes", codes=codes, next=safe_next(pending.next, LANDING))
        return await sign_in(request, pending, shown)


NOTICES = ("disabled",)


class TwoFactorAccountPages(Controller):
    """/account/2fa: the person's two-factor login."""

    path = "/account/2fa"
    include_in_schema = False
    guards = [login_required]
    cache_control = NO_STORE

    async def _status_page(self, request: Request, status: int = 200, **context) -> Template:
        user = current_user(request)
        mandatory = settings_of(request).require_2fa_internal and user.has_role(*GLOBAL_ROLES)
        context = {"errors": {}, "notice": "", **context}
        return page(
            "two_factor",
            status=status,
            state=await two_factor.status(user.id),
            mandatory=mandatory,
            **context,
        )

    @get("/", name="account_two_factor")
    async def status(
        self, request: Request, notice: Annotated[str, QueryParameter()] = ""
    ) -> Template:
        return await self._status_page(request, notice=notice if notice in NOTICES else "")

    @post("/start")
    async def start(self, request: Request) -> Template:
        user = current_user(request)
        try:
            enrolment = await two_factor.start_enrolment(user.id, user.email, _secret(request))
        except Problem as problem:
            return await self._status_page(request, problem.status, errors=errors_of(problem))
        return page(
            "two_factor_enrol", enrolment=enrolment, action="/account/2fa/confirm", errors={}
        )

    @post("/confirm")
    async def confirm(self, request: Request, data: FormData) -> Template | Redirect:
        user = current_user(request)
        try:
            codes = await two_factor.confirm_enrolment(
                user.id,
                form_value(data, "code"),
                _secret(request),
                ip_of(request),
                base_url=_base(request),
            )
        except Problem as problem:
            enrolment = await two_factor.open_enrolment(user.id, user.email, _secret(request))
            if enrolment is None:
                return Redirect("/account/2fa", status_code=303)
            return page(
                "two_factor_enrol",
                status=problem.status,
                enrolment=enrolment,
                action="/account/2fa/confirm",
                errors=_code_errors(problem),
            )
        await two_factor.mark_session(user.session_id)
        return page("two_factor_codes", codes=codes, next="/account/2fa")

    @post("/recovery-codes")
    async def renew(self, request: Request, data: FormData) -> Template:
        user = current_user(request)
        try:
            codes = await two_factor.renew_recovery_codes(
                user.id, form_value(data, "password"), form_value(data, "code"), **_check(request)
            )
        except Problem as problem:
            errors = _field_errors(problem, "password", "code")
            return await self._status_page(request, problem.status, errors=errors)
        return page("two_factor_codes", codes=codes, next="/account/2fa")

    @post("/disable")
    async def disable(self, request: Request, data: FormData) -> Template | Redirect:
        user = current_user(request)
        try:
            await two_factor.disable(
                user.id,
                form_value(data, "disable_password"),
                form_value(data, "disable_code"),
                internal_required=settings_of(request).require_2fa_internal,
                **_check(request),
            )
        except Problem as problem:
            errors = _field_errors(problem, "disable_password", "disable_code")
            return await self._status_page(request, problem.status, errors=errors)
        return Redirect("/account/2fa?notice=disabled", status_code=303)
