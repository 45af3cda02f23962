"""Retries after an answer lost to a database fault (the transaction had committed): a
verification link followed again says "already verified", a repeated registration sends no
second mail within a minute, and autosave and submit with an idempotency key answer the stored
result instead of a conflict or a second effect (both engines)."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from challenge.platform import clock as platform_clock
from challenge.platform import idempotency
from challenge.platform.accounts.tables import User
from challenge.platform.mail.tables import OutboxMail
from challenge.submissions import api as submissions_api
from challenge.submissions import pages as submission_pages
from challenge.submissions.tables import Submission, SubmissionVersion
from tests.challenge.submissions.test_hardening_concurrency import COMPLETE, open_call
from tests.challenge.submissions.test_submission_pages import start_proposal
from tests.conftest import http_client
from tests.support.factories import make_team
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


@pytest.fixture
def clock():
    """The portal's clock, standing still until a test advances it."""
    with platform_clock.frozen() as frozen:
        yield frozen


def lost_once(monkeypatch, module, name: str) -> None:
    """The next call of module.name fails as a dropped connection would — after the commit."""
    original = getattr(module, name)
    state = {"failed": False}

    def wrapper(*args, **kwargs):
        if not state["failed"]:
            state["failed"] = True
            raise asyncpg.exceptions.ConnectionDoesNotExistError(
                "connection was closed in the middle of operation"
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


async def verify_mails(address: str) -> int:
    return await OutboxMail.count().where(
        (OutboxMail.to_address == address) & (OutboxMail.template == "verify_email")
    )


async def register(
    client, address: str, *, name: str = "Wieder", password: str = PASSWORD, locale: str = "de"
):
    response = await api(
        client,
        "POST",
        "/api/v1/auth/register",
        {"email": address, "password": password, "name": name, "locale": locale},
    )
    assert response.status_code == 201, response.text
    return response


async def registered_link(app, settings, deliver_mail, locale: str = "de") -> tuple[str, str]:
    address = unique_email("nochmal")
    async with http_client(app) as client:
        await register(client, address, locale=locale)
    await deliver_mail()
    [mail] = spooled_mails(settings.mail_dir, address)
    return address, link_in(mail, "/account/verify").split("token=")[1]


# --- verification links followed again -------------------------------------------------------


async def test_a_verification_link_used_twice_says_already_verified_and_the_person_logs_in(
    app, settings, deliver_mail
):
    address, token = await registered_link(app, settings, deliver_mail)
    async with http_client(app) as client:
        first = await api(client, "POST", "/api/v1/auth/verify", {"token": token})
        assert first.status_code == 200 and first.json() == {
            "status": "verified",
            "already_verified": False,
        }
        again = await api(client, "POST", "/api/v1/auth/verify", {"token": token})
        assert again.status_code == 200, again.text
        assert again.json() == {"status": "verified", "already_verified": True}
        # like a first confirmation it starts no session: signing in takes the password
        assert not any(c.startswith("session=") for c in again.headers.get_list("set-cookie"))
        logged_in = await api(
            client, "POST", "/api/v1/auth/login", {"email": address, "password": PASSWORD}
        )
        assert logged_in.status_code == 200


@pytest.mark.parametrize(
    ("lang", "already", "next_step"),
    [
        ("de", "E-Mail-Adresse bereits bestätigt", "Anmelden"),
        ("en", "E-mail address already confirmed", "Log in"),
    ],
)
async def test_the_verify_page_says_already_verified_with_the_next_step(
    app, settings, deliver_mail, lang, already, next_step
):
    address, token = await registered_link(app, settings, deliver_mail, locale=lang)
    async with http_client(app) as browser:
        browser.cookies.set("lang", lang)
        page = await browser.get(f"/account/verify?token={token}")
        assert page.status_code == 200
        first = await post_form(browser, "/account/verify", {"token": token})
        assert first.status_code == 200 and already not in first.text
        again = await post_form(browser, "/account/verify", {"token": token})
        assert again.status_code == 200
        assert already in again.text and 'href="/login"' in again.text and next_step in again.text
        await login(browser, address)
        signed_in = await post_form(browser, "/account/verify", {"token": token})
        assert already in signed_in.text and 'href="/account"' in signed_in.text


async def test_a_link_retired_by_a_newer_registration_stays_invalid(
    app, settings, deliver_mail, clock
):
    address = unique_email("abgeloest")
    async with http_client(app) as first, http_client(app) as second:
        await register(first, address, name="Erste", password="Erste-Anmeldung-Passwort-1")
        clock.advance(1)
        await register(second, address, name="Zweite", password="Zweite-Anmeldung-Passwort-2")
        await deliver_mail()
        mails = spooled_mails(settings.mail_dir, address)
        assert len(mails) == 2
        older, newer = (link_in(m, "/account/verify").split("token=")[1] for m in mails)
        tokens = {older, newer}
        # the spool's order may not be the registrations' order: ask which one still works
        confirmed = None
        for token in tokens:
            response = await api(first, "POST", "/api/v1/auth/verify", {"token": token})
            if response.status_code == 200:
                confirmed = token
        [retired] = tokens - {confirmed}
        for _ in range(2):
            refused = await api(first, "POST", "/api/v1/auth/verify", {"token": retired})
            assert refused.status_code == 422 and refused.json()["code"] == "invalid_token"
        assert (await api(second, "POST", "/api/v1/auth/verify", {"token": confirmed})).json()[
            "already_verified"
        ] is True


async def test_an_old_link_is_invalid_again_after_a_password_change(app, settings, deliver_mail):
    address, token = await registered_link(app, settings, deliver_mail)
    async with http_client(app) as client:
        assert (
            await api(client, "POST", "/api/v1/auth/verify", {"token": token})
        ).status_code == 200
        await login(client, address)
        changed = await api(
            client,
            "POST",
            "/api/v1/me/password",
            {"current_password": PASSWORD, "new_password": "Ganz-Neues-Passwort-77"},
        )
        assert changed.status_code == 200, changed.text
    async with http_client(app) as other:
        refused = await api(other, "POST", "/api/v1/auth/verify", {"token": token})
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_token"


async def test_a_used_link_does_nothing_for_another_account(app, settings, deliver_mail):
    _address, token = await registered_link(app, settings, deliver_mail)
    other_address, _other_token = await registered_link(app, settings, deliver_mail)
    async with http_client(app) as client:
        assert (
            await api(client, "POST", "/api/v1/auth/verify", {"token": token})
        ).status_code == 200
        assert (await api(client, "POST", "/api/v1/auth/verify", {"token": token})).json()[
            "already_verified"
        ]
        other = (
            await User.select(User.email_verified_at, User.password_hash)
            .where(User.email == other_address)
            .first()
        )
        assert other == {"email_verified_at": None, "password_hash": None}
        refused = await api(
            client, "POST", "/api/v1/auth/login", {"email": other_address, "password": PASSWORD}
        )
        assert refused.status_code == 403


# --- registrations repeated --------------------------------------------------------------------


async def test_a_registration_repeated_within_a_minute_sends_one_mail_and_after_61_s_a_second(
    app, clock
):
    address = unique_email("wiederholt")
    async with http_client(app) as client:
        first = await register(client, address)
        clock.advance(30)
        retried = await register(client, address)
        assert retried.json() == first.json()
        assert await verify_mails(address) == 1
        clock.advance(31)  # 61 s after the first
        await register(client, address)
        assert await verify_mails(address) == 2


async def test_a_repeated_registration_keeps_its_link_working(app, settings, deliver_mail, clock):
    address = unique_email("behalten")
    async with http_client(app) as client:
        await register(client, address)
        clock.advance(5)
        await register(client, address)
        await deliver_mail()
        [mail] = spooled_mails(settings.mail_dir, address)
        token = link_in(mail, "/account/verify").split("token=")[1]
        assert (
            await api(client, "POST", "/api/v1/auth/verify", {"token": token})
        ).status_code == 200
        assert (
            await api(
                client, "POST", "/api/v1/auth/login", {"email": address, "password": PASSWORD}
            )
        ).status_code == 200


async def test_a_different_password_within_the_minute_is_a_new_registration(app, clock):
    address = unique_email("korrigiert")
    async with http_client(app) as client:
        await register(client, address)
        clock.advance(10)
        await register(client, address, password="Korrigiertes-Passwort-31")
        assert await verify_mails(address) == 2


async def test_known_addresses_answer_the_same_and_get_one_mail_per_minute(app, clock):
    known = await make_user()
    async with http_client(app) as client:
        answers = []
        for _ in range(2):
            answers.append((await register(client, known["email"])).json())
            clock.advance(20)
        new = (await register(client, unique_email("neu"))).json()
        assert answers[0] == answers[1] == new
        count = await OutboxMail.count().where(
            (OutboxMail.to_address == known["email"]) & (OutboxMail.template == "register_existing")
        )
        assert count == 1
        clock.advance(61)
        await register(client, known["email"])
        count = await OutboxMail.count().where(
            (OutboxMail.to_address == known["email"]) & (OutboxMail.template == "register_existing")
        )
        assert count == 2


# --- autosave and submit with an idempotency key ----------------------------------------------


async def draft_in(client) -> dict:
    call = await open_call()
    user = await make_user()
    await login(client, user["email"])
    team = await make_team(user["id"], name="Team Wiederholung")
    created = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/submissions",
        {"organisation_id": str(team["id"]), **COMPLETE},
    )
    assert created.status_code == 201, created.text
    return {**created.json(), "user": user}


async def test_an_autosave_retried_after_its_commit_answers_200_with_the_same_version(
    app, monkeypatch
):
    async with http_client(app) as client:
        draft = await draft_in(client)
        key = {"Idempotency-Key": str(uuid.uuid4())}
        body = {"version": draft["version"], "title": "Nach dem Ausfall"}
        lost_once(monkeypatch, submissions_api, "out")
        cut = await api(client, "PATCH", f"/api/v1/submissions/{draft['id']}", body, headers=key)
        assert cut.status_code == 503  # the answer was lost, the save committed
        stored = (
            await Submission.select(Submission.version, Submission.title)
            .where(Submission.id == draft["id"])
            .first()
        )
        assert stored == {"version": draft["version"] + 1, "title": "Nach dem Ausfall"}
        retried = await api(
            client, "PATCH", f"/api/v1/submissions/{draft['id']}", body, headers=key
        )
        assert retried.status_code == 200, retried.text
        assert retried.json()["version"] == draft["version"] + 1
        again = await api(client, "PATCH", f"/api/v1/submissions/{draft['id']}", body, headers=key)
        assert again.status_code == 200 and again.content == retried.content  # the stored answer
        without_key = await api(client, "PATCH", f"/api/v1/submissions/{draft['id']}", body)
        assert without_key.status_code == 409  # what a retry got before
    assert (
        await Submission.select(Submission.version).where(Submission.id == draft["id"]).first()
    )["version"] == draft["version"] + 1


async def test_a_reused_key_with_another_body_answers_422(app):
    async with http_client(app) as client:
        draft = await draft_in(client)
        key = {"Idempotency-Key": str(uuid.uuid4())}
        url = f"/api/v1/submissions/{draft['id']}"
        assert (
            await api(
                client, "PATCH", url, {"version": draft["version"], "title": "Eins"}, headers=key
            )
        ).status_code == 200
        reused = await api(
            client, "PATCH", url, {"version": draft["version"], "title": "Zwei"}, headers=key
        )
        assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
        elsewhere = await api(
            client, "POST", f"{url}/submit", {"consent_publication": False}, headers=key
        )
        assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "idempotency_key_reused"
        bad = await api(
            client,
            "PATCH",
            url,
            {"version": draft["version"] + 1, "title": "Drei"},
            headers={"Idempotency-Key": "x" * 201},
        )
        assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    row = (
        await Submission.select(Submission.title, Submission.status)
        .where(Submission.id == draft["id"])
        .first()
    )
    assert row == {"title": "Eins", "status": "draft"}


async def test_a_submit_retried_with_the_same_key_gives_the_same_reference_and_one_mail(
    app, monkeypatch
):
    async with http_client(app) as client:
        draft = await draft_in(client)
        key = {"Idempotency-Key": str(uuid.uuid4())}
        url = f"/api/v1/submissions/{draft['id']}/submit"
        lost_once(monkeypatch, submissions_api, "out")
        cut = await api(client, "POST", url, {"consent_publication": True}, headers=key)
        assert cut.status_code == 503
        retried = await api(client, "POST", url, {"consent_publication": True}, headers=key)
        assert retried.status_code == 200, retried.text
        again = await api(client, "POST", url, {"consent_publication": True}, headers=key)
        assert again.content == retried.content
        reference = retried.json()["reference"]
        assert reference and reference.startswith("SCC-")
        changed = await api(client, "POST", url, {"consent_publication": False}, headers=key)
        assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    assert await SubmissionVersion.count().where(SubmissionVersion.submission == draft["id"]) == 1
    mails = await OutboxMail.count().where(
        (OutboxMail.template == "submission_received")
        & (OutboxMail.to_address == draft["user"]["email"])
    )
    assert mails == 1
    row = (
        await Submission.select(Submission.reference, Submission.consent_publication)
        .where(Submission.id == draft["id"])
        .first()
    )
    assert row == {"reference": reference, "consent_publication": True}


async def test_a_page_autosave_retried_after_its_commit_is_no_conflict_and_typing_on_saves(
    client, monkeypatch
):
    sub_id = await start_proposal(client)
    page = await client.get(f"/submissions/{sub_id}/proposal")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    form = {
        "version": "1",
        "idempotency_key": key,
        "title": "Autosave",
        "summary": "",
        "category": "",
    }
    url = f"/submissions/{sub_id}/proposal/autosave"
    lost_once(monkeypatch, submission_pages, "Template")  # the answer is rendered after the commit
    cut = await post_form(client, url, form)
    assert cut.status_code == 503
    retried = await post_form(client, url, form)
    assert retried.status_code == 200 and "automatisch gespeichert" in retried.text
    assert 'name="version" value="2"' in retried.text
    # htmx kept the old version (no swap on an error); the person typed on: saved on top of it
    typed_on = await post_form(client, url, {**form, "title": "Autosave weiter"})
    assert (
        "automatisch gespeichert" in typed_on.text and 'name="version" value="3"' in typed_on.text
    )
    button = await post_form(
        client,
        f"/submissions/{sub_id}/proposal",
        {**form, "title": "Autosave fertig"},
        follow_redirects=False,
    )
    assert button.status_code == 303 and button.headers["location"].endswith("/questions")
    row = (
        await Submission.select(Submission.title, Submission.version)
        .where(Submission.id == sub_id)
        .first()
    )
    assert row == {"title": "Autosave fertig", "version": 4}
    # another page view (another tab) still meets the conflict
    other = await post_form(
        client, url, {**form, "idempotency_key": "andere-ansicht", "title": "Anderer Tab"}
    )
    assert "inzwischen" in other.text.lower()


async def test_the_review_page_submits_once_with_its_key(app):
    async with http_client(app) as client:
        draft = await draft_in(client)
        review = await client.get(f"/submissions/{draft['id']}")
        key = re.search(r'name="idempotency_key" value="([^"]+)"', review.text).group(1)
        form = {"confirm": "1", "consent": "1", "idempotency_key": key}
        for _ in range(2):
            sent = await post_form(
                client, f"/submissions/{draft['id']}/submit", form, follow_redirects=False
            )
            assert sent.status_code == 303
    assert await SubmissionVersion.count().where(SubmissionVersion.submission == draft["id"]) == 1


async def test_keys_expire_after_a_day(app):
    async with http_client(app) as client:
        draft = await draft_in(client)
        key = {"Idempotency-Key": str(uuid.uuid4())}
        url = f"/api/v1/submissions/{draft['id']}"
        assert (
            await api(
                client, "PATCH", url, {"version": draft["version"], "title": "Gestern"}, headers=key
            )
        ).status_code == 200
        user_id = draft["user"]["id"]
        assert (
            await idempotency.IdempotencyKey.count().where(
                idempotency.IdempotencyKey.user == user_id
            )
            == 1
        )
        await idempotency.purge_expired(datetime.now(UTC) + timedelta(hours=23))
        assert (
            await idempotency.IdempotencyKey.count().where(
                idempotency.IdempotencyKey.user == user_id
            )
            == 1
        )
        await idempotency.purge_expired(datetime.now(UTC) + timedelta(hours=25))
        assert (
            await idempotency.IdempotencyKey.count().where(
                idempotency.IdempotencyKey.user == user_id
            )
            == 0
        )
