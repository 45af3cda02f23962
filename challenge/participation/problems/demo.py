"""Demo problems (challenge.participation.problems.demo_data): five residents with display names
and about twenty problems in several districts and topics — most published, two waiting for
moderation, one declined with a reason. Idempotent: what exists (by e-mail, by title) stays."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from challenge import db
from challenge.participation import profiles
from challenge.participation.problems.demo_data import PROBLEMS, RESIDENTS
from challenge.participation.tables import ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.services import create_verified_user
from challenge.platform.accounts.tables import User
from challenge.platform.markdown import render_markdown

# the portal demo's password (challenge.demo.DEMO_PASSWORD; participation may not import it)
DEMO_PASSWORD = "Leipzig-Demo-2026"
DEMO_STAFF = "staff@demo.leipzig.de"


async def _user_id(email: str) -> UUID | None:
    row = await User.select(User.id).where(User.email == email).first()
    return row["id"] if row else None


async def _residents() -> tuple[list[UUID], int]:
    """The residents' account ids (created when missing) and how many rows were added."""
    ids, added = [], 0
    for email, name, display in RESIDENTS:
        user_id = await _user_id(email)
        if user_id is None:
            user_id = await create_verified_user(email, name, DEMO_PASSWORD, "applicant")
            added += 1
        if await profiles.display_name(user_id) is None:
            await profiles.set_display_name(user_id, display)
            added += 1
        ids.append(user_id)
    return ids, added


def _problem(entry: tuple, author: UUID, staff: UUID | None, now) -> ResidentProblem:
    index, title, district, topic, status, days, description, reason = entry
    created = now - timedelta(days=days)
    moderated = created + timedelta(days=1) if status != "pending" else None
    return ResidentProblem(
        author=author,
        title=title,
        description=description,
        description_html=str(render_markdown(description)),
        district=district,
        topic=topic,
        status=status,
        reason=reason,
        moderated_by=staff if moderated else None,
        moderated_at=moderated,
        created_at=created,
        published_at=moderated if status == "published" else None,
    )


async def demo(settings) -> int:
    """Add what is missing of the demo residents and problems; the number of rows added."""
    residents, added = await _residents()
    staff = await _user_id(DEMO_STAFF)
    now = clock.now()
    existing = {
        row["title"]
        for row in await ResidentProblem.select(ResidentProblem.title).where(
            ResidentProblem.title.is_in([entry[1] for entry in PROBLEMS])
        )
    }
    async with db.write_transaction():
        for entry in PROBLEMS:
            if entry[1] in existing:
                continue
            await _problem(entry, residents[entry[0]], staff, now).save()
            added += 1
    return added
