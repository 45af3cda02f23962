"""Demo supports and comments on the demo problems (challenge.participation.problems.demo, which
runs before this part): several residents support most published problems in differing numbers,
some comment and reply, one comment waits reported, one is hidden with a reason. Idempotent:
supports go through the unique index, comments are recognised by problem, author and text.
The demo problems are found as the published problems of demo accounts (@demo.leipzig.de, made by
challenge.participation.problems.demo), oldest first; the comments name theirs by title. Without
them nothing is added."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from challenge import db
from challenge.participation import profiles
from challenge.participation.discussion import demo_data
from challenge.participation.discussion.supports import INSERT
from challenge.participation.tables import CommentReport, ProblemComment, ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.services import create_verified_user
from challenge.platform.accounts.tables import User
from challenge.platform.markdown import render_markdown

DEMO_PASSWORD = "Leipzig-Demo-2026"  # the portal demo's (challenge.demo may not be imported)
DEMO_STAFF = "staff@demo.leipzig.de"
DEMO_DOMAIN = "%@demo.leipzig.de"
# supporters per published demo problem, in the order of PROBLEMS (the list sorts by them)
SUPPORTERS_PER_PROBLEM = (9, 11, 8, 4, 6, 10, 7, 3, 9, 5, 8, 2, 6, 3, 5, 1, 2)


async def _user_id(email: str) -> UUID | None:
    row = await User.select(User.id).where(User.email == email).first()
    return row["id"] if row else None


async def _people() -> tuple[dict[str, UUID], int]:
    """{e-mail: id} of the demo residents; this part's own are created when missing."""
    people, added = {}, 0
    for email, name, display in demo_data.SUPPORTERS:
        user_id = await _user_id(email)
        if user_id is None:
            user_id = await create_verified_user(email, name, DEMO_PASSWORD, "applicant")
            added += 1
            if display:
                await profiles.set_display_name(user_id, display)
        people[email] = user_id
    others = await User.select(User.id, User.email).where(
        User.email.is_in(list(demo_data.RESIDENTS))
    )
    people.update({row["email"]: row["id"] for row in others})
    return people, added


async def _published() -> dict[str, UUID]:
    """{title: id} of the demo residents' published problems, oldest first."""
    rows = (
        await ResidentProblem.select(ResidentProblem.id, ResidentProblem.title)
        .where(
            ResidentProblem.author.email.like(DEMO_DOMAIN) & (ResidentProblem.status == "published")
        )
        .order_by(ResidentProblem.published_at)
        .order_by(ResidentProblem.title)
    )
    return {row["title"]: row["id"] for row in rows}


async def _supports(problems: dict[str, UUID], people: dict[str, UUID]) -> int:
    supporters = list(people.values())
    added = 0
    for number, title in enumerate(problems):
        wanted = SUPPORTERS_PER_PROBLEM[number % len(SUPPORTERS_PER_PROBLEM)]
        async with db.write_transaction():
            new = 0
            for user_id in supporters[:wanted]:
                when = clock.now() - timedelta(days=(number * 7 + len(supporters)) % 20 + 1)
                new += len(
                    await ResidentProblem.raw(INSERT, uuid4(), problems[title], user_id, when)
                )
            if new:
                await ResidentProblem.raw(
                    "UPDATE problems SET support_count = support_count + {} WHERE id = {}",
                    new,
                    problems[title],
                )
        added += new
    return added


async def _comment(problem_id, author, days, text, parent=None, hidden=None, staff=None):
    """(id, added?) of a comment, written when it is not there yet."""
    found = (
        await ProblemComment.select(ProblemComment.id)
        .where(
            (ProblemComment.problem == problem_id)
            & (ProblemComment.author == author)
            & (ProblemComment.body == text)
        )
        .first()
    )
    if found:
        return found["id"], False
    when = clock.now() - timedelta(days=days)
    comment = ProblemComment(
        problem=problem_id,
        parent=parent,
        author=author,
        body=text,
        body_html=str(render_markdown(text)),
        created_at=when,
        hidden_at=when + timedelta(hours=3) if hidden else None,
        hidden_by=staff if hidden else None,
        hidden_reason=hidden or "",
    )
    async with db.write_transaction():
        await comment.save()
        if not hidden:
            await ResidentProblem.raw(
                "UPDATE problems SET comment_count = comment_count + 1 WHERE id = {}", problem_id
            )
    return comment.id, True


async def _comments(problems: dict[str, UUID], people: dict[str, UUID]) -> int:
    added = 0
    for title, email, days, text, replies in demo_data.COMMENTS:
        if title not in problems or email not in people:
            continue
        root, new = await _comment(problems[title], people[email], days, text)
        added += new
        for reply_email, reply_days, reply_text in replies:
            if reply_email in people:
                _id, new = await _comment(
                    problems[title], people[reply_email], reply_days, reply_text, parent=root
                )
                added += new
    return added + await _moderated(problems, people)


async def _moderated(problems: dict[str, UUID], people: dict[str, UUID]) -> int:
    """The hidden comment and the reported one (with its report)."""
    added = 0
    title, email, days, text, reason = demo_data.HIDDEN
    if title in problems and email in people:
        _id, new = await _comment(
            problems[title],
            people[email],
            days,
            text,
            hidden=reason,
            staff=await _user_id(DEMO_STAFF),
        )
        added += new
    title, email, days, text, reason = demo_data.REPORTED
    reporter = people.get(demo_data.SUPPORTERS[1][0])
    if title in problems and email in people and reporter:
        comment_id, new = await _comment(problems[title], people[email], days, text)
        if new:
            await CommentReport(
                comment=comment_id, reporter=reporter, reason=reason, created_at=clock.now()
            ).save()
            await ProblemComment.update({ProblemComment.report_count: 1}).where(
                ProblemComment.id == comment_id
            )
            added += 2
    return added


async def load_demo(settings) -> int:
    """Add what is missing of the demo's supports and comments; rows added."""
    problems = await _published()
    if not problems:
        return 0
    people, added = await _people()
    return added + await _supports(problems, people) + await _comments(problems, people)
