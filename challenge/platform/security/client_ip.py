"""The client's IP address: X-Forwarded-For is believed only from configured proxies."""

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
