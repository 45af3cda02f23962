"""A person's participation data for the privacy export (Art. 15/20) and erasure (Art. 17).

Erasure, inside the erasure's write transaction:
- the profile (the shown name), the supports (the problems' support counts recounted) and the
  reports of comments are deleted (the people's prize votes are the prize part's: they keep
  counting, without IP address and mail domain — challenge.participation.prize.privacy);
- comments stay as part of the discussion others answered, but blank and without author
  (a reply keeps its place in the thread);
- problems the person proposed: a published (or merged, or taken down) problem is part of the
  public record —
  others supported it, discussed it, and it may have become a challenge — so its text stays and
  it no longer names an author; a pending or declined one was never public and is deleted with
  its photo or PDF (the orphan clean-up removes the file's bytes)."""

from __future__ import annotations

from uuid import UUID

from challenge.participation.tables import (
    CommentReport,
    ParticipantProfile,
    ProblemComment,
    ProblemSupport,
    ResidentProblem,
)
from challenge.platform.documents.tables import Document

KEPT = ("published", "merged", "withdrawn")


async def export(user_id: UUID) -> dict:
    """The person's profile, problems, supports, comments and reports (their votes: the prize
    part's export)."""
    profile = await ParticipantProfile.select(
        ParticipantProfile.display_name, ParticipantProfile.created_at
    ).where(ParticipantProfile.user == user_id)
    problems = await ResidentProblem.select(
        ResidentProblem.id,
        ResidentProblem.title,
        ResidentProblem.description,
        ResidentProblem.district,
        ResidentProblem.topic,
        ResidentProblem.status,
        ResidentProblem.reason,
        ResidentProblem.created_at,
        ResidentProblem.published_at,
    ).where(ResidentProblem.author == user_id)
    supports = await ProblemSupport.select(
        ProblemSupport.problem,
        ProblemSupport.problem.title.as_alias("problem_title"),
        ProblemSupport.created_at,
    ).where(ProblemSupport.user == user_id)
    comments = await ProblemComment.select(
        ProblemComment.id,
        ProblemComment.problem,
        ProblemComment.parent,
        ProblemComment.body,
        ProblemComment.created_at,
        ProblemComment.hidden_at,
        ProblemComment.hidden_reason,
    ).where(ProblemComment.author == user_id)
    reports = await CommentReport.select(
        CommentReport.comment, CommentReport.reason, CommentReport.created_at
    ).where(CommentReport.reporter == user_id)
    return {
        "participant_profile": profile[0] if profile else None,
        "problems": problems,
        "problem_supports": supports,
        "problem_comments": comments,
        "comment_reports": reports,
    }


def _marks(ids: list) -> str:
    return ", ".join("{}" for _ in ids)


async def _recount_supports(problem_ids: list[UUID]) -> None:
    if problem_ids:
        await ResidentProblem.raw(
            "UPDATE problems SET support_count = (SELECT COUNT(*) FROM problem_supports s"
            f" WHERE s.problem = problems.id) WHERE id IN ({_marks(problem_ids)})",
            *problem_ids,
        )


async def _recount_reports(comment_ids: list[UUID]) -> None:
    """report_count counts open reports (closed ones stay closed: erasure reopens nothing)."""
    if comment_ids:
        await ProblemComment.raw(
            "UPDATE problem_comments SET report_count = (SELECT COUNT(*) FROM comment_reports r"
            " WHERE r.comment = problem_comments.id AND r.closed_at IS NULL)"
            f" WHERE id IN ({_marks(comment_ids)})",
            *comment_ids,
        )


async def _recount_comments(problem_ids: list[UUID]) -> None:
    """comment_count counts the shown comments with a text (blanked ones no longer)."""
    if problem_ids:
        await ResidentProblem.raw(
            "UPDATE problems SET comment_count = (SELECT COUNT(*) FROM problem_comments c"
            " WHERE c.problem = problems.id AND c.hidden_at IS NULL AND c.body <> '')"
            f" WHERE id IN ({_marks(problem_ids)})",
            *problem_ids,
        )


async def _erase_problems(user_id: UUID) -> tuple[int, int]:
    """(problems kept without author, problems deleted)."""
    gone = (
        await ResidentProblem.delete()
        .where((ResidentProblem.author == user_id) & ResidentProblem.status.not_in(list(KEPT)))
        .returning(ResidentProblem.id, ResidentProblem.document)
    )
    files = [row["document"] for row in gone if row["document"] is not None]
    if files:
        await Document.delete().where(Document.id.is_in(files))
    kept = (
        await ResidentProblem.update({ResidentProblem.author: None})
        .where(ResidentProblem.author == user_id)
        .returning(ResidentProblem.id)
    )
    return len(kept), len(gone)


async def erase(user_id: UUID, address: str) -> dict:
    """Inside the erasure's transaction (see the module's description); {kind: rows}."""
    supported = (
        await ProblemSupport.delete()
        .where(ProblemSupport.user == user_id)
        .returning(ProblemSupport.problem)
    )
    reported = (
        await CommentReport.delete()
        .where(CommentReport.reporter == user_id)
        .returning(CommentReport.comment)
    )
    blanked = (
        await ProblemComment.update(
            {ProblemComment.body: "", ProblemComment.body_html: "", ProblemComment.author: None}
        )
        .where(ProblemComment.author == user_id)
        .returning(ProblemComment.id, ProblemComment.problem)
    )
    kept, deleted = await _erase_problems(user_id)
    await _recount_supports(list({row["problem"] for row in supported}))
    await _recount_reports(list({row["comment"] for row in reported}))
    await _recount_comments(list({row["problem"] for row in blanked}))
    profiles = (
        await ParticipantProfile.delete()
        .where(ParticipantProfile.user == user_id)
        .returning(ParticipantProfile.id)
    )
    return {
        "participant_profiles": len(profiles),
        "problem_supports": len(supported),
        "comment_reports": len(reported),
        "problem_comments_blanked": len(blanked),
        "problems_kept_without_author": kept,
        "problems_deleted": deleted,
    }
