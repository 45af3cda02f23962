"""City unit memberships from the identity provider's groups (CHALLENGE_OIDC_ROLE_MAP's
``unit:<unit name>=<group>`` items), against a real OpenID provider process."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from uuid import uuid4

import pytest
from oidc_provider_mock import run_server_in_thread

from challenge.challenges.tables import Unit, UnitMember
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.audit.tables import AuditEntry
from challenge.settings_sso import role_map
from tests.challenge.platform.accounts.test_oidc import set_person, sign_in
from tests.conftest import make_settings, other_app
from tests.support.web import unique_email


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


async def new_unit(name: str):
    unit = Unit(name=name, kind="city_office", created_at=clock.now())
    await unit.save()
    return unit.id


def unit_settings(tmp_path, database_url, provider, units: dict[str, str]):
    items = ",".join(f"unit:{name}={group}" for name, group in units.items())
    return make_settings(
        tmp_path / "sso-units",
        database_url,
        oidc_issuer=provider,
        oidc_client_id="portal",
        oidc_client_secret="portal-secret",
        oidc_role_map=f"staff=scc-staff,{items}",
    )


async def units_of(email: str) -> set[str]:
    user = await User.select(User.id).where(User.email == email).first()
    rows = await UnitMember.select(UnitMember.unit.name.as_alias("name")).where(
        UnitMember.user == user["id"]
    )
    return {row["name"] for row in rows}


def test_the_role_map_takes_units_by_name():
    def fail(key, value):
        return ValueError(key)

    pairs = role_map("staff=scc-staff, unit:Amt für Umwelt = scc-umwelt", fail)
    assert pairs == [("staff", "scc-staff"), ("unit:Amt für Umwelt", "scc-umwelt")]
    for bad in ("unit:=scc-x", "unit:Amt=", "juror=scc-jury"):
        with pytest.raises(ValueError):
            role_map(bad, fail)


async def test_a_group_makes_the_person_a_unit_member_and_its_loss_ends_it(
    app, tmp_path, database_url, provider
):
    green, roads = f"Grünflächenamt {uuid4().hex[:6]}", f"Tiefbauamt {uuid4().hex[:6]}"
    green_id = await new_unit(green)
    await new_unit(roads)
    settings = unit_settings(
        tmp_path, database_url, provider, {green: "scc-green", roads: "scc-roads"}
    )
    email = unique_email("sso-unit")
    set_person(provider, "sub-unit", email=email, groups=["scc-green", "/scc-roads"])
    async with other_app(app, settings) as client:
        assert (await sign_in(client, "sub-unit")).status_code == 303
        assert await units_of(email) == {green, roads}
        page = await client.get("/unit/challenges")
        assert page.status_code == 200
        set_person(provider, "sub-unit", email=email, groups=["scc-roads"])
        assert (await sign_in(client, "sub-unit")).status_code == 303
    assert await units_of(email) == {roads}
    assert await AuditEntry.exists().where(
        (AuditEntry.action == "unit.member_removed") & (AuditEntry.object_id == str(green_id))
    )


async def test_memberships_outside_the_map_stay_and_unknown_units_are_ignored(
    app, tmp_path, database_url, provider, caplog
):
    mapped, given = f"Ordnungsamt {uuid4().hex[:6]}", f"Stadtwerke {uuid4().hex[:6]}"
    await new_unit(mapped)
    given_id = await new_unit(given)
    missing = f"Amt das es nicht gibt {uuid4().hex[:6]}"
    settings = unit_settings(
        tmp_path, database_url, provider, {mapped: "scc-order", missing: "scc-missing"}
    )
    email = unique_email("sso-given")
    set_person(provider, "sub-given", email=email, groups=["scc-missing"])
    async with other_app(app, settings) as client:
        assert (await sign_in(client, "sub-given")).status_code == 303
        user = await User.select(User.id).where(User.email == email).first()
        await UnitMember(unit=given_id, user=user["id"], created_at=clock.now()).save()
        with caplog.at_level(logging.WARNING, logger="challenge.challenges.sso_units"):
            assert (await sign_in(client, "sub-given")).status_code == 303
    assert await units_of(email) == {given}
    assert missing in caplog.text
