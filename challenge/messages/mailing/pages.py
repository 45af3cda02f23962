"""The person's notification settings page (/account/notifications) and the one-click unsubscribe
of announcements (/unsubscribe/{token}, RFC 8058).

The unsubscribe POST needs no login and no CSRF token (a mail client sends it, with nothing but
``List-Unsubscribe=One-Click``): it is excluded from the session and CSRF middleware, rate-limited
per address instead, and can only turn announcements off. The GET only shows a button — mail
scanners fetch links, so opening one never unsubscribes."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from challenge.messages.mailing import preferences
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user, ip_of
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit

UNSUBSCRIBE_PER_IP = ratelimit.Limit("unsubscribe-ip", 30, 60 * 60)
ONE_CLICK = "One-Click"  # RFC 8058: the body is List-Unsubscribe=One-Click
UNKNOWN_TOKEN = N_(
    "This unsubscribe link is unknown. It may be mistyped, or the account no longer exists."
)


def _settings_page(row: dict, errors: dict | None = None, notice: bool = False, status=200):
    return Template(
        template_name="messages/notifications/settings.html",
        context={"values": preferences.public(row), "errors": errors or {}, "notice": notice},
        status_code=status,
    )


class NotificationSettingsPages(Controller):
    """The settings form on the account area."""

    path = "/account/notifications"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="account_notifications")
    async def show(self, request: Request) -> Template:
        return _settings_page(await preferences.settings_of(current_user(request).id))

    @post("/")
    async def save(self, request: Request, data: FormData) -> Template:
        user = current_user(request)
        thread_mail = form_value(data, "thread_mail")
        announcements = form_value(data, "announcements") == "1"
        try:
            row = await preferences.update(
                user.id, thread_mail=thread_mail, announcements=announcements
            )
        except Problem as problem:
            row = {
                **await preferences.settings_of(user.id),
                "thread_mail": thread_mail,
                "announcements": announcements,
            }
            return _settings_page(row, errors_of(problem), status=problem.status)
        return _settings_page(row, notice=True)


def _unknown() -> Problem:
    return Problem(404, "not_found", UNKNOWN_TOKEN)


@get("/unsubscribe/{token:str}", include_in_schema=False, name="unsubscribe")
async def unsubscribe_form(token: FromPath[str]) -> Template:
    """The confirmation page: a button that sends what a mail client's one-click would."""
    row = await preferences.by_token(token)
    if row is None:
        raise _unknown()
    return Template(
        template_name="messages/notifications/unsubscribe.html",
        context={"token": token, "done": not row["announcements"]},
    )


@post(
    "/unsubscribe/{token:str}",
    include_in_schema=False,
    status_code=200,
    # no session, no CSRF token: RFC 8058 clients send nothing but the body
    opt={"exclude_from_auth": True},
)
async def unsubscribe(request: Request, token: FromPath[str]) -> Template:
    """RFC 8058 one-click: announcements off, 200; rate-limited per client address."""
    verdict = await ratelimit.hit(UNSUBSCRIBE_PER_IP, ip_of(request))
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    form = await request.form()
    if form.get("List-Unsubscribe") != ONE_CLICK:
        raise Problem(400, "bad_request", N_("Send List-Unsubscribe=One-Click to unsubscribe."))
    if not await preferences.unsubscribe(token):
        raise _unknown()
    return Template(template_name="messages/notifications/unsubscribed.html")
