"""Helpers of the two-factor tests: a portal with two-factor login mandatory for internal roles
(the production default), codes at the frozen clock's time, the secret read from a page."""

from __future__ import annotations

import contextlib
import html
import re

from challenge.platform import clock
from challenge.platform.accounts import totp
from tests.conftest import make_settings, other_app
from tests.support.web import api


@contextlib.asynccontextmanager
async def strict_portal(app, database_url, tmp_path, ip: str | None = None):
    """A client of a portal where staff, finance and admins must use two-factor login."""
    settings = make_settings(tmp_path / "strict", database_url, require_2fa_internal="true")
    async with other_app(app, settings, ip=ip) as client:
        client.settings = settings
        yield client


def code_now(secret: str, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (at the frozen clock), or a later step's."""
    return totp.code_at(secret, totp.step_of(clock.now()) + steps_ahead)


def secret_on(page_html: str) -> str:
    """The key shown for typing by hand on the enrolment page."""
    match = re.search(r'<code class="totp-secret">([^<]+)</code>', page_html)
    assert match, "no key on the enrolment page"
    return html.unescape(match.group(1)).replace(" ", "")


def recovery_codes_on(page_html: str) -> list[str]:
    return re.findall(r"<li><code>((?:[a-z0-9]{4}-){5}[a-z0-9]{4})</code></li>", page_html)


async def enrol_by_api(client) -> tuple[str, list[str]]:
    """A signed-in client sets up two-factor login; (secret, recovery codes). Afterwards the
    clock moves to the next step, so the code used for the enrolment is not the next one."""
    started = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {})
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    done = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {"code": code_now(secret)})
    assert done.status_code == 200, done.text
    return secret, done.json()["recovery_codes"]


def session_cookie_set(response) -> bool:
    return any(
        header.startswith("session=") and "Max-Age=0" not in header and 'session=""' not in header
        for header in response.headers.get_list("set-cookie")
    )
