"""Per-address measures count an IPv6 client by its /64 (review M5): rotating addresses inside
one's own /64 does not escape a limit; IPv4 clients are counted as before, each on its own."""

from __future__ import annotations

import random

from challenge.platform.security import ratelimit
from challenge.platform.security.client_ip import network_key
from tests.conftest import http_client
from tests.support.web import api, unique_email


def _prefix() -> str:
    """A fresh documentation /64 per test, so limits of other tests do not spill over."""
    return f"2001:db8:{random.randint(1, 0xFFFF):x}:{random.randint(1, 0xFFFF):x}"


def test_ipv6_is_reduced_to_its_64_and_everything_else_stays():
    assert network_key("2001:db8:1:2:aaaa:bbbb:cccc:1") == "2001:db8:1:2::/64"
    assert network_key("2001:DB8:1:2::ffff") == "2001:db8:1:2::/64"
    assert network_key("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert network_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert network_key("192.0.2.7") == "192.0.2.7"
    for other in ("", "person@example.org", "0f7c2c8e-8a51-4d41-9d0e-5a5b2b1f0c11", "12345"):
        assert network_key(other) == other


async def test_two_addresses_in_one_64_share_the_login_limit(app):
    prefix = _prefix()
    for n in range(ratelimit.LOGIN_PER_IP.limit):
        async with http_client(app, ip=f"{prefix}::{n + 1:x}") as rotating:
            await api(
                rotating,
                "POST",
                "/api/v1/auth/login",
                {"email": unique_email(), "password": "x" * 12},
            )
    async with http_client(app, ip=f"{prefix}:1:2:3:4") as last:
        response = await api(
            last, "POST", "/api/v1/auth/login", {"email": unique_email(), "password": "x" * 12}
        )
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    async with http_client(app, ip=f"{_prefix()}::1") as neighbour:
        other_64 = await api(
            neighbour, "POST", "/api/v1/auth/login", {"email": unique_email(), "password": "x" * 12}
        )
    assert other_64.status_code == 401  # the next /64 is someone else


async def test_ipv4_addresses_keep_their_own_limits():
    subnet = f"198.51.{random.randint(0, 255)}"
    limit = ratelimit.Limit("test-ipv4", 2, 60 * 60)
    assert (await ratelimit.hit(limit, f"{subnet}.1")).allowed
    assert (await ratelimit.hit(limit, f"{subnet}.1")).allowed
    assert not (await ratelimit.hit(limit, f"{subnet}.1")).allowed
    assert (await ratelimit.hit(limit, f"{subnet}.2")).allowed  # the neighbour is not counted
    assert (await ratelimit.peek(limit, f"{subnet}.2")).count == 1
