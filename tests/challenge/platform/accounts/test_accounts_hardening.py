"""Regression tests for the security review of the accounts work (one per finding)."""

import asyncio
import re
import time

import httpx

from challenge.platform.accounts.tables import User
from challenge.platform.security import ratelimit
from tests.conftest import http_client, make_settings, other_app
from tests.support.web import (
    PASSWORD,
    api,
    csrf,
    link_in,
    login,
    make_user,
    spooled_mails,
    text_of,
    unique_email,
)


async def test_preregistering_someone_elses_address_gives_no_access(app, settings, deliver_mail):
    victim = unique_email("victim")
    async with http_client(app) as attacker, http_client(app) as owner:
        await api(
            attacker,
            "POST",
            "/api/v1/auth/register",
            {
                "name": "Angreifer",
                "locale": "de",
                "email": victim,
                "password": "Angreifer-Passwort-1",
            },
        )
        await api(
            owner,
            "POST",
            "/api/v1/auth/register",
            {"name": "Opfer", "locale": "de", "email": victim, "password": PASSWORD},
        )
        await deliver_mail()
        mails = spooled_mails(settings.mail_dir, victim)
        assert len(mails) == 2
        # spool files may share a timestamp: tell the two mails apart by the greeting
        owners_mail = next(m for m in mails if "Opfer" in text_of(m))
        attackers_mail = next(m for m in mails if "Angreifer" in text_of(m))
        token = link_in(owners_mail, "/account/verify").split("token=")[1]
        assert (
            await api(owner, "POST", "/api/v1/auth/verify", {"token": token})
        ).status_code == 200
        assert (
            await api(
                attacker,
                "POST",
                "/api/v1/auth/login",
                {"email": victim, "password": "Angreifer-Passwort-1"},
            )
        ).status_code == 401
        assert (
            await api(owner, "POST", "/api/v1/auth/login", {"email": victim, "password": PASSWORD})
        ).status_code == 200
        # the attacker's older link is dead now
        old = link_in(attackers_mail, "/account/verify").split("token=")[1]
        assert (
            await api(attacker, "POST", "/api/v1/auth/verify", {"token": old})
        ).status_code == 422


async def test_unconfirmed_account_has_no_password_until_the_link_is_followed(client):
    address = unique_email("pending")
    await api(
        client,
        "POST",
        "/api/v1/auth/register",
        {"email": address, "password": PASSWORD, "name": "P", "locale": "de"},
    )
    row = await User.select(User.password_hash).where(User.email == address).first()
    assert row["password_hash"] is None
    response = await api(
        client, "POST", "/api/v1/auth/login", {"email": address, "password": PASSWORD}
    )
    assert response.status_code == 403 and response.json()["code"] == "email_not_verified"


async def test_an_api_token_cannot_create_tokens(app, client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    token = (await api(client, "POST", "/api/v1/me/tokens", {"name": "a", "days": 5})).json()[
        "token"
    ]
    async with http_client(app) as integration:
        response = await integration.post(
            "/api/v1/me/tokens",
            json={"name": "b", "days": 365},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 403
        assert response.json()["code"] == "session_required"


async def test_older_reset_links_die_with_a_new_password(client, settings, deliver_mail):
    user = await make_user()
    for _ in range(2):
        await api(client, "POST", "/api/v1/auth/password-reset", {"email": user["email"]})
    await deliver_mail()
    first, second = [
        link_in(m, "/password/reset").split("token=")[1]
        for m in spooled_mails(settings.mail_dir, user["email"])[-2:]
    ]
    assert (
        await api(
            client,
            "POST",
            "/api/v1/auth/password-reset/confirm",
            {"token": second, "password": "Zweites-Passwort-22"},
        )
    ).status_code == 200
    stale = await api(
        client,
        "POST",
        "/api/v1/auth/password-reset/confirm",
        {"token": first, "password": "Drittes-Passwort-333"},
    )
    assert stale.status_code == 422
    await login(client, user["email"], "Zweites-Passwort-22")


async def test_password_change_revokes_api_tokens(app, client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    token = (await api(client, "POST", "/api/v1/me/tokens", {"name": "a", "days": 5})).json()[
        "token"
    ]
    await api(
        client,
        "POST",
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": "Neu-und-sicher-2026"},
    )
    async with http_client(app) as integration:
        assert (
            await integration.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        ).status_code == 401


async def test_reset_links_are_rate_limited_per_ip(app):
    async with http_client(app, ip="192.0.2.60") as client:
        for _ in range(ratelimit.MAIL_LINKS_PER_IP.limit):
            assert (
                await api(
                    client,
                    "POST",
                    "/api/v1/auth/password-reset/confirm",
                    {"token": "bogus", "password": PASSWORD},
                )
            ).status_code == 422
        assert (
            await api(
                client,
                "POST",
                "/api/v1/auth/password-reset/confirm",
                {"token": "bogus", "password": PASSWORD},
            )
        ).status_code == 429


async def test_hashing_does_not_stall_other_requests(app):
    """Ten password checks at once: a health probe still answers quickly."""
    user = await make_user()

    async def wrong_login(n):
        async with http_client(app) as client:
            await api(
                client,
                "POST",
                "/api/v1/auth/login",
                {"email": unique_email(), "password": f"falsch-{n}-falsch"},
            )

    async def probe():
        await asyncio.sleep(0.05)
        async with http_client(app) as client:
            started = time.perf_counter()
            await client.get("/healthz")
            return time.perf_counter() - started

    *_, waited = await asyncio.gather(*(wrong_login(n) for n in range(10)), probe())
    assert waited < 0.4, f"/healthz waited {waited:.2f} s behind password hashing"
    assert user


async def test_parallel_guesses_cannot_exceed_the_account_lockout(app):
    user = await make_user()

    async def guess(n):
        async with http_client(app) as client:
            response = await api(
                client,
                "POST",
                "/api/v1/auth/login",
                {"email": user["email"], "password": f"falsch-{n}-falsch"},
            )
            return response.status_code

    statuses = await asyncio.gather(*(guess(n) for n in range(15)))
    assert statuses.count(401) <= ratelimit.LOGIN_FAILURES_PER_ACCOUNT.limit
    assert statuses.count(429) >= 15 - ratelimit.LOGIN_FAILURES_PER_ACCOUNT.limit


async def test_non_ascii_csrf_values_are_refused_not_crashing(client):
    user = await make_user()
    await login(client, user["email"])
    response = await client.patch(
        "/api/v1/me", json={"name": "x"}, headers={"x-csrftoken": "é".encode()}
    )
    assert response.status_code == 403
    client.cookies.clear()
    page = await client.get("/", headers={"cookie": "csrftoken=a.é".encode()})
    assert page.status_code == 200
    assert re.search(r"csrftoken=[\w-]+\.[0-9a-f]{32}", page.headers["set-cookie"])  # a fresh token


async def test_addresses_with_list_or_angle_characters_get_a_form_error(client):
    for address in ("a@b.de, c@d.de", "<a@b.de>", "a;b@c.de", "a b@c.de"):
        response = await api(
            client,
            "POST",
            "/api/v1/auth/register",
            {"email": address, "password": PASSWORD, "name": "X", "locale": "de"},
        )
        assert response.status_code == 422, address
        assert response.json()["errors"][0]["field"] == "email"


async def test_logout_expires_the_host_cookie_with_secure(app, tmp_path, database_url):
    secure = make_settings(
        tmp_path / "https", database_url, base_url="https://challenge.leipzig.de"
    )
    user = await make_user()
    async with other_app(app, secure) as client:
        client.base_url = httpx.URL("https://portal.test")
        await login(client, user["email"])
        response = await api(client, "POST", "/api/v1/auth/logout")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Max-Age=0" in cookie


async def test_inactive_accounts_answer_like_wrong_passwords(client):
    user = await make_user()
    await User.update({User.is_active: False}).where(User.id == user["id"])
    response = await api(
        client, "POST", "/api/v1/auth/login", {"email": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert await csrf(client)
