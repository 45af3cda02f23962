"""Rankings cached in the database (issue 25): a cached ranking is served without computing
again, on every page of the ranking; any change of a review (created, edited, finalised,
recused, deleted), a conflict (declared, lifted), the round's criteria, the planned awards or a
challenge's places makes it computed afresh; two requests computing at once both succeed."""

import asyncio
import uuid

import pytest
from msgspec.structs import astuple

from challenge.calls.services import get_call
from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.jury.services import round_of
from challenge.jury.tables import Review, Round
from challenge.results import cache, selection
from challenge.results.services import rankings_of
from challenge.results.tables import RankingCache
from challenge.submissions.tables import Submission
from tests.challenge.results.test_challenge_results import challenge_call
from tests.challenge.results.test_results import judged_call, staff  # noqa: F401
from tests.support.web import api


async def ranked(call: dict, **kwargs) -> tuple[dict, int]:
    """The mean ranking as {entry: score} and how many rankings were computed for it."""
    before = cache.computations
    result = await rankings_of(await get_call(call["slug"], include_drafts=True), **kwargs)
    scores = {e.entry: e.score for e in result.results["mean"].entries}
    return scores, cache.computations - before


async def first_review(call: dict, entry) -> dict:
    round_ = await round_of(call, 1)
    return (
        await Review.select()
        .where((Review.round == round_["id"]) & (Review.submission == entry["id"]))
        .first()
    )


async def test_a_cached_ranking_is_served_and_stored_once(app):
    call, items, _ = await judged_call(entries=4, jurors=3)
    first, computed = await ranked(call)
    assert computed == 1
    again, computed = await ranked(call)
    assert computed == 0 and again == first
    rows = await RankingCache.select().where(RankingCache.call == call["id"])
    assert [(r["round_number"], r["challenge_key"], r["method"]) for r in rows] == [(1, "", "mean")]
    assert len(rows[0]["fingerprint"]) == 64 and rows[0]["payload"]
    # a second method is computed once, the first still served
    _, computed = await ranked(call, methods=("mean", "normalized"))
    assert computed == 1
    _, computed = await ranked(call, methods=("normalized", "mean"))
    assert computed == 0


async def test_the_cached_ranking_equals_a_fresh_computation(app):
    call, _, _ = await judged_call(entries=5, jurors=3)
    computed = await rankings_of(call, methods=("median",))
    served = await rankings_of(call, methods=("median",))
    assert [astuple(e) for e in served.results["median"].entries] == [
        astuple(e) for e in computed.results["median"].entries
    ]
    assert served.results["median"].leniency == computed.results["median"].leniency
    assert served.results["median"].alpha == computed.results["median"].alpha
    assert served.jurors == computed.jurors and len(served.jurors) == 3


async def test_review_changes_invalidate_the_ranking(app):
    call, items, jury = await judged_call(entries=3, jurors=3)
    round_ = await round_of(call, 1)
    scores, _ = await ranked(call)
    entry = items[2]["id"]

    review = await first_review(call, items[2])  # edited
    await Review.update({Review.scores: {"impact": 10, "team": 5}}).where(Review.id == review["id"])
    edited, computed = await ranked(call)
    assert computed == 1 and edited[entry] > scores[entry]

    await Review.update({Review.status: "draft"}).where(Review.id == review["id"])
    reopened, computed = await ranked(call)  # (a final review leaving the set)
    assert computed == 1 and reopened[entry] != edited[entry]
    await Review.update({Review.status: "final"}).where(Review.id == review["id"])
    finalised, computed = await ranked(call)
    assert computed == 1 and finalised == edited

    extra = await Review(  # created
        round=round_["id"],
        juror=items[0]["owner"]["id"],
        submission=entry,
        scores={"impact": 0, "team": 1},
        status="final",
    ).save()
    created, computed = await ranked(call)
    assert computed == 1 and created[entry] < finalised[entry]

    await Review.delete().where(Review.id == extra[0]["id"])  # deleted
    deleted, computed = await ranked(call)
    assert computed == 1 and deleted == finalised

    await Submission.delete().where(Submission.id == items[1]["id"])  # deleted by cascade
    gone, computed = await ranked(call)
    assert computed == 1 and items[1]["id"] not in gone


async def test_a_draft_changes_nothing(app):
    call, items, _ = await judged_call(entries=2, jurors=2)
    round_ = await round_of(call, 1)
    await ranked(call)
    await Review(
        round=round_["id"],
        juror=items[0]["owner"]["id"],
        submission=items[0]["id"],
        scores={"impact": 0},
        status="draft",
    ).save()
    _, computed = await ranked(call)
    assert computed == 0


async def test_a_conflict_recuses_and_its_lifting_invalidates(app, staff):  # noqa: F811
    call, items, jury = await judged_call(entries=3, jurors=3)
    scores, _ = await ranked(call)
    declared = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/conflicts",
        {
            "juror_id": str(jury[0]["id"]),
            "submission_id": str(items[0]["id"]),
            "reason": "Befangen",
        },
    )
    assert declared.status_code == 201, declared.text
    recused, computed = await ranked(call)
    assert computed == 1 and recused[items[0]["id"]] != scores[items[0]["id"]]
    lifted = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/conflicts/{declared.json()['id']}/lift",
        {"reason": "Doch nicht befangen"},
    )
    assert lifted.status_code == 200, lifted.text
    after, computed = await ranked(call)
    assert computed == 1 and after == recused  # the recused review stays out


async def test_criteria_and_the_cutoff_invalidate(app):
    call, items, _ = await judged_call(entries=3, jurors=2, awards_planned=1)
    scores, _ = await ranked(call)
    round_ = await round_of(call, 1)
    criteria = [{**c, "weight": 1} for c in round_["criteria"]]
    await Round.update({Round.criteria: criteria}).where(Round.id == round_["id"])
    reweighted, computed = await ranked(call)
    assert computed == 1 and reweighted != scores
    await Call.update({Call.awards_planned: 2}).where(Call.id == call["id"])
    _, computed = await ranked(call)
    assert computed == 1
    _, computed = await ranked(call)
    assert computed == 0


async def test_a_challenges_places_invalidate_its_ranking(app):
    call, challenges, entries, _, _ = await challenge_call(sizes={"a": 3})
    chosen = await selection.challenge_of(call, "a")
    before = cache.computations
    await rankings_of(call, challenge=chosen)
    await rankings_of(call, challenge=chosen)
    assert cache.computations - before == 1
    await Challenge.update({Challenge.places: 1}).where(Challenge.id == challenges["a"]["id"])
    chosen = await selection.challenge_of(call, "a")
    result = await rankings_of(call, challenge=chosen)
    assert cache.computations - before == 2
    assert result.results["mean"].entries[0].entry == entries["a"][0]["id"]
    keys = {
        r["challenge_key"]
        for r in await RankingCache.select().where(RankingCache.call == call["id"])
    }
    assert keys == {"a"}


async def test_requests_computing_the_same_ranking_at_once_all_succeed(app):
    call, _, _ = await judged_call(entries=4, jurors=3)
    results = await asyncio.gather(*(rankings_of(call, methods=("trimmed",)) for _ in range(6)))
    assert len({tuple(e.score for e in r.results["trimmed"].entries) for r in results}) == 1
    rows = await RankingCache.select().where(RankingCache.call == call["id"])
    assert len(rows) == 1


async def test_an_unknown_method_is_refused_before_any_work(app):
    call, _, _ = await judged_call(entries=1, jurors=1)
    with pytest.raises(Exception, match="validation_error|invalid"):
        await rankings_of(call, methods=("best",))
    assert not await RankingCache.exists().where(RankingCache.call == call["id"])


async def test_the_ranking_page_shows_a_changed_review_and_pages_recompute_nothing(app, staff):  # noqa: F811
    call, items, _ = await judged_call(entries=2, jurors=3)
    slug = call["slug"]
    page = await staff.get(f"/staff/calls/{slug}/results")
    # entry 0: totals 83.3, 76.7 and 70.0 → mean 76,7 (see judged_call)
    assert page.status_code == 200 and "76,7" in page.text
    before = cache.computations
    assert (await staff.get(f"/staff/calls/{slug}/results?page=2")).status_code == 200
    assert (await staff.get(f"/staff/calls/{slug}/results?method=mean")).status_code == 200
    assert cache.computations == before
    await Review.update({Review.scores: {"impact": 10, "team": 5}}).where(
        Review.submission == items[0]["id"]
    )
    page = await staff.get(f"/staff/calls/{slug}/results")
    table = page.text.split('id="ranking"')[1].split("</table>")[0]
    assert 'kern-table__cell--numeric">100,0</td>' in table and "76,7" not in table
    assert cache.computations > before


async def test_the_juror_chart_aggregates_with_a_table_of_its_figures(app, staff):  # noqa: F811
    call, _, jury = await judged_call(entries=4, jurors=3)
    page = await staff.get(f"/staff/calls/{call['slug']}/results")
    chart = page.text.split('id="chart-jurors"')[1].split("</svg>")[0]
    assert chart.count("<rect") == 3 and "<circle" not in chart  # a box per juror, no dots
    jurors_table = page.text.split('id="chart-jurors"')[1].split("</table>")[0]
    for juror in jury:
        assert juror["name"] in jurors_table
    assert uuid.UUID(str(call["id"]))


def test_the_fingerprint_knows_the_rankings_resamples():
    """cache.RESAMPLES stands in for ranking.RESAMPLES (numpy loads with the first ranking)."""
    from challenge.results import ranking

    assert cache.RESAMPLES == ranking.RESAMPLES
