"""Notification settings (issue 20, point 5): the page on the account area and GET/PUT
/api/v1/me/notifications, one row per person however many first uses run at once, mails with legal
weight sent with everything off, the RFC 8058 one-click unsubscribe (no session, no CSRF; a GET
never unsubscribes; unknown tokens 404; rate-limited) and the person's data."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from challenge.messages import notifications, part_notifications
from challenge.messages.mailing import preferences
from challenge.messages.tables import NotificationSetting
from challenge.platform.mail.tables import OutboxMail
from tests.conftest import http_client
from tests.support.web import api, login, make_user, post_form, spooled_mails, text_of

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


async def unsubscribe_path(user_id) -> str:
    headers = await notifications.announcement_headers(user_id, "http://portal.test")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"]
    assert url.startswith("<http://portal.test/unsubscribe/") and url.endswith(">")
    return urlsplit(url.strip("<>")).path


async def test_settings_page_shows_the_choices_and_saves_them(client):
    person = await make_user()
    await login(client, person["email"])
    account = await client.get("/account")
    assert 'href="/account/notifications"' in account.text
    page = await client.get("/account/notifications")
    assert page.status_code == 200
    assert "Benachrichtigungen" in page.text and "lassen sich nicht abschalten" in page.text
    assert 'value="immediate" checked' in page.text
    assert 'id="announcements-on" name="announcements" value="1" checked' in page.text
    saved = await post_form(client, "/account/notifications", {"thread_mail": "daily"})
    assert saved.status_code == 200, saved.text
    assert "Ihre Benachrichtigungseinstellungen sind gespeichert." in saved.text
    assert 'value="daily" checked' in saved.text
    row = await preferences.settings_of(person["id"])
    assert (row["thread_mail"], row["announcements"]) == ("daily", False)
    assert row["unsubscribe_token"] not in saved.text  # never shown but in the person's mails


async def test_settings_page_refuses_an_unknown_choice(client):
    person = await make_user(locale="en")
    await login(client, person["email"])
    refused = await post_form(
        client, "/account/notifications", {"thread_mail": "hourly", "announcements": "1"}
    )
    assert refused.status_code == 422
    assert "Choose how you want to hear of new messages." in refused.text
    assert (await preferences.settings_of(person["id"]))["thread_mail"] == "immediate"


async def test_api_reads_and_changes_the_settings(client):
    person = await make_user()
    assert (await client.get("/api/v1/me/notifications")).status_code == 401
    await login(client, person["email"])
    read = await client.get("/api/v1/me/notifications")
    assert read.status_code == 200
    body = read.json()
    assert (body["thread_mail"], body["announcements"]) == ("immediate", True)
    assert "results" in body["always_sent"] and "unsubscribe_token" not in body
    changed = await api(client, "PUT", "/api/v1/me/notifications", {"announcements": False})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["thread_mail"], changed.json()["announcements"]) == ("immediate", False)
    daily = await api(client, "PUT", "/api/v1/me/notifications", {"thread_mail": "daily"})
    assert (daily.json()["thread_mail"], daily.json()["announcements"]) == ("daily", False)
    wrong = await api(client, "PUT", "/api/v1/me/notifications", {"thread_mail": "weekly"})
    assert wrong.status_code in (400, 422) and wrong.json()["code"] == "validation_error"
    unknown = await api(client, "PUT", "/api/v1/me/notifications", {"unsubscribe_token": "x"})
    assert unknown.status_code in (400, 422)


async def test_twenty_parallel_first_uses_make_one_row(app):
    person = await make_user()
    results = await asyncio.gather(
        *(preferences.settings_of(person["id"]) for _ in range(10)),
        *(notifications.announcement_headers(person["id"], "http://portal.test") for _ in range(5)),
        *(
            preferences.update(person["id"], thread_mail="daily", announcements=True)
            for _ in range(5)
        ),
    )
    assert await NotificationSetting.count().where(NotificationSetting.user == person["id"]) == 1
    assert len({row["id"] for row in results[:10]}) == 1
    assert len({str(headers) for headers in results[10:15]}) == 1  # one token for everyone


async def test_mails_with_legal_weight_go_out_with_everything_off(client, settings, deliver_mail):
    person = await make_user()
    await preferences.update(person["id"], thread_mail="daily", announcements=False)
    assert await notifications.wants_announcements([person["id"]]) == set()
    reset = await api(client, "POST", "/api/v1/auth/password-reset", {"email": person["email"]})
    assert reset.status_code == 202
    await deliver_mail()
    (mail,) = spooled_mails(settings.mail_dir, person["email"])
    assert "/password/reset?token=" in text_of(mail)
    row = await OutboxMail.select().where(OutboxMail.to_address == person["email"]).first()
    assert row["category"] == "transactional"


async def test_one_click_unsubscribe_needs_no_session_and_no_csrf(app):
    person = await make_user()
    path = await unsubscribe_path(person["id"])
    async with http_client(app) as mail_client:  # a mail client: no cookies, no token
        shown = await mail_client.get(path)
        assert (
            shown.status_code == 200 and 'name="List-Unsubscribe" value="One-Click"' in shown.text
        )
        # fetching the link (as mail scanners do) unsubscribes nobody
        assert await notifications.wants_announcements([person["id"]]) == {person["id"]}
        done = await mail_client.post(path, data=ONE_CLICK)
        assert done.status_code == 200, done.text
        assert "Sie erhalten keine Mitteilungen mehr." in done.text
        assert await notifications.wants_announcements([person["id"]]) == set()
        again = await mail_client.post(path, data=ONE_CLICK)
        assert again.status_code == 200
        assert "bereits abbestellt" in (await mail_client.get(path)).text
    row = await preferences.settings_of(person["id"])
    assert row["thread_mail"] == "immediate"  # only announcements are touched


async def test_one_click_unsubscribe_refuses_other_bodies_and_unknown_tokens(app):
    person = await make_user()
    path = await unsubscribe_path(person["id"])
    async with http_client(app) as visitor:
        assert (await visitor.post(path, data={"List-Unsubscribe": "yes"})).status_code == 400
        assert await notifications.wants_announcements([person["id"]]) == {person["id"]}
        german = await visitor.get("/unsubscribe/unbekannt")
        assert german.status_code == 404 and "Abmeldelink ist unbekannt" in german.text
        english = await visitor.get("/unsubscribe/unbekannt", headers={"accept-language": "en"})
        assert english.status_code == 404 and "unsubscribe link is unknown" in english.text
        assert (await visitor.post("/unsubscribe/unbekannt", data=ONE_CLICK)).status_code == 404


async def test_one_click_unsubscribe_is_rate_limited(app):
    async with http_client(app) as visitor:
        answers = [
            (await visitor.post(f"/unsubscribe/raten{i}", data=ONE_CLICK)).status_code
            for i in range(31)
        ]
    assert answers[:30] == [404] * 30 and answers[30] == 429


async def test_the_persons_data_holds_the_choices_and_erasure_removes_them(app):
    person = await make_user()
    await preferences.update(person["id"], thread_mail="daily", announcements=False)
    part = part_notifications.part()
    exported = await part.privacy_export(person["id"])
    assert exported["notification_settings"]["thread_mail"] == "daily"
    assert "unsubscribe_token" not in exported["notification_settings"]
    removed = await part.privacy_erase(person["id"], person["email"])
    assert removed["notification_settings"] == 1
    assert not await NotificationSetting.exists().where(NotificationSetting.user == person["id"])
