"""Admin pages: users and roles (with confirmation), audit log with chain check, outbox."""

import re
import uuid

from challenge.platform.accounts.tables import RoleGrant
from challenge.platform.audit.service import record
from challenge.platform.audit.tables import AuditEntry
from tests.support.web import PASSWORD, api, login, make_user, post_form, unique_email


async def admin_client(client):
    admin = await make_user(roles=("admin",), name="Ada Admin")
    await login(client, admin["email"])
    return admin


async def test_admin_finds_users_and_grants_a_role_through_the_page(client):
    await admin_client(client)
    target = await make_user(email=unique_email("gesucht"), name="Gesa Gesucht")
    listing = await client.get("/admin/users", params={"q": "gesucht"})
    assert listing.status_code == 200
    assert "Gesa Gesucht" in listing.text and target["email"] in listing.text
    assert "1 Person" in listing.text
    granted = await post_form(
        client, f"/admin/users/{target['id']}/roles", {"role": "finance"}, follow_redirects=True
    )
    assert granted.status_code == 200
    assert await RoleGrant.exists().where(
        (RoleGrant.user == target["id"]) & (RoleGrant.role == "finance")
    )


async def test_revoking_a_role_asks_for_confirmation_first(client):
    await admin_client(client)
    target = await make_user(roles=("staff",), name="Stefan Staff")
    confirm = await client.get(f"/admin/users/{target['id']}/roles/staff/revoke")
    assert confirm.status_code == 200
    assert "wirklich entziehen" in confirm.text
    assert await RoleGrant.exists().where(
        (RoleGrant.user == target["id"]) & (RoleGrant.role == "staff")
    )
    await post_form(client, f"/admin/users/{target['id']}/roles/staff/revoke", {})
    assert not await RoleGrant.exists().where(RoleGrant.user == target["id"])


async def test_unknown_role_in_the_form_is_refused_with_a_message(client):
    await admin_client(client)
    target = await make_user()
    response = await post_form(client, f"/admin/users/{target['id']}/roles", {"role": "kaiser"})
    assert response.status_code == 422
    assert "Unbekannte Rolle" in response.text
    assert not await RoleGrant.exists().where(RoleGrant.user == target["id"])


async def test_users_list_paginates(client):
    await admin_client(client)
    first = await client.get("/admin/users")
    assert "Seite 1 von" in first.text or "Person" in first.text
    assert (await client.get("/admin/users", params={"page": 0})).status_code in (400, 422)


async def test_audit_page_lists_filters_and_checks_the_chain(client):
    admin = await admin_client(client)
    target = await make_user()
    await api(client, "POST", f"/api/v1/admin/users/{target['id']}/roles", {"role": "staff"})
    page = await client.get(
        "/admin/audit",
        params={"action": "role.granted", "object_id": str(target["id"]), "check": "1"},
    )
    assert page.status_code == 200
    assert "Die Hash-Kette ist intakt" in page.text
    text = table_text(page.text)
    assert "Rolle vergeben" in text and admin["email"] in text
    assert "Rolle: Mitarbeitende" in text  # the granted role in words
    assert "role.granted" not in text and "{'" not in text  # no codes, no Python dicts
    assert "Angemeldet" not in text  # filtered to role grants (no sign-ins)
    verify = await client.get("/api/v1/audit/verify")
    assert verify.json()["ok"] is True and verify.json()["entries"] >= 1


async def test_outbox_page_shows_status_and_attempts(client):
    await admin_client(client)
    address = unique_email("outbox")
    await api(client, "POST", "/api/v1/auth/password-reset", {"email": address})
    page = await client.get("/admin/outbox", params={"status": "pending"})
    assert page.status_code == 200
    assert address in page.text
    text = visible(page.text)
    assert "Wartet auf Versand" in text  # the badge and the filter speak words
    assert 'data-status="outbox:pending"' in page.text
    assert not re.search(r"\b(pending|sending|failed)\b", text)


def visible(html: str) -> str:
    """The page's text as a person sees it: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_text(html: str) -> str:
    """The visible text of the page's table (not the filters' options)."""
    return visible(html[html.index("<table") : html.index("</table>")])


async def test_audit_details_are_words_and_formatted_numbers_never_codes_or_dicts(client):
    await admin_client(client)
    milestone = str(uuid.uuid4())
    await record(
        "milestone.approve",
        actor_label="staff@example.org",
        object_type="milestone",
        object_id=milestone,
        payload={"round": 1, "comment": "passt", "approvals": 2, "amount_cents": 123450},
    )
    await record(
        "partnership.signed",
        object_type="milestone",
        object_id=milestone,
        payload={"from": "sent", "size": 20_000_000, "paid_on": "2026-12-01", "direct": True},
    )
    page = await client.get("/admin/audit", params={"object_id": milestone})
    text = table_text(page.text)
    assert "Meilenstein freigegeben" in text and "Vertrag unterschrieben" in text
    assert "Freigaben: 2" in text and "Runde: 1" in text and "Kommentar: passt" in text
    assert "Betrag: 1.234,50" in text  # money in German
    assert "Vorheriger Status: Versandt" in text  # a status code in words
    assert "Größe: 20,0 MB" in text and "Gezahlt am: 1. Dezember 2026" in text
    assert "Direkt in den Speicher hochgeladen: ja" in text
    assert "Meilenstein" in text  # the object type in words
    for raw in ("milestone.approve", "approvals", "amount_cents", "{'", "True", "123450"):
        assert raw not in text, raw


async def test_an_old_entry_with_an_unknown_code_shows_the_code_as_another_action(client):
    await admin_client(client)
    thing = str(uuid.uuid4())
    await record("legacy.imported", object_type="thing", object_id=thing, payload={"n_rows": 3})
    page = await client.get("/admin/audit", params={"object_id": thing})
    assert page.status_code == 200
    text = table_text(page.text)
    assert "legacy.imported (andere Aktion)" in text
    assert "n rows: 3" in text  # an unknown key is shown readably, never as a dict
    filtered = await client.get("/admin/audit", params={"action": "legacy.imported"})
    assert filtered.status_code == 200 and thing[:8] in filtered.text


async def test_users_pages_name_roles_in_words(client):
    await admin_client(client)
    target = await make_user(roles=("finance",), name="Fritzi Finanz")
    listing = visible((await client.get("/admin/users", params={"q": "Fritzi"})).text)
    assert "Finanzen" in listing and "finance" not in listing.replace(target["email"], "")
    detail = await client.get(f"/admin/users/{target['id']}")
    text = visible(detail.text)
    assert "Finanzen" in text and "Administration" in text
    assert "Finanzen vergeben" in text and "Mitarbeitende nicht vergeben" in text
    assert 'data-status="role_grant:granted"' in detail.text
    confirm = visible((await client.get(f"/admin/users/{target['id']}/roles/finance/revoke")).text)
    assert "die Rolle Finanzen" in confirm


async def test_api_token_creation_and_revocation_are_audited(client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    created = await post_form(client, "/account/tokens", {"name": "Statistik", "days": "30"})
    assert created.status_code == 201
    token = re.search(r'id="new-token" readonly value="([^"]+)"', created.text).group(1)
    assert token.startswith("scc_")
    token_id = re.search(r'action="/account/tokens/([0-9a-f-]+)/revoke"', created.text).group(1)
    await post_form(client, f"/account/tokens/{token_id}/revoke", {})
    actions = [
        row["action"]
        for row in await AuditEntry.select(AuditEntry.action)
        .where(AuditEntry.object_id == token_id)
        .order_by(AuditEntry.id)
    ]
    assert actions == ["token.created", "token.revoked"]
    page = await client.get("/account/tokens")
    assert token not in page.text  # shown once only
    assert "widerrufen" in page.text


async def test_login_page_for_a_logged_in_user_goes_to_the_start_page(client):
    user = await make_user()
    await post_form(client, "/login", {"email": user["email"], "password": PASSWORD})
    response = await client.get("/login", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
