"""Writing comments: checked, rendered once (Markdown, sanitised) and counted.

Threads have one level: a reply to a reply joins the thread of the comment it answers. A reply
must answer a comment of the same problem that the moderators have not hidden (nor its thread).
The problem's comment_count counts the comments whose text is shown, replies included: it goes
up with a new comment, down when moderators hide one and up again when they show it again."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.participation import profiles
from challenge.participation.discussion import access, limits
from challenge.participation.policies import may_take_part
from challenge.participation.tables import ProblemComment, ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.i18n import N_
from challenge.platform.markdown import render_markdown
from challenge.platform.problems import FieldError, Problem

BODY_MAX = 2000
MORE = "UPDATE problems SET comment_count = comment_count + 1 WHERE id = {}"


def invalid(errors: list[FieldError]) -> Problem:
    """422 ``validation_error`` with these field errors."""
    return Problem(422, "validation_error", N_("Please check the marked fields."), errors=errors)


def checked(body: str, display_name: str | None) -> tuple[str, str | None]:
    """(text, chosen name or None) or 422 naming every field at fault."""
    text = (body or "").strip()
    errors = []
    if not text:
        errors.append(FieldError("body", N_("Please write your comment.")))
    elif len(text) > BODY_MAX:
        errors.append(FieldError("body", N_("A comment may have at most 2,000 characters.")))
    name = None
    if display_name and display_name.strip():
        try:
            name = profiles.clean_display_name(display_name)
        except Problem as problem:
            errors += problem.errors
    if errors:
        raise invalid(errors)
    return text, name


async def thread_of(problem_id: UUID, parent_id: UUID | None) -> UUID | None:
    """The thread a reply joins (its first comment's id), or None for a new thread."""
    if parent_id is None:
        return None
    parent = await access.comment_row(parent_id)
    if parent is None or parent["problem"] != problem_id:
        raise invalid(
            [FieldError("parent_id", N_("The comment you answer does not belong to this problem."))]
        )
    root = await access.comment_row(parent["parent"]) if parent["parent"] else parent
    if parent["hidden_at"] is not None or root is None or root["hidden_at"] is not None:
        raise invalid(
            [FieldError("parent_id", N_("The moderators hid this comment: it takes no replies."))]
        )
    return root["id"]


async def add(
    user: CurrentUser | None,
    problem_id: UUID,
    body: str,
    ip: str,
    parent_id: UUID | None = None,
    display_name: str | None = None,
) -> dict:
    """Write a comment (or a reply); a name given is chosen as the person's shown name."""
    if not may_take_part(user):
        raise Problem(401, "not_authenticated", N_("Please sign in to comment."))
    text, name = checked(body, display_name)
    await limits.commenting(user, ip)
    html = str(render_markdown(text))
    async with db.write_transaction():
        await access.locked_open_problem(user, problem_id)
        thread = await thread_of(problem_id, parent_id)
        if name:
            await profiles.set_display_name(user.id, name)
        comment = ProblemComment(
            problem=problem_id,
            parent=thread,
            author=user.id,
            body=text,
            body_html=html,
            created_at=clock.now(),
        )
        await comment.save()
        await ResidentProblem.raw(MORE, problem_id)
    return {
        "id": comment.id,
        "problem": problem_id,
        "parent": thread,
        "author": user.id,
        "body": text,
        "body_html": html,
        "created_at": comment.created_at,
        "report_count": 0,
        "hidden_at": None,
        "hidden_reason": "",
    }
