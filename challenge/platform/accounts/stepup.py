"""Step-up: money and irreversible actions (recording a payment, approving a milestone,
publishing results, deciding awards) need a sign-in within the last 15 minutes (issue 22).

One rule, :func:`require_recent_sign_in`, which the four services call at their entry points.
A browser session that is too old answers 401 ``step_up_required``; the API client signs in
again (``POST /api/v1/auth/login``), the page asks for the password on the spot and then
carries on with the kept form (:func:`page_step_up`); a person with two-factor login is asked
for the code from their authenticator app (or a recovery code) instead, and the API client sends
it to ``POST /api/v1/auth/2fa/verify``. Actors without a session (the demo, the
command line, jobs) act for the portal itself and are not asked. API tokens cannot prove a
recent sign-in, so they cannot do these actions.
"""

from __future__ import annotations

from datetime import timedelta

from litestar import Request
from litestar.response import Template

from challenge.platform import clock
from challenge.platform.accounts import two_factor
from challenge.platform.accounts.passwords import verify_password_async
from challenge.platform.accounts.tables import Session, User
from challenge.platform.accounts.web import ip_of
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit
from challenge.platform.security.ratelimit import Limit

STEP_UP_WINDOW = timedelta(minutes=15)
# wrong passwords on the step-up form, per person (like the login's failures per account)
STEP_UP_FAILURES = Limit("step-up-fail", 5, 15 * 60)
PASSWORD_FIELD = "_step_up_password"
CODE_FIELD = "_step_up_code"  # for people with two-factor login
# never carried over into the kept form
_NOT_KEPT = {PASSWORD_FIELD, CODE_FIELD, "_csrf_token"}


def _required(with_code: bool = False) -> Problem:
    if with_code:
        return Problem(
            401,
            "step_up_required",
            N_(
                "Please confirm it is you: enter the code from your authenticator app (or a "
                "recovery code) to continue."
            ),
        )
    return Problem(
        401,
        "step_up_required",
        N_("Please confirm it is you: enter your password again to continue."),
    )


async def signed_in_recently(actor) -> bool:
    """Whether the actor may do a step-up action now: a session whose sign-in is at most
    15 minutes old — for a person with two-factor login, one that passed the second factor —
    or no session at all (the portal acting for itself)."""
    session_id = getattr(actor, "session_id", None)
    if session_id is None:
        return getattr(actor, "token_id", None) is None
    row = (
        await Session.select(Session.authenticated_at, Session.second_factor)
        .where(Session.id == session_id)
        .first()
    )
    if row is None or row["authenticated_at"] is None:
        return False
    if clock.now() - row["authenticated_at"] > STEP_UP_WINDOW:
        return False
    # with two-factor login only the second factor counts (not a new password's session)
    return bool(row["second_factor"]) or not await two_factor.is_enrolled(actor.id)


async def require_recent_sign_in(actor) -> None:
    """Refuse a step-up action (401 ``step_up_required``) unless the sign-in is recent."""
    if not await signed_in_recently(actor):
        session = getattr(actor, "session_id", None) is not None
        raise _required(session and await two_factor.is_enrolled(actor.id))


async def confirm_password(actor, password: str) -> None:
    """The person proves who they are again: the session's sign-in time becomes now.
    Wrong passwords are rate-limited (per person)."""
    verdict = await ratelimit.hit(STEP_UP_FAILURES, str(actor.id))
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    user = await User.select(User.password_hash).where(User.id == actor.id).first()
    if not await verify_password_async(user["password_hash"] if user else None, password):
        raise Problem(401, "invalid_credentials", N_("The password is wrong."))
    await ratelimit.reset(STEP_UP_FAILURES, str(actor.id))
    await Session.update({Session.authenticated_at: clock.now()}).where(
        Session.id == actor.session_id
    )


async def confirm_code(actor, code: str, *, secret_key: str, ip: str) -> None:
    """The person proves who they are with the second factor (rate-limited in two_factor):
    the session's sign-in time becomes now and it counts as passed the second factor."""
    await two_factor.verify(actor.id, code, secret_key, ip)
    await two_factor.mark_session(actor.session_id)


async def _confirm(request: Request, actor, data: dict, with_code: bool) -> dict[str, str] | None:
    """Check what the step-up form sent: None when it is right, else the field's error."""
    field = CODE_FIELD if with_code else PASSWORD_FIELD
    if field not in data or actor.session_id is None:
        return {}
    try:
        if with_code:
            await confirm_code(
                actor,
                str(data.get(field) or ""),
                secret_key=request.app.state.settings.secret_key or "",
                ip=ip_of(request),
            )
        else:
            await confirm_password(actor, str(data.get(field) or ""))
    except Problem as problem:
        return {field: problem.detail, "_status": str(problem.status)}
    return None


async def page_step_up(request: Request, data: dict | None) -> Template | None:
    """For a page's form post: None when the action may go on (the sign-in is recent, or the
    password — or, with two-factor login, the code — sent along with the kept form is right);
    otherwise the page asking for it, which posts the same form to the same address again."""
    actor = request.scope["user"]
    if await signed_in_recently(actor):
        return None
    data = data or {}
    with_code = actor.session_id is not None and await two_factor.is_enrolled(actor.id)
    errors = await _confirm(request, actor, data, with_code)
    if errors is None:
        return None
    status = int(errors.pop("_status", 401))
    kept = [(name, value) for name, value in data.items() if name not in _NOT_KEPT]
    return Template(
        template_name="base/accounts/step_up.html",
        context={
            "action": request.url.path,
            "kept": [(name, v) for name, value in kept for v in _values(value)],
            "errors": errors,
            "tokens_only": actor.session_id is None,
            "with_code": with_code,
        },
        status_code=status,
    )


def _values(value) -> list[str]:
    """A form value as a list (a field sent more than once keeps every value)."""
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
