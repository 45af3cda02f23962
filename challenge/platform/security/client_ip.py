"""The client's IP address: X-Forwarded-For is believed only from configured proxies; and the
network that per-address measures count by (:func:`network_key`)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from litestar.types import Scope


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]):
    return tuple(ipaddress.ip_network(net) for net in trusted)


def _is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(trusted))


def client_ip(scope: Scope, trusted_proxies: tuple[str, ...]) -> str:
    """The peer address, or — behind trusted proxies — the nearest untrusted forwarded one."""
    peer = (scope.get("client") or ("", 0))[0] or ""
    if not trusted_proxies or not _is_trusted(peer, trusted_proxies):
        return peer
    forwarded = [
        value.decode("latin-1")
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
    ]
    hops = [hop.strip() for line in forwarded for hop in line.split(",") if hop.strip()]
    # Walk from the nearest hop outwards; the first address not ours is the client.
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted_proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return hops[0] if hops else peer


IPV6_PREFIX = 64  # an IPv6 subscriber gets at least a /64 and may rotate freely within it


def network_key(ip: str) -> str:
    """What per-address measures (rate limits, the people's prize's vote address that staff
    void by) count by: an IPv6 address reduced to its /64 network ("2001:db8:1:2::/64"), since
    one connection holds a whole /64 and rotates through it at will; an IPv4 address unchanged
    (an IPv4-mapped IPv6 address as its IPv4 address). Anything else — no address, a user id, an
    e-mail address — is returned as it is."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    host_bits = 128 - IPV6_PREFIX
    return str(ipaddress.IPv6Network(((int(address) >> host_bits) << host_bits, IPV6_PREFIX)))
