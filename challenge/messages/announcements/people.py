"""A person's own thread with the city (subject "person"): where announcements land as copies
(jurors, units and partners have no proposal thread, and every recipient finds them in one place),
and where the person may answer. Readers: the person and staff; never anyone else.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.messages.pages import Notice, post_message, thread_page
from challenge.messages.tables import Message, Thread
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.policies import is_staff
from challenge.platform.accounts.tables import User
from challenge.platform.accounts.web import current_user
from challenge.platform.i18n import N_, gettext
from challenge.platform.pagination import Page

SUBJECT = "person"
PAGE = "/messages/people/{id}"
TITLE = N_("Messages from the city")


async def person_access(user, person_id: UUID) -> dict | None:
    """The thread subject "person": the person (side "person") and staff (side "staff")."""
    if user is None:
        return None
    own = user.id == person_id
    if not own and not is_staff(user):
        return None
    person = await User.select(User.name, User.locale).where(User.id == person_id).first()
    if person is None:
        return None
    # one title for both sides (the page and the other side's mails): whose thread it is
    title = f"{gettext(TITLE, person['locale'] or 'de')} – {person['name']}"
    if own:
        return {
            "side": "person",
            "call_id": None,
            "title": title,
            "href": "/dashboard",
            "members": [],
        }
    return {
        "side": "staff",
        "call_id": None,
        "title": title,
        "href": "/staff/messages",
        "members": [person_id],
    }


async def copy_to_threads(
    author_id: UUID | None, copies: dict[UUID, tuple[str, str]], now: datetime
) -> None:
    """Inside the announcement's write transaction: each person's copy (body, sanitised HTML)
    in their own thread, made if needed — in a few statements for the whole batch. No mail:
    the announcement mail itself is the notification."""
    if not copies:
        return
    people = list(copies)
    await Thread.insert(
        *(
            Thread(
                id=uuid.uuid4(),
                subject_type=SUBJECT,
                subject_id=person,
                call=None,
                created_at=now,
                last_message_at=now,
                message_count=0,
            )
            for person in people
        )
    ).on_conflict(target=(Thread.subject_type, Thread.subject_id), action="DO NOTHING")
    found = await Thread.select(Thread.id, Thread.subject_id).where(
        (Thread.subject_type == SUBJECT) & Thread.subject_id.is_in(people)
    )
    thread_of = {row["subject_id"]: row["id"] for row in found}
    await Thread.update(
        {Thread.last_message_at: now, Thread.message_count: Thread.message_count + 1}
    ).where(Thread.id.is_in(list(thread_of.values())))
    await Message.insert(
        *(
            Message(
                id=uuid.uuid4(),
                thread=thread_of[person],
                author=author_id,
                side="staff",
                kind="announcement",
                body=body,
                body_html=html,
                created_at=now,
            )
            for person, (body, html) in copies.items()
        )
    )


class PersonThreadPages(Controller):
    """/messages: the signed-in person's thread with the city; staff read anyone's."""

    include_in_schema = False
    guards = [login_required]

    @get("/messages", name="my_messages")
    async def mine(self, request: Request) -> Redirect:
        return Redirect(PAGE.format(id=current_user(request).id), status_code=303)

    @get("/messages/people/{person_id:uuid}", name="person_messages")
    async def thread(
        self, request: Request, person_id: FromPath[UUID], page: Page = 1, notice: Notice = None
    ) -> Template:
        return await thread_page(request, (SUBJECT, person_id), page, notice=notice)

    @post("/messages/people/{person_id:uuid}", request_max_body_size=None)
    async def write(self, request: Request, person_id: FromPath[UUID]) -> Template | Redirect:
        return await post_message(request, (SUBJECT, person_id))
