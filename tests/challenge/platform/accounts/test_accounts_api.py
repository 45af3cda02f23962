"""The account API: enumeration-safe registration and reset, sessions, CSRF, tokens, roles."""

from datetime import UTC, datetime, timedelta

from challenge.platform.accounts import sessions
from challenge.platform.accounts.passwords import HASHER
from challenge.platform.accounts.tables import ApiToken, Session, User
from challenge.platform.audit.tables import AuditEntry
from tests.conftest import http_client, other_app
from tests.support.web import (
    PASSWORD,
    api,
    csrf,
    login,
    make_user,
    spooled_mails,
    text_of,
    unique_email,
)


async def test_register_answers_the_same_for_known_and_new_addresses(
    client, settings, deliver_mail
):
    known = await make_user()
    new = unique_email("new")
    body = {"password": PASSWORD, "name": "Kim", "locale": "de"}
    first = await api(client, "POST", "/api/v1/auth/register", {**body, "email": known["email"]})
    second = await api(client, "POST", "/api/v1/auth/register", {**body, "email": new})
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    await deliver_mail()
    # the mails say what happened
    assert "/password/forgot" in text_of(spooled_mails(settings.mail_dir, known["email"])[-1])
    assert "/account/verify" in text_of(spooled_mails(settings.mail_dir, new)[-1])
    assert await User.count().where(User.email == known["email"]) == 1


async def test_reset_answers_the_same_for_known_and_unknown_addresses(
    client, settings, deliver_mail
):
    known = await make_user()
    unknown = unique_email("nobody")
    first = await api(client, "POST", "/api/v1/auth/password-reset", {"email": known["email"]})
    second = await api(client, "POST", "/api/v1/auth/password-reset", {"email": unknown})
    assert first.status_code == second.status_code == 202
    assert first.content == second.content
    await deliver_mail()
    assert "/password/reset?token=" in text_of(spooled_mails(settings.mail_dir, known["email"])[-1])
    assert "/register" in text_of(spooled_mails(settings.mail_dir, unknown)[-1])
    assert not await User.exists().where(User.email == unknown)


async def test_emails_are_normalised(client):
    user = await make_user(email=unique_email("norm"))
    response = await api(
        client,
        "POST",
        "/api/v1/auth/login",
        {"email": f"  {user['email'].upper()} ", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert response.json()["email"] == user["email"]


async def test_session_id_changes_at_login(client):
    user = await make_user()
    await login(client, user["email"])
    first = client.cookies["session"]
    await login(client, user["email"])
    second = client.cookies["session"]
    assert first != second
    assert await sessions.resolve_session(first, idle_hours=8) is None  # the old one is gone
    assert (await client.get("/api/v1/me")).json()["email"] == user["email"]


async def test_session_cookie_flags(client):
    user = await make_user()
    response = await login(client, user["email"])
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # http base URL


async def test_https_base_url_uses_host_prefix_secure_cookies_and_hsts(app, tmp_path, database_url):
    from tests.conftest import make_settings

    secure = make_settings(
        tmp_path / "https", database_url, base_url="https://challenge.leipzig.de"
    )
    user = await make_user()
    async with other_app(app, secure) as client:
        client.base_url = "https://portal.test"  # Secure cookies travel over https only
        response = await login(client, user["email"])
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-session=") and "Secure" in cookie
        assert "max-age=31536000" in response.headers["strict-transport-security"]


async def test_logout_ends_the_session(client):
    user = await make_user()
    await login(client, user["email"])
    token = client.cookies["session"]
    assert (await api(client, "POST", "/api/v1/auth/logout")).status_code == 200
    assert not await Session.exists().where(Session.user == user["id"])
    client.cookies.set("session", token)
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_password_change_ends_every_other_session(app, client, settings, deliver_mail):
    user = await make_user()
    async with http_client(app) as other_browser:
        await login(other_browser, user["email"])
        await login(client, user["email"])
        response = await api(
            client,
            "POST",
            "/api/v1/me/password",
            {"current_password": PASSWORD, "new_password": "Ein-ganz-neues-Passwort-7"},
        )
        assert response.status_code == 200
        assert (await other_browser.get("/api/v1/me")).status_code == 401
        assert (await client.get("/api/v1/me")).status_code == 200  # this one got a new session
    assert await Session.count().where(Session.user == user["id"]) == 1
    await deliver_mail()
    assert spooled_mails(settings.mail_dir, user["email"])


async def test_password_change_with_wrong_current_password_changes_nothing(client):
    user = await make_user()
    await login(client, user["email"])
    before = await User.select(User.password_hash).where(User.id == user["id"]).first()
    response = await api(
        client,
        "POST",
        "/api/v1/me/password",
        {"current_password": "falsch-falsch-falsch", "new_password": "Ein-ganz-neues-Passwort-7"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "current_password"
    after = await User.select(User.password_hash).where(User.id == user["id"]).first()
    assert before == after


async def test_sessions_expire_when_idle_and_after_their_lifetime(app):
    user = await make_user()
    token = await sessions.create_session(user["id"], max_days=14)
    now = datetime.now(UTC)
    assert (
        await sessions.resolve_session(token, idle_hours=8, now=now + timedelta(hours=7))
        is not None
    )
    assert (
        await sessions.resolve_session(
            token, idle_hours=8, now=now + timedelta(hours=7, minutes=59)
        )
        is not None
    )
    # idle for more than 8 h after the last use: gone
    assert (
        await sessions.resolve_session(token, idle_hours=8, now=now + timedelta(hours=16)) is None
    )
    token = await sessions.create_session(user["id"], max_days=14)
    await Session.update({Session.last_seen_at: now + timedelta(days=14)}).where(
        Session.user == user["id"]
    )
    assert (
        await sessions.resolve_session(token, idle_hours=8, now=now + timedelta(days=14, seconds=1))
        is None
    )


async def test_two_app_instances_share_a_session(app, client, settings):
    """Any replica serves any user: a session made on one app works on another."""
    user = await make_user()
    await login(client, user["email"])
    async with other_app(app, settings) as replica:
        replica.cookies.set("session", client.cookies["session"])
        response = await replica.get("/api/v1/me")
        assert response.status_code == 200
        assert response.json()["email"] == user["email"]


async def test_unsafe_request_without_csrf_token_is_refused_and_changes_nothing(client):
    user = await make_user(name="Vorher")
    await login(client, user["email"])
    no_header = await client.patch("/api/v1/me", json={"name": "Nachher"})
    wrong = await client.patch(
        "/api/v1/me", json={"name": "Nachher"}, headers={"x-csrftoken": "forged.token"}
    )
    assert no_header.status_code == wrong.status_code == 403
    assert no_header.json()["code"] == "csrf_failed"
    form = await client.post(
        "/account/profile", data={"name": "Nachher", "locale": "de", "affiliation": ""}
    )
    assert form.status_code == 403
    assert "Formular" in form.text
    assert (await User.select(User.name).where(User.id == user["id"]).first())["name"] == "Vorher"
    ok = await api(client, "PATCH", "/api/v1/me", {"name": "Nachher"})
    assert ok.status_code == 200 and ok.json()["name"] == "Nachher"


async def test_csrf_token_of_another_browser_is_refused(app, client):
    user = await make_user()
    await login(client, user["email"])
    async with http_client(app) as attacker:
        foreign = await csrf(attacker)
    response = await client.patch(
        "/api/v1/me", json={"name": "X"}, headers={"x-csrftoken": foreign}
    )
    assert response.status_code == 403


async def test_login_form_itself_needs_csrf(client):
    user = await make_user()
    response = await client.post("/login", data={"email": user["email"], "password": PASSWORD})
    assert response.status_code == 403
    assert "session" not in response.cookies


async def test_api_tokens_are_shown_once_and_work_without_csrf(app, client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    created = await api(client, "POST", "/api/v1/me/tokens", {"name": "Datenplattform", "days": 30})
    assert created.status_code == 201
    plaintext = created.json()["token"]
    listing = (await client.get("/api/v1/me/tokens")).json()
    assert plaintext not in str(listing)
    assert listing[0]["prefix"] == plaintext[:10]
    stored = await ApiToken.select(ApiToken.token_hash).where(ApiToken.user == staff["id"]).first()
    assert plaintext not in stored["token_hash"]

    async with http_client(app) as integration:
        bearer = {"Authorization": f"Bearer {plaintext}"}
        me = await integration.get("/api/v1/me", headers=bearer)
        assert me.status_code == 200 and me.json()["email"] == staff["email"]
        patched = await integration.patch(
            "/api/v1/me", json={"affiliation": "Stadt Leipzig"}, headers=bearer
        )
        assert patched.status_code == 200  # no CSRF for token requests
        token_id = created.json()["id"]
        assert (await api(client, "DELETE", f"/api/v1/me/tokens/{token_id}")).status_code == 204
        revoked = await integration.get("/api/v1/me", headers=bearer)
        assert revoked.status_code == 401
        assert revoked.json()["code"] == "invalid_token"


async def test_expired_api_token_is_refused(app, client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    created = (await api(client, "POST", "/api/v1/me/tokens", {"name": "kurz", "days": 1})).json()
    await ApiToken.update({ApiToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        ApiToken.id == created["id"]
    )
    async with http_client(app) as integration:
        response = await integration.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"}
        )
        assert response.status_code == 401


async def test_applicants_cannot_create_api_tokens(client):
    user = await make_user()
    await login(client, user["email"])
    response = await api(client, "POST", "/api/v1/me/tokens", {"name": "x", "days": 30})
    assert response.status_code == 403
    assert not await ApiToken.exists().where(ApiToken.user == user["id"])


async def test_admin_grants_and_revokes_roles_audited(client):
    admin = await make_user(roles=("admin",))
    target = await make_user()
    await login(client, admin["email"])
    granted = await api(
        client, "POST", f"/api/v1/admin/users/{target['id']}/roles", {"role": "staff"}
    )
    assert granted.status_code == 200 and granted.json()["roles"] == ["staff"]
    revoked = await api(client, "DELETE", f"/api/v1/admin/users/{target['id']}/roles/staff")
    assert revoked.json()["roles"] == []
    actions = [
        row["action"]
        for row in await AuditEntry.select(AuditEntry.action)
        .where(AuditEntry.object_id == str(target["id"]))
        .order_by(AuditEntry.id)
    ]
    assert actions[-2:] == ["role.granted", "role.revoked"]
    bad = await api(
        client, "POST", f"/api/v1/admin/users/{target['id']}/roles", {"role": "emperor"}
    )
    assert bad.status_code == 422


async def test_admin_cannot_remove_own_admin_role(client):
    admin = await make_user(roles=("admin",))
    await login(client, admin["email"])
    response = await api(client, "DELETE", f"/api/v1/admin/users/{admin['id']}/roles/admin")
    assert response.status_code == 422
    assert response.json()["code"] == "own_admin_role"


async def test_non_admins_cannot_change_roles(client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    response = await api(
        client, "POST", f"/api/v1/admin/users/{staff['id']}/roles", {"role": "admin"}
    )
    assert response.status_code == 403
    assert (await client.get("/api/v1/me")).json()["roles"] == ["staff"]


async def test_login_and_failed_login_are_audited(client):
    user = await make_user()
    await api(
        client,
        "POST",
        "/api/v1/auth/login",
        {"email": user["email"], "password": "falsch-falsch-falsch"},
    )
    await login(client, user["email"])
    actions = [
        row["action"]
        for row in await AuditEntry.select(AuditEntry.action)
        .where(AuditEntry.actor_label == user["email"])
        .order_by(AuditEntry.id)
    ]
    assert actions[-2:] == ["auth.login_failed", "auth.login"]


async def test_outdated_password_hash_is_upgraded_at_login(client):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    user = await make_user()
    await User.update({User.password_hash: weak}).where(User.id == user["id"])
    await login(client, user["email"])
    stored = (await User.select(User.password_hash).where(User.id == user["id"]).first())[
        "password_hash"
    ]
    assert stored != weak
    assert not HASHER.check_needs_rehash(stored)
