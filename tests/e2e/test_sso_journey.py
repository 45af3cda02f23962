"""Single sign-on in a real browser, in German, with axe-core on its pages (issue 22): a person
who exists only at the city's OpenID provider (a real oidc-provider-mock process on a loopback
port, demanding a nonce), in the group `scc-staff`, opens the portal's login page, chooses the
city's sign-in, types their subject at the provider's form and is back in the portal as staff —
on a portal where two-factor login is mandatory for internal roles (the production default) and
yet not asked for a TOTP code, since the provider counts as the second factor (a local staff
password on the same portal is led to the enrolment). Then the provider takes the group away;
the person signs out ("Abmelden" ends the portal session and leads to the provider's
end-session page, RP-initiated logout), signs in again through the provider and is refused the
staff pages — and so is a second browser that stayed signed in."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread

from tests.e2e.conftest import DEMO_PASSWORD, accessible, demo_portal, submit

SUBJECT = "stadt-7f3a-sina"
NAME = "Sina Stadtwerk"
EMAIL = "sina.stadtwerk@stadt.example"
CITY_BUTTON = "a:has-text('Mit dem Konto der Stadt anmelden')"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider's issuer URL; it demands a nonce like a strict production provider."""
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_portal(tmp_path_factory, provider):
    """A demo portal that signs staff in through the provider, with two-factor login mandatory
    for internal roles; yields its base URL (also the redirect URI's, CHALLENGE_BASE_URL)."""
    with demo_portal(
        tmp_path_factory.mktemp("e2e-sso"),
        CHALLENGE_REQUIRE_2FA_INTERNAL="true",
        CHALLENGE_OIDC_ISSUER=provider,
        CHALLENGE_OIDC_CLIENT_ID="smart-city-challenge",
        CHALLENGE_OIDC_CLIENT_SECRET="portal-secret",
        CHALLENGE_OIDC_ROLE_MAP="staff=scc-staff,finance=scc-finance",
    ) as (base, _env):
        yield base


def provider_says(provider: str, groups: list[str]) -> None:
    """What the provider knows about the person (its /users/{sub} endpoint), address confirmed."""
    claims = {"email": EMAIL, "email_verified": True, "name": NAME, "groups": groups}
    response = httpx.put(f"{provider}/users/{SUBJECT}", json=claims)
    assert response.status_code == 204, response.text


async def sign_in_at_provider(page, base: str, provider: str, check: bool = False) -> None:
    """The login page, the city's button, the subject typed at the provider, back in the portal."""
    await page.goto(f"{base}/login")
    assert await page.locator(CITY_BUTTON).count() == 1
    if check:
        await accessible(page, "login page with the city's sign-in")
    await submit(page, CITY_BUTTON)
    assert page.url.startswith(f"{provider}/oauth2/authorize"), page.url
    await page.fill("input[name=sub]", SUBJECT)
    await page.click("button:has-text('Authorize')")
    await page.wait_for_url(f"{base}/**")
    await page.wait_for_load_state("load")
    assert "/auth/" not in page.url and "/login" not in page.url, page.url


async def local_staff_is_asked_to_enrol(page, base: str) -> None:
    """The same portal leads a staff password login to the TOTP enrolment (the setting is on)."""
    await page.goto(f"{base}/login")
    await page.fill("#field-email", "staff@demo.leipzig.de")
    await page.fill("#field-password", DEMO_PASSWORD)
    await submit(page, "form[action='/login'] button[type=submit]")
    assert page.url.endswith("/auth/2fa/totp/enrol"), page.url


async def test_staff_sign_in_through_the_provider_and_lose_the_role_with_the_group(
    sso_portal, provider, browser
):
    base = sso_portal
    await local_staff_is_asked_to_enrol(await browser(), base)

    provider_says(provider, ["scc-staff", "elsewhere"])
    page = await browser()
    await sign_in_at_provider(page, base, provider, check=True)
    # no TOTP enrolment nor code: the provider was the second factor
    assert page.url == f"{base}/dashboard", page.url
    await accessible(page, "start page after signing in with the city's account")
    assert await page.locator("nav.site-user a[href='/staff/calls']").count() == 1
    answer = await page.goto(f"{base}/staff/calls")
    assert answer.status == 200 and page.url == f"{base}/staff/calls", page.url
    assert await page.locator("main h1").count() == 1
    await page.goto(f"{base}/account")
    assert await page.input_value("#field-name") == NAME  # the provider's name claim
    assert f"{EMAIL}. Rollen: Mitarbeitende" in await page.inner_text("main")

    other = await browser()  # a second browser that stays signed in
    await sign_in_at_provider(other, base, provider)

    provider_says(provider, ["elsewhere"])  # the city takes the group away
    # "Abmelden" ends the portal session and leads to the provider's end-session page
    await page.goto(f"{base}/account")
    await submit(page, "form[action='/logout'] button[type=submit]")
    await page.wait_for_url(f"{provider}/oauth2/end_session**")
    await page.click("button:has-text('End session')")
    await page.wait_for_url(f"{base}/**")
    await page.wait_for_load_state("load")
    assert await page.locator("form[action='/logout']").count() == 0  # signed out
    # the next sign-in brings the provider's groups along again: no staff any more
    await sign_in_at_provider(page, base, provider)
    assert page.url == f"{base}/dashboard", page.url
    assert await page.locator("nav.site-user a[href='/staff/calls']").count() == 0
    assert await page.locator("form[action='/logout']").count() == 1  # signed in, as no staff
    answer = await page.goto(f"{base}/staff/calls")
    assert answer.status == 403, (answer.status, page.url)
    await accessible(page, "staff page refused after the group was removed")
    await page.goto(f"{base}/account")
    assert await page.input_value("#field-name") == NAME
    assert "Mitarbeitende" not in await page.inner_text("main")
    # the other browser's session acts with the person's roles as they are now
    answer = await other.goto(f"{base}/staff/calls")
    assert answer.status == 403, (answer.status, other.url)
