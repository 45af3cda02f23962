"""Who may see and change a submission: its team's members change it; staff read it."""

from __future__ import annotations

from challenge.organisations.policies import is_member
from challenge.platform.documents.policies import register_reader


def is_staff(user) -> bool:
    return user is not None and user.has_role("staff", "admin")


async def may_read(user, submission: dict) -> bool:
    return is_staff(user) or await is_member(user, submission["organisation"])


async def may_edit(user, submission: dict) -> bool:
    return await is_member(user, submission["organisation"])


async def _document_reader(user, document: dict) -> bool:
    from challenge.submissions.tables import Submission

    row = await Submission.select(Submission.organisation).where(Submission.id == document["owner_id"]).first()
    return row is not None and await may_read(user, row)


register_reader("submission", _document_reader)
