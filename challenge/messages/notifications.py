"""Who hears of a new thread message, and how (issue 20, point 5): by mail at once or in the daily
digest, as each person chose (challenge.messages.mailing.preferences); and what announcements
need from a person's settings (whether they want them, the one-click unsubscribe headers).

Thread mails thread in mail clients: ``In-Reply-To`` and ``References`` name the thread
(``<thread-{id}@{portal host}>``), each mail has its own Message-ID (the transport's). Nobody
answers by mail: the portal reads no mailbox, so no Reply-To is set (the From is a no-reply
address); the mail links straight to the thread and says to answer there. A question with a due
date (an information request, message kind "request") is a deadline: it is mailed at once to
everyone, whatever they chose, as a transactional mail."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit
from uuid import UUID

from challenge import db
from challenge.messages.mailing import digest, preferences
from challenge.messages.tables import InformationRequest
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.i18n import DEFAULT_LOCALE, LOCALES, format_datetime
from challenge.platform.mail.outbox import enqueue

EXCERPT_MAX = 2000  # characters of the message quoted in its mail


def _base_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}"


def thread_headers(thread_id: UUID, link: str) -> dict[str, str]:
    """The headers that put every mail of a thread into one conversation in mail clients."""
    reference = f"<thread-{thread_id}@{urlsplit(link).hostname or 'localhost'}>"
    return {"In-Reply-To": reference, "References": reference}


def excerpt(body: str) -> str:
    """The message as quoted in its mail: the text as written, shortened if long."""
    text = (body or "").strip()
    return text if len(text) <= EXCERPT_MAX else text[:EXCERPT_MAX].rstrip() + " […]"


async def _people(ids: list[UUID]) -> list[dict]:
    """The active accounts among these ids, in a fixed order."""
    rows = await User.select(User.id, User.email, User.locale).where(
        User.id.is_in(ids) & User.is_active.eq(True)
    )
    return sorted(rows, key=lambda row: str(row["id"]))


async def _due_at(message: dict):
    """The due date of the information request a question message asks (None if none)."""
    if not message.get("request"):
        return None
    row = (
        await InformationRequest.select(InformationRequest.due_at)
        .where(InformationRequest.id == message["request"])
        .first()
    )
    return row["due_at"] if row else None


async def message_posted(
    thread: dict, message: dict, recipients: Sequence[UUID], *, title: str, link: str
) -> int:
    """Inside the posting transaction: a mail to each recipient who wants thread mail at once
    (the others get it in their daily digest). ``title`` names the thread's subject for people
    (never a UUID); ``link`` is the absolute URL of the thread. Returns the mails written."""
    author = message.get("author")
    ids = list(dict.fromkeys(db.as_uuid(r) for r in recipients if r))
    ids = [i for i in ids if author is None or i != db.as_uuid(author)]
    if not ids:
        return 0
    request = message.get("kind") == "request"
    modes = await preferences.thread_mail_of(ids)
    base_url = _base_of(link)
    headers = thread_headers(db.as_uuid(thread["id"]), link)
    due_at = await _due_at(message) if request else None
    written, daily = 0, []
    for person in await _people(ids):
        if not request and modes[db.as_uuid(person["id"])] == "daily":
            daily.append(db.as_uuid(person["id"]))
            continue
        locale = person["locale"] if person["locale"] in LOCALES else DEFAULT_LOCALE
        await enqueue(
            person["email"],
            "thread_message",
            locale=locale,
            context={
                "due": format_datetime(due_at, locale) if due_at else "",
                "base_url": base_url,
                "title": title,
                "link": link,
                "request": request,
                "excerpt": excerpt(message.get("body", "")),
                # which message the mail quotes: erasing its author removes the mail too
                "message_id": str(message["id"]),
                "settings_link": f"{base_url}/account/notifications",
            },
            headers=headers,
            category="transactional" if request else "thread",
        )
        written += 1
    at = message.get("created_at") or clock.now()
    await digest.remember(daily, db.as_uuid(thread["id"]), at, title=title, link=link)
    return written


async def wants_announcements(user_ids: Iterable[UUID]) -> set[UUID]:
    """Those of these people who have not switched announcements off."""
    return await preferences.wants_announcements(user_ids)


def _unsubscribe_headers(url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
    }


async def announcement_headers(user_id: UUID, base_url: str) -> dict[str, str]:
    """The one-click unsubscribe headers of the person's announcement mails (RFC 2369 and 8058);
    the person's settings row is made on first use."""
    return (await announcement_headers_many([user_id], base_url))[db.as_uuid(user_id)]


async def announcement_headers_many(
    user_ids: Iterable[UUID], base_url: str
) -> dict[UUID, dict[str, str]]:
    """announcement_headers for many people at once (person id → headers), in a few queries."""
    urls = await preferences.unsubscribe_urls(user_ids, base_url)
    return {user_id: _unsubscribe_headers(url) for user_id, url in urls.items()}
