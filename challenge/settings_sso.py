"""Single sign-on settings: which provider group gives which portal role, what belongs together."""

from __future__ import annotations

from collections.abc import Callable

INTERNAL_ROLES = ("staff", "finance", "admin")
# "unit:Amt für Digitalisierung=grp-digital": membership of a city unit by its name
UNIT_PREFIX = "unit:"


def role_map(value: str | None, fail: Callable[[str, object], Exception]) -> list[tuple[str, str]]:
    """``staff=scc-staff,admin=scc-admin`` as (role, group) pairs; a role may name several
    groups. ``unit:<unit name>=<group>`` makes the group's people members of that city unit.
    Raises ``fail("OIDC_ROLE_MAP", value)`` when an item is not role=group."""
    pairs = []
    for item in filter(None, (part.strip() for part in (value or "").split(","))):
        role, _, group = (half.strip() for half in item.partition("="))
        unit = role.startswith(UNIT_PREFIX) and role[len(UNIT_PREFIX) :].strip()
        if (role not in INTERNAL_ROLES and not unit) or not group:
            raise fail("OIDC_ROLE_MAP", value)
        pairs.append((role, group))
    return pairs


def sso_error(issuer: str | None, client_id: str | None, secret: str | None) -> str | None:
    """What is missing for single sign-on, or None (all set, or no issuer: sign-on off)."""
    if issuer and not (client_id and secret):
        return (
            "CHALLENGE_OIDC_CLIENT_ID and CHALLENGE_OIDC_CLIENT_SECRET are required with "
            "CHALLENGE_OIDC_ISSUER"
        )
    return None
