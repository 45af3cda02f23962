"""The discussion's demo data: supports and comments on the demo problems, counts matching the
rows, one hidden and one reported comment; loading again adds nothing."""

from __future__ import annotations

from challenge.participation.discussion import demo_data
from challenge.participation.discussion.demo import load_demo
from challenge.participation.problems.demo import demo as load_problems
from challenge.participation.problems.demo_data import PROBLEMS
from challenge.participation.tables import ProblemComment, ProblemSupport, ResidentProblem

TITLES = [entry[1] for entry in PROBLEMS]


async def test_demo_supports_and_comments_are_idempotent(app, settings):
    # another test may have loaded the whole demo before: start from fresh demo problems
    await ResidentProblem.delete().where(ResidentProblem.title.is_in(list(TITLES)))
    await load_problems(settings)
    try:
        await _check(settings)
    finally:
        # the demo problems go again (with their supports and comments): the problems part's
        # own tests change and load them in their order
        await ResidentProblem.delete().where(ResidentProblem.title.is_in(list(TITLES)))


async def _check(settings) -> None:
    assert await load_demo(settings) > 0
    assert await load_demo(settings) == 0
    title = demo_data.COMMENTS[0][0]
    problem = await ResidentProblem.select().where(ResidentProblem.title == title).first()
    supports = await ProblemSupport.count().where(ProblemSupport.problem == problem["id"])
    shown = await ProblemComment.count().where(
        (ProblemComment.problem == problem["id"]) & ProblemComment.hidden_at.is_null()
    )
    assert problem["support_count"] == supports > 5
    assert problem["comment_count"] == shown == 3
    hidden = await ProblemComment.select().where(ProblemComment.body == demo_data.HIDDEN[3]).first()
    assert hidden["hidden_reason"] == demo_data.HIDDEN[4]
    reported = (
        await ProblemComment.select().where(ProblemComment.body == demo_data.REPORTED[3]).first()
    )
    assert reported["report_count"] == 1 and reported["hidden_at"] is None
