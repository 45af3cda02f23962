"""Thread messages by mail (issue 20, points 5 and 6): message_posted mails the people who want
mail at once and remembers the others for their digest; questions with a due date reach everyone
at once; the delivered mail threads (In-Reply-To/References) and links to the thread; the daily
digest goes once a day per person — once, with two workers — on the injected clock."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge import db
from challenge.messages import notifications
from challenge.messages.mailing import digest, preferences
from challenge.messages.mailing.tables import DigestEntry
from challenge.messages.tables import Thread, ThreadRead
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.mail.outbox import render_mail
from challenge.platform.mail.tables import OutboxMail
from tests.support.web import make_user, spooled_mails, text_of

BASE = "http://portal.test"
# 10:00 in Berlin (CET) on a day of its own, so no other test's digests share it
MORNING = datetime(2030, 3, 11, 9, 0, tzinfo=UTC)


async def new_thread(at: datetime | None = None) -> dict:
    at = at or clock.now()
    thread = Thread(
        subject_type="person",
        subject_id=uuid.uuid4(),
        created_at=at,
        last_message_at=at,
        message_count=0,
    )
    await thread.save()
    return {"id": thread.id}


def message(author, body="Bitte senden Sie die Kalkulation.", kind="message", at=None) -> dict:
    return {
        "id": uuid.uuid4(),
        "author": author,
        "body": body,
        "kind": kind,
        "created_at": at or clock.now(),
    }


async def mails_to(*people: dict) -> list[dict]:
    return await OutboxMail.select().where(
        OutboxMail.to_address.is_in([person["email"] for person in people])
    )


async def post(thread, author, recipients, title="Grüne Welle", **kwargs) -> int:
    link = f"{BASE}/threads/{thread['id']}"
    return await notifications.message_posted(
        thread, message(author, **kwargs), recipients, title=title, link=link
    )


async def test_immediate_people_get_a_mail_and_daily_people_wait(app):
    author, now_person, daily_person, gone = [
        await make_user(),
        await make_user(locale="en"),
        await make_user(),
        await make_user(),
    ]
    await preferences.update(daily_person["id"], thread_mail="daily", announcements=True)
    await User.update({User.is_active: False}).where(User.id == gone["id"])
    thread = await new_thread()
    recipients = [author["id"], now_person["id"], daily_person["id"], gone["id"]]
    assert await post(thread, author["id"], recipients) == 1
    (mail,) = await mails_to(author, now_person, daily_person, gone)
    assert mail["to_address"] == now_person["email"] and mail["category"] == "thread"
    assert mail["subject"] == "New message: Grüne Welle"
    assert f"{BASE}/threads/{thread['id']}" in mail["body_text"]
    assert "Bitte senden Sie die Kalkulation." in mail["body_text"]
    reference = f"<thread-{thread['id']}@portal.test>"
    assert json.loads(mail["headers"]) == {"In-Reply-To": reference, "References": reference}
    (entry,) = await DigestEntry.select().where(DigestEntry.user == daily_person["id"])
    assert (entry["thread"], entry["messages"], entry["title"]) == (thread["id"], 1, "Grüne Welle")
    await post(thread, author["id"], recipients)
    (entry,) = await DigestEntry.select().where(DigestEntry.user == daily_person["id"])
    assert entry["messages"] == 2


async def test_a_question_with_a_due_date_reaches_everyone_at_once(app):
    staff, daily_person = await make_user(), await make_user()
    await preferences.update(daily_person["id"], thread_mail="daily", announcements=False)
    thread = await new_thread()
    assert await post(thread, staff["id"], [daily_person["id"]], kind="request") == 1
    (mail,) = await mails_to(daily_person)
    assert mail["category"] == "transactional"  # a deadline: no setting holds it back
    assert mail["subject"] == "Frage mit Frist: Grüne Welle"
    assert not await DigestEntry.exists().where(DigestEntry.user == daily_person["id"])


async def test_the_delivered_thread_mail_threads_and_links_to_the_thread(
    app, settings, deliver_mail
):
    author, reader = await make_user(), await make_user()
    thread = await new_thread()
    await post(thread, author["id"], [reader["id"]], body="Erste Nachricht")
    await post(thread, author["id"], [reader["id"]], body="Zweite Nachricht")
    await deliver_mail()
    first, second = spooled_mails(settings.mail_dir, reader["email"])
    reference = f"<thread-{thread['id']}@portal.test>"
    for mail in (first, second):
        assert mail["In-Reply-To"] == reference and mail["References"] == reference
        assert mail["Auto-Submitted"] == "auto-generated" and mail["Reply-To"] is None
        assert mail["Message-ID"].endswith("@portal.test>")
        assert f"{BASE}/threads/{thread['id']}" in text_of(mail)
        assert "Antworten auf diese E-Mail werden nicht gelesen" in text_of(mail)
        assert f"{BASE}/account/notifications" in text_of(mail)
    assert first["Message-ID"] != second["Message-ID"]


def test_digest_time_is_seven_in_berlin_also_across_daylight_saving():
    winter = datetime(2030, 1, 15, 6, 30, tzinfo=UTC)  # 07:30 CET
    assert digest.digest_time(winter) == datetime(2030, 1, 15, 6, 0, tzinfo=UTC)
    early = datetime(2030, 1, 15, 5, 59, tzinfo=UTC)  # 06:59 CET: yesterday's counts
    assert digest.digest_time(early) == datetime(2030, 1, 14, 6, 0, tzinfo=UTC)
    summer_monday = datetime(2030, 4, 1, 4, 30, tzinfo=UTC)  # 06:30 CEST, the day after the change
    assert digest.digest_time(summer_monday) == datetime(2030, 3, 31, 5, 0, tzinfo=UTC)


async def digests_to(person: dict) -> list[dict]:
    return await OutboxMail.select().where(
        (OutboxMail.to_address == person["email"]) & (OutboxMail.template == "thread_digest")
    )


async def test_the_digest_goes_once_a_day_even_with_two_workers(app, settings):
    # counts are the reader's mails: other tests' people may be due in the same rounds
    author, reader = await make_user(), await make_user()
    with clock.frozen(MORNING) as frozen:
        await preferences.update(reader["id"], thread_mail="daily", announcements=True)
        busy, quiet, read = await new_thread(), await new_thread(), await new_thread()
        frozen.advance(minutes=5)
        await post(busy, author["id"], [reader["id"]], title="Pilot Parkhaus")
        await post(busy, author["id"], [reader["id"]], title="Pilot Parkhaus")
        await post(quiet, author["id"], [reader["id"]], title="Sensoren <Nord>")
        await post(read, author["id"], [reader["id"]], title="Schon gelesen")
        read_at = frozen.advance(minutes=1)
        await ThreadRead(thread=read["id"], user=reader["id"], read_at=read_at).save()
        assert await mails_to(reader) == []  # nothing at once
        # the same day: this day's digest time was before the reader chose the digest
        await digest.send_digests(settings, frozen.advance(hours=3))
        assert await digests_to(reader) == []
        next_morning = MORNING.replace(hour=6, minute=5) + timedelta(days=1)  # 07:05 in Berlin
        frozen.set(next_morning)
        await asyncio.gather(
            digest.send_digests(settings, next_morning),
            digest.send_digests(settings, next_morning),
        )
        (mail,) = await digests_to(reader)
        assert mail["category"] == "digest"
        assert "Ihre tägliche Zusammenfassung" in mail["subject"]
        text = mail["body_text"]
        assert "Pilot Parkhaus (neue Nachrichten: 2)" in text and "Sensoren <Nord>" in text
        assert "Sensoren &lt;Nord&gt;" in mail["body_html"]
        assert "Schon gelesen" not in text
        assert f"{BASE}/threads/{busy['id']}" in text
        assert not await DigestEntry.exists().where(DigestEntry.user == reader["id"])
        # later that day, a new message: it waits for tomorrow
        frozen.advance(hours=2)
        await post(quiet, author["id"], [reader["id"]], title="Sensoren <Nord>")
        await digest.send_digests(settings, frozen.advance(hours=8))
        assert len(await digests_to(reader)) == 1
        tomorrow = frozen.set(next_morning + timedelta(days=1, minutes=30))
        await digest.send_digests(settings, tomorrow)
        assert len(await digests_to(reader)) == 2


async def test_switching_back_to_at_once_still_sends_what_waits(app, settings):
    author, reader = await make_user(), await make_user()
    with clock.frozen(MORNING + timedelta(days=20)) as frozen:
        await preferences.update(reader["id"], thread_mail="daily", announcements=True)
        await post(await new_thread(), author["id"], [reader["id"]], title="Wartet")
        await preferences.update(reader["id"], thread_mail="immediate", announcements=True)
        await digest.send_digests(settings, frozen.advance(days=1))
    (mail,) = await digests_to(reader)
    assert "Wartet" in mail["body_text"]


async def test_of_two_workers_one_takes_a_persons_digest(app):
    """The turn itself: a conditional update of last_digest_at, so the second worker, which read
    the person as due before the first one's commit, gets no turn."""
    reader = await make_user()
    with clock.frozen(MORNING + timedelta(days=40)):
        await preferences.update(reader["id"], thread_mail="daily", announcements=True)
    later = MORNING + timedelta(days=41, hours=1)
    cutoff = digest.digest_time(later)

    async def take() -> bool:
        async with db.write_transaction():
            return await digest._take(reader["id"], cutoff, later)

    assert sorted(await asyncio.gather(take(), take())) == [False, True]
    assert (await preferences.settings_of(reader["id"]))["last_digest_at"] == later


THREAD_MAIL = {
    "base_url": BASE,
    "title": "Grüne Welle <Süd>",
    "link": f"{BASE}/submissions/1/messages",
    "request": False,
    "excerpt": "Bitte senden Sie die Kalkulation.",
    "settings_link": f"{BASE}/account/notifications",
}
DIGEST_MAIL = {
    "base_url": BASE,
    "threads": [{"title": "Grüne Welle <Süd>", "link": f"{BASE}/t/1", "messages": 1200}],
    "more": 3,
    "settings_link": f"{BASE}/account/notifications",
}


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("thread_message", THREAD_MAIL),
        ("thread_message", {**THREAD_MAIL, "request": True}),
        ("thread_digest", DIGEST_MAIL),
    ],
)
def test_thread_mails_render_in_both_languages(template, context, locale):
    subject, text, html = render_mail(template, locale=locale, context=context)
    _, english, _ = render_mail(template, locale="en", context=context)
    assert subject and "\n" not in subject
    assert (text != english) == (locale == "de")
    assert (
        f"{BASE}/account/notifications" in text and f'href="{BASE}/account/notifications"' in html
    )
    assert "Grüne Welle <Süd>" in text and "Grüne Welle &lt;Süd&gt;" in html and "<Süd>" not in html
    assert all(len(line) <= 76 or "://" in line for line in text.splitlines())
    if template == "thread_digest":
        assert ("1.200" if locale == "de" else "1,200") in text
