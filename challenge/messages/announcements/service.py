"""Announcements: check, preview, create, and the job that writes the mails.

Staff write subject and body (Markdown) in German and English. The preview counts the people
the group reaches and shows both mails. Creating one starts a background job ("announcement")
that walks the group in batches: per batch, in one write transaction, it inserts the recipient
rows (``INSERT … ON CONFLICT DO NOTHING`` on the unique index announcement_recipients_once) and
writes a mail only for the rows that insert returned — so a job that runs again after its
worker died, or two workers, never mail anyone twice. People who turned announcements off get
no mail (their row says so). The outbox worker delivers at the relay's pace
(CHALLENGE_MAIL_RATE_PER_MINUTE).
"""

from __future__ import annotations

import uuid
from uuid import UUID

from challenge import db
from challenge.messages.announcements import audiences
from challenge.messages.announcements.people import copy_to_threads
from challenge.messages.tables import Announcement, AnnouncementRecipient
from challenge.platform import clock, idempotency
from challenge.platform.accounts.tables import User
from challenge.platform.audit.service import record
from challenge.platform.i18n import LOCALES, N_
from challenge.platform.jobs import service as jobs
from challenge.platform.mail.outbox import enqueue, render_mail
from challenge.platform.markdown import render_markdown
from challenge.platform.pagination import page_within
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security import ratelimit
from challenge.settings import Settings

SUBJECT_MAX = 200
BODY_MAX = 20_000
BATCH = 100
PAGE_SIZE = 20
PER_STAFF = ratelimit.Limit("announce-user", 20, 60 * 60)  # announcements one person starts
JOB_KIND = "announcement"


def check(audience: str, subject: dict, body: dict) -> None:
    """422 ``announcement_invalid`` naming each empty or too long field (both languages are
    required: every recipient reads it in their own)."""
    audiences.parse(audience)
    errors = []
    for locale in LOCALES:
        title, text = (subject.get(locale) or "").strip(), (body.get(locale) or "").strip()
        if not title or len(title) > SUBJECT_MAX or "\n" in title:
            errors.append(
                FieldError(f"subject_{locale}", N_("Enter a subject of up to 200 characters."))
            )
        if not text or len(text) > BODY_MAX:
            errors.append(
                FieldError(f"body_{locale}", N_("Enter a text of up to 20,000 characters."))
            )
    if errors:
        raise Problem(
            422, "announcement_invalid", N_("Please check the announcement."), errors=errors
        )


async def active_recipients(call_id: UUID, audience: str) -> list[dict]:
    """Active accounts in the group: id, e-mail and language, in a stable order."""
    ids = sorted(await audiences.user_ids(call_id, audience))
    found: list[dict] = []
    for start in range(0, len(ids), 500):
        found += (
            await User.select(User.id, User.email, User.locale)
            .where(User.id.is_in(ids[start : start + 500]) & (User.is_active == True))  # noqa: E712
            .order_by(User.id)
        )
    return found


def mail_context(call: dict, subject: str, body: str, settings: Settings) -> dict:
    """The announcement mail's context in one language."""
    return {
        "heading": subject.strip(),
        "body": body.strip(),
        "call": call["title"],
        "link": f"{settings.base_url}/calls/{call['slug']}",
        "base_url": settings.base_url,
    }


async def preview(call: dict, audience: str, subject: dict, body: dict, settings: Settings):
    """The number of people reached and the mail in each language (subject, text, HTML)."""
    check(audience, subject, body)
    people = await active_recipients(call["id"], audience)
    mails = {
        locale: render_mail(
            "announcement",
            locale=locale,
            context={
                **mail_context(call, subject[locale], body[locale], settings),
                "unsubscribe_url": f"{settings.base_url}/unsubscribe/…",
            },
        )
        for locale in LOCALES
    }
    return {"recipients": len(people), "mails": mails}


async def create(
    actor, call: dict, audience: str, subject: dict, body: dict, *, key: str | None = None
) -> dict:
    """Record the announcement and start its job; answers the row with the count reached.

    ``key`` (the preview form's hidden field, or the API's Idempotency-Key header) makes a
    second send of the same form — a double click, the back button — answer the announcement
    the first one made instead of mailing everyone again: the key is stored in the same
    transaction (unique per person and key), so of two parallel sends one writes."""
    check(audience, subject, body)
    claim = idempotency.claim_for(
        actor.id,
        None if key is None else f"announcement:{key}",
        "POST /calls/{slug}/announcements",
        str(call["id"]),
        {"audience": audience, "subject": subject, "body": body},
    )
    done = await idempotency.lookup(claim)
    if done:
        return await get(UUID(done["result"]["announcement"]))
    verdict = await ratelimit.hit(PER_STAFF, str(actor.id))
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    count = len(await active_recipients(call["id"], audience))
    if not count:
        raise audiences.invalid(N_("Nobody is in this group yet."))
    try:
        row = await _record(actor, call, audience, subject, body, count, claim)
    except Exception as error:
        if claim is None or not db.is_unique_violation(error):
            raise
        done = await idempotency.lookup(claim)  # a parallel send with the same key wrote first
        return await get(UUID(done["result"]["announcement"]))
    return await get(row.id)


async def _record(actor, call, audience, subject, body, count, claim) -> Announcement:
    """The announcement, its audit entry, its key and its job, in one write transaction."""
    async with db.write_transaction():
        row = Announcement(
            call=call["id"],
            audience=audience.strip(),
            subject_de=subject["de"].strip(),
            subject_en=subject["en"].strip(),
            body_de=body["de"].strip(),
            body_en=body["en"].strip(),
            created_by=actor.id,
            created_at=clock.now(),
            recipients=count,
            status="queued",
        )
        await row.save()
        await record(
            "announcement.created",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"announcement": str(row.id), "audience": row.audience, "recipients": count},
        )
        await idempotency.record_effect(claim, {"announcement": str(row.id)})
        await jobs.submit(JOB_KIND, str(row.id), actor=actor, payload={"announcement": str(row.id)})
    return row


async def get(announcement_id: UUID) -> dict | None:
    """One announcement with how many mails it has written so far."""
    row = await Announcement.select().where(Announcement.id == announcement_id).first()
    if row:
        row["mailed"] = await AnnouncementRecipient.count().where(
            (AnnouncementRecipient.announcement == announcement_id)
            & (AnnouncementRecipient.status == "mailed")
        )
    return row


async def of_call(call_id: UUID, page: int = 1) -> dict:
    """One page of the call's announcements, newest first: {items, total, page, pages}."""
    where = Announcement.call == call_id
    total = await Announcement.count().where(where)
    page, pages = page_within(page, total, PAGE_SIZE)
    rows = (
        await Announcement.select()
        .where(where)
        .order_by(Announcement.created_at, ascending=False)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return {"items": rows, "total": total, "page": page, "pages": pages}


async def _insert_new(announcement_id: UUID, people: list[dict]) -> set[UUID]:
    """Recipient rows for these people; the ids of the rows this call added (not before)."""
    now = clock.now()
    rows = (
        await AnnouncementRecipient.insert(
            *(
                AnnouncementRecipient(
                    id=uuid.uuid4(),
                    announcement=announcement_id,
                    user=person["id"],
                    locale=person["locale"],
                    status="queued",
                    created_at=now,
                )
                for person in people
            )
        )
        .on_conflict(
            target=(AnnouncementRecipient.announcement, AnnouncementRecipient.user),
            action="DO NOTHING",
        )
        .returning(AnnouncementRecipient.user)
    )
    return {db.as_uuid(row["user"]) for row in rows}


async def _write_batch(settings: Settings, row: dict, call: dict, people: list[dict]) -> None:
    """One batch in one write transaction: recipient rows, thread copies, mails."""
    from challenge.messages import notifications

    async with db.write_transaction():
        new = await _insert_new(row["id"], people)
        if not new:
            return
        await copy_to_threads(row["created_by"], _copies(row, people, new), clock.now())
        wanted = await notifications.wants_announcements(list(new))
        if new - wanted:
            await AnnouncementRecipient.update(
                {AnnouncementRecipient.status: "unsubscribed"}
            ).where(
                (AnnouncementRecipient.announcement == row["id"])
                & AnnouncementRecipient.user.is_in(list(new - wanted))
            )
        if not wanted:
            return
        headers = await notifications.announcement_headers_many(list(wanted), settings.base_url)
        for person in people:
            if person["id"] in wanted:
                await _mail_one(settings, row, call, person, headers[person["id"]])


def _copies(row: dict, people: list[dict], new: set[UUID]) -> dict[UUID, tuple[str, str]]:
    """Each new recipient's copy in their language: Markdown and its sanitised HTML."""
    copies = {}
    for person in people:
        if person["id"] in new:
            locale = person["locale"] if person["locale"] in LOCALES else "de"
            body = f"**{row[f'subject_{locale}']}**\n\n{row[f'body_{locale}']}"
            copies[person["id"]] = (body, str(render_markdown(body)))
    return copies


async def _mail_one(
    settings: Settings, row: dict, call: dict, person: dict, headers: dict[str, str]
) -> None:
    locale = person["locale"] if person["locale"] in LOCALES else "de"
    mail_id = await enqueue(
        person["email"],
        "announcement",
        locale=locale,
        context={
            **mail_context(call, row[f"subject_{locale}"], row[f"body_{locale}"], settings),
            "unsubscribe_url": headers.get("List-Unsubscribe", "").strip("<>"),
        },
        headers=headers,
        category="announcement",
        scope=str(call["id"]),  # staff's version of the announcement mail for this call, if any
    )
    await AnnouncementRecipient.update(
        {AnnouncementRecipient.status: "mailed", AnnouncementRecipient.mail: mail_id}
    ).where(
        (AnnouncementRecipient.announcement == row["id"])
        & (AnnouncementRecipient.user == person["id"])
    )


async def run_announcement_job(settings: Settings, job: dict, progress) -> None:
    """Write the announcement's mails, batch by batch; people done before are skipped."""
    from challenge.calls.tables import Call

    row = (
        await Announcement.select()
        .where(Announcement.id == UUID(job["payload"]["announcement"]))
        .first()
    )
    if row is None:
        return
    call = await Call.select(Call.id, Call.title, Call.slug).where(Call.id == row["call"]).first()
    people = await active_recipients(row["call"], row["audience"])
    await Announcement.update({Announcement.status: "sending"}).where(Announcement.id == row["id"])
    for start in range(0, len(people), BATCH):
        await _write_batch(settings, row, call, people[start : start + BATCH])
        await progress(min(start + BATCH, len(people)), len(people))
    reached = await AnnouncementRecipient.count().where(
        AnnouncementRecipient.announcement == row["id"]
    )
    await Announcement.update(
        {Announcement.status: "sent", Announcement.recipients: reached}
    ).where(Announcement.id == row["id"])
