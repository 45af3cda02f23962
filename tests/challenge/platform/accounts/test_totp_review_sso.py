"""Findings of the security review of two-factor login around the city's provider and the
secret key: linking an account with two-factor login needs its code, a missing email_verified
claim is no confirmed address, a password login of a linked account gives up the roles the
provider's map governs, and a changed secret key lets people enrol again (or the command line
resets it)."""

import json
import logging
import os
import subprocess
import sys

import msgspec
import pytest

from challenge.platform import clock
from challenge.platform.accounts import oidc_accounts, oidc_linking
from challenge.platform.accounts.tables import OidcIdentity, RoleGrant, Session
from challenge.platform.accounts.two_factor_tables import TotpSecret
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.problems import Problem
from tests.challenge.platform.accounts.totp_support import code_now, enrol_by_api
from tests.conftest import http_client, make_settings, other_app
from tests.support.web import PASSWORD, api, login, make_user, post_form, unique_email

ISSUER = "https://idp.example"


def _sso(app, **extra):
    return msgspec.structs.replace(
        app.state.settings,
        oidc_issuer=ISSUER,
        oidc_client_id="c",
        oidc_client_secret="s",
        **extra,
    )


def _link(settings, claims, **extra):
    return oidc_linking.link(
        settings,
        claims,
        password=PASSWORD,
        ip="198.51.100.9",
        user_agent="t",
        old_token=None,
        **extra,
    )


async def test_linking_an_account_with_two_factor_login_needs_its_code(app):
    person = await make_user(roles=("finance",))
    async with http_client(app) as client:
        await login(client, person["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            settings = _sso(app)
            claims = {"sub": "link-1", "email": person["email"]}
            with pytest.raises(Problem) as refused:
                await _link(settings, claims)
            assert refused.value.code == "second_factor_required"
            with pytest.raises(Problem) as wrong:
                await _link(settings, claims, code="000000")
            assert wrong.value.code == "invalid_code"
            assert not await OidcIdentity.exists().where(OidcIdentity.user == person["id"])
            frozen.advance(seconds=30)
            _user, _token = await _link(settings, claims, code=code_now(secret))
        newest = (
            await Session.select()
            .where(Session.user == person["id"])
            .order_by(Session.created_at, ascending=False)
            .first()
        )
        assert newest["second_factor"]


async def test_a_link_with_the_password_alone_is_no_second_factor(app):
    person = await make_user()
    _user, token = await _link(_sso(app), {"sub": "link-2", "email": person["email"]})
    rows = await Session.select().where(Session.user == person["id"])
    assert len(rows) == 1 and not rows[0]["second_factor"]


@pytest.mark.parametrize("verified", [None, "true", False])
async def test_an_address_the_provider_did_not_confirm_is_refused(app, verified):
    claims = {"sub": f"unverified-{verified}", "email": unique_email("unverified")}
    if verified is not None:
        claims["email_verified"] = verified
    with pytest.raises(Problem) as refused:
        await oidc_accounts.sign_in(
            _sso(app), claims, nonce=f"n-{verified}", ip="x", user_agent="t", old_token=None
        )
    assert refused.value.status == 422 and refused.value.code == "sso_no_email"
    claims["email_verified"] = True
    user, _token = await oidc_accounts.sign_in(
        _sso(app), claims, nonce=f"m-{verified}", ip="x", user_agent="t", old_token=None
    )
    assert user.email == claims["email"]


async def test_a_password_login_of_a_linked_account_gives_up_the_mapped_roles(app):
    settings = _sso(app, oidc_role_map=(("staff", "scc-staff"),))
    linked = await make_user(roles=("staff", "finance"))
    await OidcIdentity(
        user=linked["id"], issuer=ISSUER, subject="s-1", created_at=clock.now()
    ).save()
    local = await make_user(roles=("staff",))
    async with other_app(app, settings) as client:  # the login page for one, the API for the other
        page = await post_form(client, "/login", {"email": linked["email"], "password": PASSWORD})
        assert page.status_code == 303, page.text
        await client.post("/logout")
        client.cookies.clear()
        await login(client, local["email"])
    held = {
        row["role"]
        for row in await RoleGrant.select(RoleGrant.role).where(RoleGrant.user == linked["id"])
    }
    assert held == {"finance"}  # staff comes from the provider only; finance is the portal's
    assert await RoleGrant.exists().where(
        (RoleGrant.user == local["id"]) & (RoleGrant.role == "staff")
    )
    entry = (
        await AuditEntry.select()
        .where((AuditEntry.action == "role.revoked") & (AuditEntry.object_id == str(linked["id"])))
        .first()
    )
    assert json.loads(entry["payload"])["role"] == "staff"


async def test_after_a_new_secret_key_people_enrol_again(app, database_url, tmp_path, caplog):
    person = await make_user(roles=("staff",))
    async with http_client(app) as client:
        await login(client, person["email"])
        with clock.frozen(clock.now()):
            secret, codes = await enrol_by_api(client)
    rotated = make_settings(tmp_path / "rot", database_url, secret_key="R" * 40)
    async with other_app(app, rotated) as client:
        with clock.frozen(clock.now()) as frozen, caplog.at_level(logging.ERROR):
            frozen.advance(seconds=60)
            form = {"email": person["email"], "password": PASSWORD}
            await api(client, "POST", "/api/v1/auth/login", form)
            for _ in range(2):
                code = code_now(secret)
                refused = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code})
                assert refused.status_code == 401
            logged = [r for r in caplog.records if "cannot be decrypted" in r.getMessage()]
            assert len(logged) == 1  # once, not at every try
            ok = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": codes[0]})
            assert ok.status_code == 200
            start = await post_form(client, "/account/2fa/start", {})
            assert start.status_code == 200 and 'class="totp-secret"' in start.text
            started = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {})
            new = started.json()["secret"]
            done = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {"code": code_now(new)})
            assert done.status_code == 200 and len(done.json()["recovery_codes"]) == 10


async def test_the_command_line_resets_two_factor_login(app, database_url, tmp_path):
    person = await make_user(roles=("admin",))
    client = http_client(app)
    await client.__aenter__()
    await login(client, person["email"])
    with clock.frozen(clock.now()):
        await enrol_by_api(client)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(CHALLENGE_DATA_DIR=str(tmp_path / "cli"), CHALLENGE_DATABASE_URL=database_url)
    command = [sys.executable, "-m", "challenge", "users", "reset-2fa", "--email"]
    done = subprocess.run(
        [*command, person["email"].upper()], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "reset" in done.stdout
    assert not await TotpSecret.exists().where(TotpSecret.user == person["id"])
    assert (await client.get("/api/v1/me")).status_code == 401
    await client.__aexit__(None, None, None)
    entry = (
        await AuditEntry.select()
        .where(
            (AuditEntry.action == "account.two_factor_reset")
            & (AuditEntry.object_id == str(person["id"]))
        )
        .first()
    )
    assert entry["actor_label"] == "cli" and entry["actor_id"] is None
    again = subprocess.run(
        [*command, person["email"]], env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 1 and "not set up" in again.stderr
