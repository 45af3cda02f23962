"""Announcements (issue 20, point 4): groups of a call, the preview with its count, the 202 of the
API, the job's mails (each person once, in their language, unsubscribed people skipped), the
staff pages, and 2,000 announcements through two workers to a local SMTP server."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from datetime import UTC, datetime
from uuid import UUID

import pytest

from challenge.calls.tables import Call
from challenge.jury.tables import Juror
from challenge.messages.announcements import audiences
from challenge.messages.announcements.people import copy_to_threads
from challenge.messages.announcements.service import run_announcement_job
from challenge.messages.tables import (
    Announcement,
    AnnouncementRecipient,
    Message,
    NotificationSetting,
)
from challenge.organisations.tables import Membership
from challenge.platform.accounts.tables import User
from challenge.platform.jobs.tables import Job
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.mail.worker import run_worker
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from tests.challenge.messages.thread_world import post_form as post_thread_form
from tests.challenge.platform.mail.test_mail import Inbox, drain, start_smtp
from tests.conftest import http_client, make_settings
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import api, login, make_user, post_form

TEXT = {
    "audience": "applicants",
    "subject": {"de": "Termine für den Pitch", "en": "Pitch dates"},
    "body": {
        "de": "Liebe Teams,\n\n**bitte** merken Sie vor.",
        "en": "Dear teams,\n\n**please** note.",
    },
}


async def call_id(call: dict) -> UUID:
    return (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]


async def proposal(call: dict, *, status="submitted", challenge=None, locale="de", members=1):
    """A team with ``members`` people and one proposal to the call; returns the member ids."""
    people = [await make_user(locale=locale) for _ in range(members)]
    team = await make_team(people[0]["id"], members=[p["id"] for p in people[1:]])
    submission = Submission(
        call=await call_id(call),
        organisation=team["id"],
        challenge=challenge["id"] if challenge else None,
        title="Vorschlag",
        status=status,
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )
    await submission.save()
    return [p["id"] for p in people], submission.id


@pytest.fixture
async def staff(app):
    async with http_client(app) as client:
        person = await make_user(roles=("staff",))
        await login(client, person["email"])
        client.person = person
        yield client


async def test_each_group_reaches_exactly_its_people(app):
    call = await make_call()
    cid = await call_id(call)
    unit_member = await make_user()
    unit = await make_unit(members=[unit_member["id"]])
    water = await make_challenge(call, "wasser", unit=unit)
    heat = await make_challenge(call, "hitze")
    draft, _ = await proposal(call, status="draft")
    withdrawn, _ = await proposal(call, status="withdrawn")
    water_team, water_entry = await proposal(call, challenge=water, members=2)
    heat_team, _ = await proposal(call, challenge=heat)
    await Decision(
        call=cid, submission=water_entry, outcome="development", created_at=datetime.now(UTC)
    ).save()
    whole, water_juror = await make_user(), await make_user()
    for person, judged in ((whole, []), (water_juror, [str(water["id"])])):
        await Juror(
            call=cid, user=person["id"], challenges=judged, invited_at=datetime.now(UTC)
        ).save()

    async def group(name):
        return await audiences.user_ids(cid, name)

    assert await group("applicants") == {*draft, *water_team, *heat_team}
    assert await group("submitted") == {*water_team, *heat_team}
    assert await group("challenge:wasser") == set(water_team)
    assert await group("development") == set(water_team)
    assert await group("jurors") == {whole["id"], water_juror["id"]}
    assert await group("jurors:hitze") == {whole["id"]}
    assert await group("units") == {unit_member["id"]}  # the other challenge's unit has none
    assert await group("partners") == set()  # partnerships' group: no contract yet
    assert not set(withdrawn) & await group("applicants")
    for bad in ("everyone", "challenge:", "challenge:nope", "jurors:nope", ""):
        with pytest.raises(Exception) as refused:
            await group(bad)
        assert getattr(refused.value, "code", "") == "audience_invalid", bad


async def test_the_api_previews_refuses_and_answers_202(app, staff):
    call = await make_call()
    await proposal(call, members=2)
    url = f"/api/v1/calls/{call['slug']}/announcements"
    preview = await api(staff, "POST", f"{url}/preview", TEXT)
    assert preview.status_code == 200, preview.text
    assert preview.json()["recipients"] == 2
    assert preview.json()["subject"] == TEXT["subject"]
    assert "bitte" in preview.json()["text"]["de"] and "please" in preview.json()["text"]["en"]
    before = await Announcement.count()
    missing = await api(staff, "POST", url, {**TEXT, "body": {"de": "Nur Deutsch", "en": " "}})
    assert missing.status_code == 422 and missing.json()["code"] == "announcement_invalid"
    assert [e["field"] for e in missing.json()["errors"]] == ["body_en"]
    wrong = await api(staff, "POST", url, {**TEXT, "audience": "alle"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "audience_invalid"
    assert await Announcement.count() == before  # nothing stored on refusal
    created = await api(staff, "POST", url, TEXT, headers={"Idempotency-Key": "eins"})
    assert created.status_code == 202, created.text
    retried = await api(staff, "POST", url, TEXT, headers={"Idempotency-Key": "eins"})
    assert retried.status_code == 202 and retried.json()["id"] == created.json()["id"]
    assert created.json()["recipients"] == 2 and created.json()["status"] == "queued"
    listed = (await api(staff, "GET", url)).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == created.json()["id"]
    async with http_client(app) as outsider:
        await login(outsider, (await make_user())["email"])
        assert (await api(outsider, "POST", url, TEXT)).status_code == 403


async def test_the_job_mails_each_person_once_in_their_language(app, settings, staff):
    call = await make_call()
    german, _ = await proposal(call, locale="de")
    english, _ = await proposal(call, locale="en")
    quiet, _ = await proposal(call)
    await NotificationSetting(
        user=quiet[0],
        announcements=False,
        unsubscribe_token=f"t-{quiet[0].hex}",
        updated_at=datetime.now(UTC),
    ).save()
    created = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/announcements", TEXT)
    announcement = UUID(created.json()["id"])
    job = {"payload": {"announcement": str(announcement)}}

    async def progress(done, total):
        pass

    await run_announcement_job(settings, job, progress)
    await run_announcement_job(settings, job, progress)  # again, as after a worker died
    emails = {
        row["id"]: row["email"]
        for row in await User.select(User.id, User.email).where(
            User.id.is_in([*german, *english, *quiet])
        )
    }
    mails = await OutboxMail.select().where(
        OutboxMail.to_address.is_in(list(emails.values())) & (OutboxMail.template == "announcement")
    )
    assert sorted(m["to_address"] for m in mails) == sorted([emails[german[0]], emails[english[0]]])
    by_address = {m["to_address"]: m for m in mails}
    assert by_address[emails[german[0]]]["subject"] == "Termine für den Pitch"
    assert by_address[emails[english[0]]]["subject"] == "Pitch dates"
    assert all(m["category"] == "announcement" for m in mails)
    assert "List-Unsubscribe" in by_address[emails[german[0]]]["headers"]
    rows = {
        r["user"]: r["status"]
        for r in await AnnouncementRecipient.select().where(
            AnnouncementRecipient.announcement == announcement
        )
    }
    assert rows == {german[0]: "mailed", english[0]: "mailed", quiet[0]: "unsubscribed"}
    done = await Announcement.select().where(Announcement.id == announcement).first()
    assert done["status"] == "sent" and done["recipients"] == 3
    # a copy in each person's own thread, the unsubscribed one's too, once despite the rerun
    copies = await Message.select(Message.body, Message.thread.subject_id.as_alias("person")).where(
        (Message.kind == "announcement")
        & Message.thread.subject_id.is_in([*german, *english, *quiet])
    )
    assert sorted(c["person"] for c in copies) == sorted([german[0], english[0], quiet[0]])
    assert {c["person"]: "Pitch dates" in c["body"] for c in copies}[english[0]]
    async with http_client(app) as reader:
        await login(reader, emails[english[0]])
        page = await reader.get("/messages", follow_redirects=True)
        assert (
            page.status_code == 200
            and "Pitch dates" in page.text
            and "<strong>please</strong>" in page.text
        )
        other = await reader.get(f"/messages/people/{german[0]}")
        assert other.status_code == 404 and "Termine" not in other.text


async def test_staff_preview_then_send_from_the_pages(app, staff):
    call = await make_call()
    await proposal(call, members=3)
    base = f"/staff/calls/{call['slug']}/announcements"
    empty = await staff.get(base)
    assert empty.status_code == 200 and "noch keine Mitteilungen" in empty.text
    form = {
        "audience": "submitted",
        "subject_de": "Hallo",
        "subject_en": "Hello",
        "body_de": "Text",
        "body_en": "",
    }
    refused = await post_form(staff, f"{base}/preview", form)
    assert refused.status_code == 422 and "höchstens 20.000 Zeichen" in refused.text
    preview = await post_form(staff, f"{base}/preview", {**form, "body_en": "Text"})
    assert preview.status_code == 200
    assert "Sie geht an 3 Personen." in preview.text and "An 3 Personen senden" in preview.text
    assert await Announcement.count().where(Announcement.call == await call_id(call)) == 0
    key = re.search(r'name="idempotency_key" value="([^"]+)"', preview.text).group(1)
    final = {**form, "body_en": "Text", "idempotency_key": key}
    sent = await post_form(staff, base, final, follow_redirects=True)
    assert sent.status_code == 200 and "wird versendet" in sent.text and "Hallo" in sent.text
    again = await post_form(staff, base, final, follow_redirects=True)  # a double click
    assert again.status_code == 200
    assert await Announcement.count().where(Announcement.call == await call_id(call)) == 1
    assert await Job.count().where(Job.kind == "announcement") >= 1


class CountingInbox(Inbox):
    """The local SMTP server's inbox, signalling once ``target`` mails have arrived."""

    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) >= self.target:
            self.arrived.set()
        return answer


async def test_two_thousand_announcements_reach_each_person_once(app, settings, staff, tmp_path):
    """2,000 people in one group, the job, then two mail workers against a local SMTP server:
    every mail arrives once, in the person's language; an unsubscribed person gets none."""
    await drain(settings, tmp_path / "before")
    call = await make_call()
    owner = await make_user()
    team = await make_team(owner["id"])
    now = datetime.now(UTC)
    people = [
        User(
            email=f"p{i}-{team['id'].hex[:8]}@example.org",
            name=f"P {i}",
            locale="en" if i % 4 == 0 else "de",
            created_at=now,
            updated_at=now,
        )
        for i in range(1999)
    ]
    await User.insert(*people)
    await Membership.insert(
        *(
            Membership(organisation=team["id"], user=p.id, role="member", created_at=now)
            for p in people
        )
    )
    await Submission(
        call=await call_id(call),
        organisation=team["id"],
        title="Groß",
        status="submitted",
        created_at=now,
        updated_at=now,
    ).save()
    await NotificationSetting(
        user=people[7].id,
        announcements=False,
        unsubscribe_token=f"t-{people[7].id.hex}",
        updated_at=now,
    ).save()
    created = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/announcements", TEXT)
    assert created.json()["recipients"] == 2000

    async def progress(done, total):
        pass

    await run_announcement_job(
        settings, {"payload": {"announcement": created.json()["id"]}}, progress
    )
    expected = {p.email: p.locale for i, p in enumerate(people) if i != 7} | {owner["email"]: "de"}
    inbox = CountingInbox(len(expected))
    controller = start_smtp(inbox)
    smtp = make_settings(  # the relay's rate limit has its own tests
        tmp_path / "data",
        settings.database_url,
        smtp_url=f"smtp://127.0.0.1:{controller.port}",
        mail_rate_per_minute="0",
    )
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(
            run_worker(smtp, stop=stop, worker_id=name, poll_interval=0.01, limit=50)
        )
        for name in ("worker-a", "worker-b")
    ]
    try:  # the SMTP server runs in a thread of its own: wait for its signal there
        assert await asyncio.to_thread(inbox.arrived.wait, 240), len(inbox.messages)
    finally:
        stop.set()
        await asyncio.gather(*workers)
        controller.stop()
    delivered = [rcpts[0] for rcpts, _ in inbox.messages]
    assert sorted(delivered) == sorted(expected)  # each exactly once, nobody else
    for rcpts, message in inbox.messages:
        wanted = "Pitch dates" if expected[rcpts[0]] == "en" else "Termine für den Pitch"
        assert message["Subject"] == wanted
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert people[7].email not in delivered


async def test_a_reply_in_the_persons_thread_reaches_staffs_list(app, staff):
    person = await make_user(name="Rita Antwort")
    quiet = await make_user(name="Stille Empfängerin")
    now = datetime.now(UTC)
    await copy_to_threads(
        staff.person["id"],
        {p["id"]: ("**Hinweis**", "<p>Hinweis</p>") for p in (person, quiet)},
        now,
    )
    listed = await staff.get("/staff/messages")
    assert "Rita Antwort" not in listed.text  # copies alone do not flood staff's list
    async with http_client(app) as client:
        await login(client, person["email"])
        thread = await client.get("/messages", follow_redirects=True)
        sent = await post_thread_form(client, thread.url.path, "Danke, ich komme.")
        assert sent.status_code in (200, 303), sent.text
    listed = await staff.get("/staff/messages")
    assert "Rita Antwort" in listed.text and "Stille Empfängerin" not in listed.text
    page = await staff.get(f"/messages/people/{person['id']}")
    assert page.status_code == 200 and "Danke, ich komme." in page.text


async def test_twenty_parallel_sends_with_one_key_make_one_announcement(app, staff):
    call = await make_call()
    await proposal(call)
    url = f"/api/v1/calls/{call['slug']}/announcements"
    answers = await asyncio.gather(
        *(api(staff, "POST", url, TEXT, headers={"Idempotency-Key": "parallel"}) for _ in range(20))
    )
    assert {a.status_code for a in answers} == {202}, [
        a.text for a in answers if a.status_code != 202
    ]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await Announcement.count().where(Announcement.call == await call_id(call)) == 1
    assert await Job.count().where(Job.subject == answers[0].json()["id"]) == 1


async def test_unsubscribing_takes_back_the_announcement_still_waiting(app, settings, staff):
    call = await make_call()
    (person,), _ = await proposal(call)
    (other,), _ = await proposal(call)
    created = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/announcements", TEXT)

    async def progress(done, total):
        pass

    await run_announcement_job(
        settings, {"payload": {"announcement": created.json()["id"]}}, progress
    )
    emails = {
        row["id"]: row["email"]
        for row in await User.select(User.id, User.email).where(User.id.is_in([person, other]))
    }
    waiting = await OutboxMail.select(OutboxMail.headers).where(
        (OutboxMail.to_address == emails[person]) & (OutboxMail.status == "pending")
    )
    (mail,) = waiting
    url = json.loads(mail["headers"])["List-Unsubscribe"].strip("<>")
    async with http_client(app) as anonymous:
        clicked = await anonymous.post(
            url.replace("http://portal.test", ""),
            content=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert clicked.status_code == 200, clicked.text
    assert not await OutboxMail.exists().where(
        (OutboxMail.to_address == emails[person]) & (OutboxMail.category == "announcement")
    )
    assert await OutboxMail.exists().where(OutboxMail.to_address == emails[other])  # theirs stays
    row = await AnnouncementRecipient.select().where(AnnouncementRecipient.user == person).first()
    assert row["status"] == "unsubscribed"


async def test_the_list_pages_by_twenty(app, staff):
    call = await make_call()
    cid = await call_id(call)
    for i in range(21):
        await Announcement(
            call=cid,
            audience="applicants",
            subject_de=f"Betreff {i:02d}",
            subject_en="Subject",
            body_de="Text",
            body_en="Text",
            created_at=datetime.now(UTC),
            recipients=1,
            status="sent",
        ).save()
    first = await staff.get(f"/staff/calls/{call['slug']}/announcements")
    assert "Seite 1 von 2" in first.text and "Betreff 00" not in first.text
    second = await staff.get(f"/staff/calls/{call['slug']}/announcements?page=2")
    assert "Seite 2 von 2" in second.text and "Betreff 00" in second.text
