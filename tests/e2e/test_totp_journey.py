"""Two-factor login in a real browser, in German, with axe-core on its pages (issue 22): on a
portal where two-factor login is mandatory for internal roles (the production default), staff,
an admin and finance sign in with their password and are led through the enrolment — QR code,
the key typed into an "app" (pyotp here), the ten recovery codes — before any other page; two of
them approve the demo's milestone waiting for review; finance, whose sign-in is by then older
than 15 minutes, records the payment: the step-up asks for the code from the app, then the
payment goes through with the form as it was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts import totp
from challenge.platform.accounts.tables import Session, User
from challenge.settings import load_settings, prepare
from partnerships.tables import Milestone
from tests.e2e.conftest import accessible, demo_portal, submit

DEMO_PASSWORD = "Leipzig-Demo-2026"


@pytest.fixture(scope="module")
def strict_portal(tmp_path_factory):
    """A demo portal with CHALLENGE_REQUIRE_2FA_INTERNAL at its default (true); yields
    (base URL, its environment)."""
    with demo_portal(tmp_path_factory.mktemp("e2e-totp")) as running:
        yield running


def app_code(secret: str, ahead: int = 0) -> str:
    """What the authenticator app shows now (or a step later)."""
    return totp.code_at(secret, totp.step_of(clock.now()) + ahead)


async def sign_in_and_enrol(page, base: str, address: str, check: bool = False) -> str:
    """Password, then the forced enrolment; the secret the 'app' keeps."""
    await page.goto(f"{base}/login")
    await page.fill("#field-email", address)
    await page.fill("#field-password", DEMO_PASSWORD)
    await submit(page, "form[action='/login'] button[type=submit]")
    assert page.url.endswith("/auth/2fa/totp/enrol"), page.url
    await page.goto(f"{base}/dashboard")  # no session yet: back to the login
    assert "/login" in page.url
    await page.goto(f"{base}/auth/2fa/totp/enrol")
    if check:
        await accessible(page, "forced enrolment")
    assert await page.locator("svg.totp-qr").count() == 1
    secret = (await page.inner_text("code.totp-secret")).replace(" ", "")
    await page.fill("#field-code", "000000")
    await submit(page, "form[action='/auth/2fa/totp/enrol'] button[type=submit]")
    assert "Der Code ist falsch" in await page.inner_text("#error-summary")
    if check:
        await accessible(page, "enrolment with a wrong code")
    await page.fill("#field-code", app_code(secret))
    await submit(page, "form[action='/auth/2fa/totp/enrol'] button[type=submit]")
    assert await page.locator("ul.recovery-codes li").count() == 10
    if check:
        await accessible(page, "recovery codes")
    await submit(page, "a:has-text('Ich habe die Codes aufbewahrt')")
    assert page.url.endswith("/dashboard"), page.url
    return secret


async def _milestone_waiting(env: dict) -> tuple[str, str, str]:
    """(milestone id, partnership id, finance's user id) from the demo data."""
    async with db.connected(prepare(load_settings(env))):
        row = (
            await Milestone.select(Milestone.id, Milestone.partnership)
            .where(Milestone.status == "submitted")
            .first()
        )
        finance = await User.select(User.id).where(User.email == "finance@demo.leipzig.de").first()
    assert row, "the demo has a milestone waiting for review"
    return str(row["id"]), str(row["partnership"]), finance["id"]


async def _sign_in_ages(env: dict, user_id) -> None:
    """Finance's sign-in is 20 minutes old (instead of waiting 20 minutes)."""
    async with db.connected(prepare(load_settings(env))):
        await Session.update({Session.authenticated_at: clock.now() - timedelta(minutes=20)}).where(
            Session.user == user_id
        )


async def test_finance_enrols_and_records_a_payment_with_step_up(strict_portal, browser):
    base, env = strict_portal
    staff, admin, finance = [await browser() for _ in range(3)]
    await sign_in_and_enrol(staff, base, "staff@demo.leipzig.de")
    await sign_in_and_enrol(admin, base, "admin@demo.leipzig.de")
    secret = await sign_in_and_enrol(finance, base, "finance@demo.leipzig.de", check=True)
    await finance.goto(f"{base}/account/2fa")
    await accessible(finance, "two-factor login page")
    assert "nicht ausschalten" in await finance.inner_text("main")

    milestone, partnership, finance_id = await _milestone_waiting(env)
    for person in (staff, admin):
        await person.goto(f"{base}/staff/partnerships/{partnership}")
        await submit(
            person, f"form[action='/staff/milestones/{milestone}/review'] button[value=approve]"
        )
        assert await person.locator("#error-summary").count() == 0, await person.inner_text("main")

    await _sign_in_ages(env, finance_id)
    await finance.goto(f"{base}/staff/partnerships/{partnership}")
    await finance.fill(f"#ref-{milestone}", "KASSE-2FA")
    await submit(finance, f"form[action='/staff/milestones/{milestone}/payment'] button")
    assert await finance.locator("#field-_step_up_code").count() == 1
    assert await finance.locator("#field-_step_up_password").count() == 0
    await accessible(finance, "step-up asking for the code")
    # the enrolment used this step's code; the app's next one is inside the window
    await finance.fill("#field-_step_up_code", app_code(secret, 1))
    await submit(finance, "form:has(#field-_step_up_code) button[type=submit]")
    assert await finance.locator("#error-summary").count() == 0, await finance.inner_text("main")
    async with db.connected(prepare(load_settings(env))):
        paid = (
            await Milestone.select(Milestone.status, Milestone.paid_cents)
            .where(Milestone.id == milestone)
            .first()
        )
    assert paid["paid_cents"] > 0, paid
