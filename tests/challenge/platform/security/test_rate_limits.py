"""Rate limits on login, registration and reset, shared through the database; client IPs."""

from datetime import UTC, datetime, timedelta

from challenge.platform.security import ratelimit
from challenge.platform.security.client_ip import client_ip
from tests.conftest import http_client, make_settings, other_app
from tests.support.web import PASSWORD, api, make_user, unique_email


async def test_login_failures_lock_the_account_then_the_window_resets(client):
    user = await make_user()
    for _ in range(ratelimit.LOGIN_FAILURES_PER_ACCOUNT.limit):
        response = await api(
            client,
            "POST",
            "/api/v1/auth/login",
            {"email": user["email"], "password": "falsch-falsch-falsch"},
        )
        assert response.status_code == 401
    locked = await api(
        client, "POST", "/api/v1/auth/login", {"email": user["email"], "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "rate_limited"
    assert int(locked.headers["retry-after"]) > 0
    # in the next window the account may log in again
    later = datetime.now(UTC) + timedelta(
        seconds=ratelimit.LOGIN_FAILURES_PER_ACCOUNT.window_seconds
    )
    assert (
        await ratelimit.peek(ratelimit.LOGIN_FAILURES_PER_ACCOUNT, user["email"], now=later)
    ).allowed


async def test_successful_login_clears_earlier_failures(client):
    user = await make_user()
    for _ in range(ratelimit.LOGIN_FAILURES_PER_ACCOUNT.limit - 1):
        await api(
            client,
            "POST",
            "/api/v1/auth/login",
            {"email": user["email"], "password": "falsch-falsch-falsch"},
        )
    assert (
        await api(
            client, "POST", "/api/v1/auth/login", {"email": user["email"], "password": PASSWORD}
        )
    ).status_code == 200
    assert (await ratelimit.peek(ratelimit.LOGIN_FAILURES_PER_ACCOUNT, user["email"])).count == 0


async def test_login_per_ip_limit_trips(app):
    async with http_client(app, ip="192.0.2.10") as client:
        for _ in range(ratelimit.LOGIN_PER_IP.limit):
            await api(
                client,
                "POST",
                "/api/v1/auth/login",
                {"email": unique_email(), "password": "x" * 12},
            )
        response = await api(
            client, "POST", "/api/v1/auth/login", {"email": unique_email(), "password": "x" * 12}
        )
        assert response.status_code == 429


async def test_registration_limit_is_shared_by_two_replicas(app, settings):
    ip = "192.0.2.20"
    body = {"password": PASSWORD, "name": "R", "locale": "de"}
    limit = ratelimit.REGISTER_PER_IP.limit
    async with http_client(app, ip=ip) as first:
        for _ in range(limit // 2):
            assert (
                await api(first, "POST", "/api/v1/auth/register", {**body, "email": unique_email()})
            ).status_code == 201
    async with other_app(app, settings) as _replica:
        pass
    replica_app_client = http_client(app, ip=ip)
    async with replica_app_client as second:
        for _ in range(limit - limit // 2):
            assert (
                await api(
                    second, "POST", "/api/v1/auth/register", {**body, "email": unique_email()}
                )
            ).status_code == 201
        assert (
            await api(second, "POST", "/api/v1/auth/register", {**body, "email": unique_email()})
        ).status_code == 429


async def test_reset_limit_per_address(client):
    address = unique_email("reset")
    for _ in range(ratelimit.RESET_PER_EMAIL.limit):
        assert (
            await api(client, "POST", "/api/v1/auth/password-reset", {"email": address})
        ).status_code == 202
    assert (
        await api(client, "POST", "/api/v1/auth/password-reset", {"email": address})
    ).status_code == 429


async def test_window_counter_resets_in_the_next_window(app):
    subject = unique_email("window")
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    for _ in range(ratelimit.RESET_PER_EMAIL.limit):
        assert (await ratelimit.hit(ratelimit.RESET_PER_EMAIL, subject, now=now)).allowed
    assert not (await ratelimit.hit(ratelimit.RESET_PER_EMAIL, subject, now=now)).allowed
    later = now + timedelta(seconds=ratelimit.RESET_PER_EMAIL.window_seconds)
    assert (await ratelimit.hit(ratelimit.RESET_PER_EMAIL, subject, now=later)).allowed


async def test_spoofed_forwarded_for_from_untrusted_peer_is_ignored(app):
    """Without trusted proxies a client cannot escape the per-IP limit by inventing addresses."""
    async with http_client(app, ip="192.0.2.30") as client:
        for n in range(ratelimit.LOGIN_PER_IP.limit):
            await api(
                client,
                "POST",
                "/api/v1/auth/login",
                {"email": unique_email(), "password": "x" * 12},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
        response = await api(
            client,
            "POST",
            "/api/v1/auth/login",
            {"email": unique_email(), "password": "x" * 12},
            headers={"X-Forwarded-For": "203.0.113.250"},
        )
        assert response.status_code == 429


async def test_forwarded_for_is_used_behind_a_trusted_proxy(app, tmp_path, database_url):
    behind_proxy = make_settings(tmp_path / "proxy", database_url, trusted_proxies="192.0.2.0/24")
    async with other_app(app, behind_proxy, ip="192.0.2.40") as client:
        user = await make_user()
        from challenge.platform.audit.tables import AuditEntry

        await api(
            client,
            "POST",
            "/api/v1/auth/login",
            {"email": user["email"], "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
        entry = (
            await AuditEntry.select(AuditEntry.payload)
            .where((AuditEntry.action == "auth.login") & (AuditEntry.actor_label == user["email"]))
            .first()
        )
        assert "198.51.100.7" in str(entry["payload"])


def scope(peer: str, forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"client": (peer, 1234), "headers": headers}


def test_client_ip_without_trusted_proxies_is_the_peer():
    assert client_ip(scope("203.0.113.5", "1.2.3.4"), ()) == "203.0.113.5"


def test_client_ip_behind_trusted_proxies_is_the_nearest_untrusted_hop():
    trusted = ("10.0.0.0/8",)
    assert client_ip(scope("10.0.0.2", "198.51.100.9"), trusted) == "198.51.100.9"
    # a client-supplied first hop cannot override what our proxy appended
    assert client_ip(scope("10.0.0.2", "1.1.1.1, 198.51.100.9"), trusted) == "198.51.100.9"
    assert client_ip(scope("10.0.0.2", "198.51.100.9, 10.0.0.7"), trusted) == "198.51.100.9"
    assert client_ip(scope("203.0.113.5", "198.51.100.9"), trusted) == "203.0.113.5"
    assert client_ip(scope("10.0.0.2", "not-an-ip"), trusted) == "10.0.0.2"
