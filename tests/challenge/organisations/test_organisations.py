"""Organisations and teams: found, edit, invite by mail, join after login, leave, remove."""

import datetime as dt
import re

from challenge.organisations.tables import Membership, Organisation
from challenge.platform.audit.tables import AuditEntry
from tests.conftest import http_client
from tests.support.web import api, link_in, login, make_user, post_form, spooled_mails, unique_email


async def found(client, **overrides):
    body = {
        "name": "KlimaGrün GmbH",
        "kind": "startup",
        "register_id": "HRB 1234",
        "website": "https://klimagruen.example",
        "city": "Leipzig",
        **overrides,
    }
    response = await api(client, "POST", "/api/v1/organisations", body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_found_a_team_and_see_it_in_my_organisations(client):
    owner = await make_user()
    await login(client, owner["email"])
    team = await found(client)
    assert team["role"] == "owner" and team["members"][0]["email"] == owner["email"]
    mine = (await client.get("/api/v1/me/organisations")).json()
    assert [t["name"] for t in mine if t["id"] == team["id"]] == ["KlimaGrün GmbH"]
    changed = await api(client, "PATCH", f"/api/v1/organisations/{team['id']}", {"city": "Halle"})
    assert changed.json()["city"] == "Halle"


async def test_bad_organisation_data_is_refused(client):
    user = await make_user()
    await login(client, user["email"])
    bad = await api(
        client,
        "POST",
        "/api/v1/organisations",
        {"name": "X", "kind": "verein", "website": "ftp://x"},
    )
    assert bad.status_code == 422
    bad = await api(
        client,
        "POST",
        "/api/v1/organisations",
        {"name": "X", "kind": "startup", "website": "javascript:alert(1)"},
    )
    assert {e["field"] for e in bad.json()["errors"]} == {"name", "website"}
    assert not await Organisation.exists().where(Organisation.name == "X")


async def test_invite_join_after_login_and_edit_together(app, client, settings, deliver_mail):
    owner = await make_user()
    await login(client, owner["email"])
    team = await found(client, name="Team Wasser")
    invitee_email = unique_email("mitglied")
    sent = await api(
        client,
        "POST",
        f"/api/v1/organisations/{team['id']}/invitations",
        {"email": invitee_email.upper()},
    )
    assert sent.status_code == 201
    await deliver_mail()
    [mail] = spooled_mails(settings.mail_dir, invitee_email)
    assert "Team Wasser" in mail["Subject"]
    link = link_in(mail, "/teams/join")
    token = link.split("token=")[1]
    async with http_client(app) as browser:
        # not logged in: the invitation page sends the visitor to the login first
        first = await browser.get(link.removeprefix("http://portal.test"), follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"].startswith(
            "/login?next=/teams/join"
        )
        invitee = await make_user(email=invitee_email)
        await login(browser, invitee["email"])
        page = await browser.get(link.removeprefix("http://portal.test"))
        assert "Team Wasser" in page.text
        joined = await post_form(browser, "/teams/join", {"token": token}, follow_redirects=False)
        assert joined.status_code == 303
        assert (await browser.get(f"/api/v1/organisations/{team['id']}")).json()["role"] == "member"
        assert (
            await api(
                browser,
                "PATCH",
                f"/api/v1/organisations/{team['id']}",
                {"website": "https://wasser.example"},
            )
        ).status_code == 200
        again = await post_form(browser, "/teams/join", {"token": token})
        assert again.status_code == 422  # used up


async def test_invitation_for_another_address_cannot_be_used(app, client, settings, deliver_mail):
    owner = await make_user()
    await login(client, owner["email"])
    team = await found(client, name="Team Licht")
    invited = unique_email("eingeladen")
    await api(client, "POST", f"/api/v1/organisations/{team['id']}/invitations", {"email": invited})
    await deliver_mail()
    token = link_in(spooled_mails(settings.mail_dir, invited)[0], "/teams/join").split("token=")[1]
    async with http_client(app) as stranger_browser:
        stranger = await make_user()
        await login(stranger_browser, stranger["email"])
        response = await api(
            stranger_browser, "POST", "/api/v1/organisations/invitations/accept", {"token": token}
        )
        assert response.status_code == 403 and response.json()["code"] == "wrong_account"
        assert not await Membership.exists().where(
            (Membership.organisation == team["id"]) & (Membership.user == stranger["id"])
        )


async def test_non_members_see_nothing_and_members_cannot_manage(app, client):
    owner = await make_user()
    await login(client, owner["email"])
    team = await found(client, name="Team Geheim")
    async with http_client(app) as other:
        outsider = await make_user()
        await login(other, outsider["email"])
        assert (await other.get(f"/api/v1/organisations/{team['id']}")).status_code == 404
        assert (await other.get(f"/teams/{team['id']}")).status_code == 404
        assert (
            await api(other, "PATCH", f"/api/v1/organisations/{team['id']}", {"name": "Gekapert"})
        ).status_code == 404
        assert (
            await api(
                other,
                "POST",
                f"/api/v1/organisations/{team['id']}/invitations",
                {"email": outsider["email"]},
            )
        ).status_code == 404
    member = await make_user()
    await Membership(
        organisation=team["id"],
        user=member["id"],
        role="member",
        created_at=dt.datetime.now(dt.UTC),
    ).save()
    async with http_client(app) as member_browser:
        await login(member_browser, member["email"])
        refused = await api(
            member_browser,
            "POST",
            f"/api/v1/organisations/{team['id']}/invitations",
            {"email": unique_email()},
        )
        assert refused.status_code == 403
        assert (
            await api(
                member_browser,
                "DELETE",
                f"/api/v1/organisations/{team['id']}/members/{owner['id']}",
            )
        ).status_code == 403


async def test_last_owner_cannot_leave_but_can_hand_over(app, client):
    owner = await make_user()
    await login(client, owner["email"])
    team = await found(client, name="Team Übergabe")
    refused = await api(client, "POST", f"/api/v1/organisations/{team['id']}/leave")
    assert refused.status_code == 422 and refused.json()["code"] == "last_owner"
    successor = await make_user()
    await Membership(
        organisation=team["id"],
        user=successor["id"],
        role="member",
        created_at=dt.datetime.now(dt.UTC),
    ).save()
    assert (
        await api(client, "POST", f"/api/v1/organisations/{team['id']}/owners/{successor['id']}")
    ).status_code == 200
    assert (
        await api(client, "POST", f"/api/v1/organisations/{team['id']}/leave")
    ).status_code == 200
    assert not await Membership.exists().where(
        (Membership.organisation == team["id"]) & (Membership.user == owner["id"])
    )
    actions = [
        r["action"]
        for r in await AuditEntry.select(AuditEntry.action)
        .where(AuditEntry.object_id == team["id"])
        .order_by(AuditEntry.id)
    ]
    assert actions == ["organisation.created", "organisation.owner_added", "organisation.left"]


async def test_team_pages_found_invite_and_remove_with_confirmation(client, settings, deliver_mail):
    owner = await make_user()
    await login(client, owner["email"])
    created = await post_form(
        client,
        "/teams/new",
        {"name": "Studis für Leipzig", "kind": "student_team", "city": "Leipzig"},
        follow_redirects=True,
    )
    assert (
        created.status_code == 200
        and "Studis für Leipzig" in created.text
        and "Studentisches Team" in created.text
    )
    team_id = re.search(r"/teams/([0-9a-f-]{36})/edit", created.text).group(1)
    invited = unique_email("studi")
    sent = await post_form(client, f"/teams/{team_id}/invitations", {"email": invited})
    assert f"Einladung an {invited} gesendet." in sent.text
    bad = await post_form(client, f"/teams/{team_id}/invitations", {"email": "keine-adresse"})
    assert bad.status_code == 422 and 'id="error-summary"' in bad.text
    member = await make_user()
    await Membership(
        organisation=team_id, user=member["id"], role="member", created_at=dt.datetime.now(dt.UTC)
    ).save()
    confirm = await client.get(f"/teams/{team_id}/members/{member['id']}/remove")
    assert "wirklich" in confirm.text and member["name"] in confirm.text
    await post_form(client, f"/teams/{team_id}/members/{member['id']}/remove", {})
    assert not await Membership.exists().where(
        (Membership.organisation == team_id) & (Membership.user == member["id"])
    )
    form_error = await post_form(client, "/teams/new", {"name": "", "kind": ""})
    assert form_error.status_code == 422 and "Wählen Sie" in form_error.text
