"""Single sign-on against a real OpenID provider process (oidc-provider-mock on a loopback port):
sign-in, role mapping at every sign-in, state checks, the account linking rule, logout."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread

from challenge.platform.accounts.tables import OidcIdentity, RoleGrant, User
from challenge.platform.audit.tables import AuditEntry
from tests.conftest import make_settings, other_app
from tests.support.web import PASSWORD, make_user, post_form, unique_email

ROLE_MAP = "staff=scc-staff,finance=scc-finance,admin=scc-admin"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider's issuer URL; it demands a nonce like a strict production provider."""
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso_settings(tmp_path, database_url, provider):
    return make_settings(
        tmp_path / "sso",
        database_url,
        oidc_issuer=provider,
        oidc_client_id="portal",
        oidc_client_secret="portal-secret",
        oidc_role_map=ROLE_MAP,
    )


def set_person(provider: str, sub: str, **claims) -> None:
    """What the provider says about the person (its /users/{sub} endpoint); the address is
    a confirmed one unless the test says otherwise (a missing email_verified is refused)."""
    response = httpx.put(f"{provider}/users/{sub}", json={"email_verified": True, **claims})
    assert response.status_code == 204


def to_provider(client: httpx.AsyncClient, login: httpx.Response, sub: str) -> str:
    """The person signs in at the provider: its authorize form, posted; returns the portal path
    and query the provider sends the browser back to."""
    assert login.status_code == 303, login.text
    answer = httpx.post(login.headers["location"], data={"sub": sub})
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.netloc == "portal.test" and back.path == "/auth/oidc/callback"
    return f"{back.path}?{back.query}"


async def sign_in(client: httpx.AsyncClient, sub: str) -> httpx.Response:
    login = await client.get("/auth/oidc/login", params={"next": "/account/"})
    return await client.get(to_provider(client, login, sub))


async def roles_of(email: str) -> set[str]:
    user = await User.select(User.id).where(User.email == email).first()
    rows = await RoleGrant.select(RoleGrant.role).where(RoleGrant.user == user["id"])
    return {row["role"] for row in rows}


async def test_sign_in_creates_the_account_with_the_mapped_roles(app, sso_settings, provider):
    email = unique_email("sso")
    set_person(provider, "sub-new", email=email, name="Sina Stadt", groups=["scc-staff", "x"])
    async with other_app(app, sso_settings) as client:
        response = await sign_in(client, "sub-new")
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/account/"
        assert client.cookies.get("session")
        account = await client.get("/account/")
        assert account.status_code == 200 and "Sina Stadt" in account.text
    assert await roles_of(email) == {"staff"}
    user = await User.select().where(User.email == email).first()
    assert user["password_hash"] is None and user["email_verified_at"] is not None
    assert await OidcIdentity.exists().where(
        (OidcIdentity.user == user["id"]) & (OidcIdentity.subject == "sub-new")
    )
    assert await AuditEntry.exists().where(
        (AuditEntry.action == "auth.sso_login") & (AuditEntry.actor_id == user["id"])
    )


async def test_a_removed_group_removes_the_role_at_the_next_sign_in(app, sso_settings, provider):
    email = unique_email("sso-groups")
    groups = ["scc-staff", "scc-finance"]
    set_person(provider, "sub-groups", email=email, groups=groups)
    async with other_app(app, sso_settings) as client:
        assert (await sign_in(client, "sub-groups")).status_code == 303
        assert await roles_of(email) == {"staff", "finance"}
        set_person(provider, "sub-groups", email=email, groups=["/scc-staff"])
        assert (await sign_in(client, "sub-groups")).status_code == 303
    assert await roles_of(email) == {"staff"}
    user = await User.select(User.id).where(User.email == email).first()
    assert await AuditEntry.exists().where(
        (AuditEntry.action == "role.revoked") & (AuditEntry.object_id == str(user["id"]))
    )


async def test_roles_outside_the_map_stay(app, sso_settings, provider, tmp_path, database_url):
    email = unique_email("sso-map")
    set_person(provider, "sub-map", email=email, groups=["scc-admin"])
    async with other_app(app, sso_settings) as client:
        assert (await sign_in(client, "sub-map")).status_code == 303
    narrow = make_settings(
        tmp_path / "narrow",
        database_url,
        oidc_issuer=provider,
        oidc_client_id="portal",
        oidc_client_secret="portal-secret",
        oidc_role_map="staff=scc-staff",
    )
    async with other_app(app, narrow) as client:
        assert (await sign_in(client, "sub-map")).status_code == 303
    assert await roles_of(email) == {"admin"}  # the map no longer governs admin


async def test_a_state_mismatch_is_refused(app, sso_settings, provider):
    set_person(provider, "sub-state", email=unique_email("sso-state"), groups=["scc-admin"])
    async with other_app(app, sso_settings) as client:
        login = await client.get("/auth/oidc/login")
        back = to_provider(client, login, "sub-state")
        forged = back.replace("state=", "state=x", 1)
        response = await client.get(forged)
        assert response.status_code == 400
        assert "session" not in client.cookies
        # without the flow cookie (another browser) the real state does not help either
        client.cookies.delete("oidc_flow")
        assert (await client.get(back)).status_code == 400
        assert "session" not in client.cookies
    assert not await OidcIdentity.exists().where(OidcIdentity.subject == "sub-state")
    assert await AuditEntry.exists().where(AuditEntry.action == "auth.sso_refused")


async def test_an_existing_local_account_is_linked_only_with_its_password(
    app, sso_settings, provider
):
    local = await make_user(email=unique_email("sso-local"), roles=())
    set_person(provider, "sub-takeover", email=local["email"], groups=["scc-admin"])
    async with other_app(app, sso_settings) as client:
        response = await sign_in(client, "sub-takeover")
        assert response.status_code == 200
        assert "Konten verbinden" in response.text and local["email"] in response.text
        assert "session" not in client.cookies
        wrong = await post_form(client, "/auth/oidc/link", {"password": "not the password"})
        assert wrong.status_code == 401 and "Das Passwort ist falsch" in wrong.text
        assert "session" not in client.cookies
        assert not await OidcIdentity.exists().where(OidcIdentity.subject == "sub-takeover")
        assert await roles_of(local["email"]) == set()
        right = await post_form(client, "/auth/oidc/link", {"password": PASSWORD})
        assert right.status_code == 303 and client.cookies.get("session")
    identity = await OidcIdentity.select().where(OidcIdentity.subject == "sub-takeover").first()
    assert identity["user"] == local["id"]
    assert await roles_of(local["email"]) == {"admin"}
    async with other_app(app, sso_settings) as client:  # from now on straight in
        assert (await sign_in(client, "sub-takeover")).status_code == 303


async def test_a_link_needs_the_signed_cookie_of_a_provider_sign_in(app, sso_settings):
    local = await make_user(email=unique_email("sso-nocookie"))
    async with other_app(app, sso_settings) as client:
        client.cookies.set("oidc_link", "forged", path="/auth/oidc")
        response = await post_form(client, "/auth/oidc/link", {"password": PASSWORD})
        assert response.status_code == 400
        assert "session" not in client.cookies
    assert not await OidcIdentity.exists().where(OidcIdentity.user == local["id"])


async def test_logout_ends_the_provider_session_too(app, sso_settings, provider):
    set_person(provider, "sub-out", email=unique_email("sso-out"), groups=[])
    async with other_app(app, sso_settings) as client:
        assert (await sign_in(client, "sub-out")).status_code == 303
        response = await post_form(client, "/logout", {})
        assert response.status_code == 303
        target = response.headers["location"]
        assert target.startswith(f"{provider}/oauth2/end_session?client_id=portal")
        assert (await client.get("/account/", follow_redirects=False)).status_code != 200


async def test_login_page_offers_sso_only_when_configured(app, client, sso_settings):
    page = await client.get("/login")
    assert "/auth/oidc/login" not in page.text
    assert (await client.get("/auth/oidc/login")).status_code == 404
    assert (await client.get("/auth/oidc/callback")).status_code == 404
    async with other_app(app, sso_settings) as sso_client:
        page = await sso_client.get("/login")
        assert "Mit dem Konto der Stadt anmelden" in page.text
        assert 'href="/auth/oidc/login"' in page.text


async def test_export_names_the_provider_link_and_erasure_removes_it(app, sso_settings, provider):
    from challenge.platform import privacy

    email = unique_email("sso-privacy")
    set_person(provider, "sub-privacy", email=email, name="Paula Privat", groups=["scc-staff"])
    async with other_app(app, sso_settings) as client:
        assert (await sign_in(client, "sub-privacy")).status_code == 303
    user = await User.select().where(User.email == email).first()
    part = await privacy._platform_part(user)
    assert [row["subject"] for row in part["single_sign_on"]] == ["sub-privacy"]
    report = await privacy.erase(app.state.storage, email)
    assert report["removed"]["single_sign_on_links"] == 1
    assert not await OidcIdentity.exists().where(OidcIdentity.subject == "sub-privacy")
