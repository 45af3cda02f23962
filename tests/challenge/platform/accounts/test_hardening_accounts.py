"""Accounts hardened: the newest pre-registration decides, names are one line, invitations are
rate-limited, and API tokens follow their owner's roles (both engines)."""

import pytest

from challenge.jury.tables import Juror
from challenge.organisations.tables import Invitation, Organisation
from challenge.platform.accounts.tables import User
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.security import ratelimit
from tests.conftest import http_client
from tests.support.factories import make_call, make_team
from tests.support.web import (
    PASSWORD,
    api,
    link_in,
    login,
    make_user,
    post_form,
    spooled_mails,
    unique_email,
)

# --- (a) two registrations of one address before it is confirmed -------------------------

FIRST_PASSWORD, SECOND_PASSWORD = "Erste-Anmeldung-Passwort-1", "Zweite-Anmeldung-Passwort-2"


async def _register_twice(app, settings, deliver_mail) -> tuple[str, str, str]:
    """Two people register one address, one after the other; their two verification links."""
    address = unique_email("doppelt")
    links = []
    async with http_client(app) as first, http_client(app) as second:
        for client, name, password in (
            (first, "Erste", FIRST_PASSWORD),
            (second, "Zweite", SECOND_PASSWORD),
        ):
            response = await api(
                client,
                "POST",
                "/api/v1/auth/register",
                {"email": address, "password": password, "name": name, "locale": "de"},
            )
            assert response.status_code == 201, response.text
            await deliver_mail()
            mails = spooled_mails(settings.mail_dir, address)
            assert len(mails) == len(links) + 1
            links.append(
                next(
                    link_in(mail, "/account/verify").split("token=")[1]
                    for mail in mails
                    if link_in(mail, "/account/verify").split("token=")[1] not in links
                )
            )
    older, newer = links
    return address, older, newer


async def _logs_in(app, address: str, password: str) -> int:
    async with http_client(app) as client:
        return (
            await api(
                client, "POST", "/api/v1/auth/login", {"email": address, "password": password}
            )
        ).status_code


async def test_older_registration_link_is_dead_once_a_newer_registration_exists(
    app, settings, deliver_mail
):
    address, older, newer = await _register_twice(app, settings, deliver_mail)
    async with http_client(app) as client:
        refused = await api(client, "POST", "/api/v1/auth/verify", {"token": older})
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_token"
        assert await _logs_in(app, address, FIRST_PASSWORD) == 401
        confirmed = await api(client, "POST", "/api/v1/auth/verify", {"token": newer})
        assert confirmed.status_code == 200
    assert await _logs_in(app, address, SECOND_PASSWORD) == 200
    assert await _logs_in(app, address, FIRST_PASSWORD) == 401
    assert (await User.select(User.name).where(User.email == address).first())["name"] == "Zweite"


async def test_newer_registration_link_works_and_the_older_stays_dead_afterwards(
    app, settings, deliver_mail
):
    address, older, newer = await _register_twice(app, settings, deliver_mail)
    async with http_client(app) as client:
        assert (
            await api(client, "POST", "/api/v1/auth/verify", {"token": newer})
        ).status_code == 200
        late = await api(client, "POST", "/api/v1/auth/verify", {"token": older})
        assert late.status_code == 422 and late.json()["code"] == "invalid_token"
    assert await _logs_in(app, address, SECOND_PASSWORD) == 200
    assert await _logs_in(app, address, FIRST_PASSWORD) == 401


async def test_older_registration_link_is_dead_on_the_page_too(app, settings, deliver_mail):
    _address, older, _newer = await _register_twice(app, settings, deliver_mail)
    async with http_client(app) as browser:
        page = await post_form(browser, "/account/verify", {"token": older})
    assert page.status_code == 422


# --- (b) names are one line ---------------------------------------------------------------

BAD_NAMES = [
    "Erika\nMustermann",
    "Erika\r\nMustermann",
    "Erika\tMustermann",
    "Erika\x00",
    "Erika\u2028Muster",
    "Erika\u202eMuster",
    "Erika\x1bMuster",
]


def _field_errors(response) -> set[str]:
    body = response.json()
    assert body["code"] == "validation_error", body
    return {error["field"] for error in body["errors"]}


@pytest.mark.parametrize("name", BAD_NAMES)
async def test_api_refuses_names_with_line_breaks_or_control_characters(app, client, name):
    address = unique_email("name")
    registered = await api(
        client,
        "POST",
        "/api/v1/auth/register",
        {"email": address, "password": PASSWORD, "name": name, "locale": "de"},
    )
    assert registered.status_code == 422 and "name" in _field_errors(registered)
    assert not await User.exists().where(User.email == address)

    user = await make_user(name="Erika Mustermann")
    await login(client, user["email"])
    profile = await api(client, "PATCH", "/api/v1/me", {"name": name})
    assert profile.status_code == 422 and "name" in _field_errors(profile)
    affiliation = await api(client, "PATCH", "/api/v1/me", {"affiliation": f"Stadt{name}"})
    assert affiliation.status_code == 422 and "affiliation" in _field_errors(affiliation)
    assert (await User.select(User.name).where(User.id == user["id"]).first())[
        "name"
    ] == "Erika Mustermann"

    team = await api(
        client, "POST", "/api/v1/organisations", {"name": f"Team {name}", "kind": "startup"}
    )
    assert team.status_code == 422 and "name" in _field_errors(team)
    own = await make_team(user["id"], name="Team Eins")
    renamed = await api(
        client, "PATCH", f"/api/v1/organisations/{own['id']}", {"name": f"Team {name}"}
    )
    assert renamed.status_code == 422 and "name" in _field_errors(renamed)
    assert (
        await Organisation.select(Organisation.name).where(Organisation.id == own["id"]).first()
    )["name"] == "Team Eins"


async def test_juror_invitation_refuses_a_name_with_a_line_break(app, client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    call = await make_call()
    address = unique_email("jury")
    response = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/jurors",
        {"email": address, "name": "Jana\nJury"},
    )
    assert response.status_code == 422 and "name" in _field_errors(response)
    assert not await User.exists().where(User.email == address)


async def test_forms_show_a_message_for_names_with_line_breaks(app, client):
    address = unique_email("form")
    registered = await post_form(
        client,
        "/register",
        {"email": address, "password": PASSWORD, "name": "Erika\nMustermann", "locale": "en"},
    )
    assert registered.status_code == 422
    assert (
        "eine einzige Zeile ohne Zeilenumbrüche oder Steuerzeichen" in registered.text
    )  # German by default
    assert not await User.exists().where(User.email == address)

    user = await make_user(locale="en")
    await login(client, user["email"])
    profile = await post_form(
        client, "/account/profile", {"name": "Erika\rMustermann", "locale": "en", "affiliation": ""}
    )
    assert profile.status_code == 422 and "without line breaks" in profile.text
    team = await post_form(client, "/teams/new", {"name": "Team\nZwei", "kind": "startup"})
    assert team.status_code == 422 and "without line breaks" in team.text


async def test_ordinary_names_still_pass(app, client):
    user = await make_user()
    await login(client, user["email"])
    profile = await api(
        client,
        "PATCH",
        "/api/v1/me",
        {"name": "José Ñúñez-O'Brien 李", "affiliation": "TU Dresden"},
    )
    assert profile.status_code == 200
    team = await api(
        client,
        "POST",
        "/api/v1/organisations",
        {"name": "Café & Co. – Team 👩‍💻", "kind": "startup"},
    )
    assert team.status_code == 201, team.text


# --- (c) invitations are rate-limited -------------------------------------------------------


async def test_team_invitations_are_limited_per_recipient_address(app, client):
    owner = await make_user()
    await login(client, owner["email"])
    team = await make_team(owner["id"], name="Team Einladung")
    address = unique_email("eingeladen")
    for _ in range(ratelimit.INVITES_PER_RECIPIENT.limit):
        sent = await api(
            client, "POST", f"/api/v1/organisations/{team['id']}/invitations", {"email": address}
        )
        assert sent.status_code == 201, sent.text
    refused = await api(
        client,
        "POST",
        f"/api/v1/organisations/{team['id']}/invitations",
        {"email": address.upper()},
    )
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) > 0
    # another inviter cannot flood the same address either
    async with http_client(app) as other_browser:
        other = await make_user()
        await login(other_browser, other["email"])
        other_team = await make_team(other["id"], name="Team Anders")
        also = await api(
            other_browser,
            "POST",
            f"/api/v1/organisations/{other_team['id']}/invitations",
            {"email": address},
        )
        assert also.status_code == 429 and also.json()["code"] == "rate_limited"
        page = await post_form(
            other_browser, f"/teams/{other_team['id']}/invitations", {"email": address}
        )
        assert page.status_code == 429
    assert (
        await Invitation.count().where(Invitation.email == address)
        == ratelimit.INVITES_PER_RECIPIENT.limit
    )
    assert (
        await OutboxMail.count().where(OutboxMail.to_address == address)
        == ratelimit.INVITES_PER_RECIPIENT.limit
    )


async def test_invitations_are_limited_per_inviting_person_across_teams_and_juries(app, client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    team = await make_team(staff["id"], name="Team Viele")
    call = await make_call()
    for n in range(ratelimit.INVITES_PER_USER.limit):
        if n % 2:
            sent = await api(
                client,
                "POST",
                f"/api/v1/organisations/{team['id']}/invitations",
                {"email": unique_email(f"t{n}")},
            )
        else:
            sent = await api(
                client,
                "POST",
                f"/api/v1/calls/{call['slug']}/jurors",
                {"email": unique_email(f"j{n}"), "name": f"Jurorin {n}"},
            )
        assert sent.status_code == 201, sent.text
    address = unique_email("zuviel")
    juror = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/jurors",
        {"email": address, "name": "Zu Viel"},
    )
    assert juror.status_code == 429 and juror.json()["code"] == "rate_limited"
    member = await api(
        client, "POST", f"/api/v1/organisations/{team['id']}/invitations", {"email": address}
    )
    assert member.status_code == 429 and member.json()["code"] == "rate_limited"
    assert not await User.exists().where(User.email == address)
    assert (
        await Juror.count().where(Juror.call.slug == call["slug"])
        == ratelimit.INVITES_PER_USER.limit // 2
    )
    assert not await OutboxMail.exists().where(OutboxMail.to_address == address)
    # someone else may still invite
    async with http_client(app) as colleague_browser:
        colleague = await make_user(roles=("staff",))
        await login(colleague_browser, colleague["email"])
        fine = await api(
            colleague_browser,
            "POST",
            f"/api/v1/calls/{call['slug']}/jurors",
            {"email": address, "name": "Zu Viel"},
        )
        assert fine.status_code == 201, fine.text


# --- (d) API tokens follow their owner's roles; the owner always lists and revokes them --------


async def test_removing_a_role_takes_effect_on_tokens_at_once(app, client):
    owner = await make_user(roles=("staff", "admin"))
    await login(client, owner["email"])
    created = await api(client, "POST", "/api/v1/me/tokens", {"name": "Integration", "days": 30})
    assert created.status_code == 201
    bearer = {"Authorization": f"Bearer {created.json()['token']}"}
    async with http_client(app) as integration, http_client(app) as admin_browser:
        assert (await integration.get("/api/v1/admin/users", headers=bearer)).status_code == 200
        admin = await make_user(roles=("admin",))
        await login(admin_browser, admin["email"])
        dropped = await api(
            admin_browser, "DELETE", f"/api/v1/admin/users/{owner['id']}/roles/admin"
        )
        assert dropped.status_code == 200
        assert (await integration.get("/api/v1/admin/users", headers=bearer)).status_code == 403
        me = await integration.get("/api/v1/me", headers=bearer)
        assert me.status_code == 200 and me.json()["roles"] == ["staff"]
        assert (
            await api(admin_browser, "DELETE", f"/api/v1/admin/users/{owner['id']}/roles/staff")
        ).status_code == 200
        # no role left that tokens are for: the token no longer works at all
        assert (await integration.get("/api/v1/me", headers=bearer)).status_code == 401

    # the owner, now without any role, still lists and revokes the token (API and page)
    listing = await client.get("/api/v1/me/tokens")
    assert listing.status_code == 200 and [t["name"] for t in listing.json()] == ["Integration"]
    account = await client.get("/account")
    assert account.status_code == 200 and "/account/tokens" in account.text
    page = await client.get("/account/tokens")
    assert page.status_code == 200 and "Integration" in page.text
    assert 'action="/account/tokens"' not in page.text  # no new tokens without the role
    revoked = await post_form(
        client, f"/account/tokens/{created.json()['id']}/revoke", {}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert (await client.get("/api/v1/me/tokens")).json()[0]["revoked_at"] is not None
    assert (
        await api(client, "POST", "/api/v1/me/tokens", {"name": "Neu", "days": 30})
    ).status_code == 403


async def test_the_owner_revokes_a_token_over_the_api_without_the_role(app, client):
    owner = await make_user(roles=("finance",))
    await login(client, owner["email"])
    created = (
        await api(client, "POST", "/api/v1/me/tokens", {"name": "Buchhaltung", "days": 30})
    ).json()
    async with http_client(app) as admin_browser:
        admin = await make_user(roles=("admin",))
        await login(admin_browser, admin["email"])
        assert (
            await api(admin_browser, "DELETE", f"/api/v1/admin/users/{owner['id']}/roles/finance")
        ).status_code == 200
    assert (await api(client, "DELETE", f"/api/v1/me/tokens/{created['id']}")).status_code == 204
    async with http_client(app) as admin_browser:
        await login(admin_browser, admin["email"])
        assert (
            await api(
                admin_browser,
                "POST",
                f"/api/v1/admin/users/{owner['id']}/roles",
                {"role": "finance"},
            )
        ).status_code == 200
    async with http_client(app) as integration:
        again = await integration.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"}
        )
        assert again.status_code == 401  # revoked stays revoked when the role comes back
