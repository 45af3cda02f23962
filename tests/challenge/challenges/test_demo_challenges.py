"""The demo (issue 17, point 7): the open call has three challenges from three owners with
proposals spread unevenly (one challenge with only two), last year's call has challenges with
published results."""

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.demo import load_demo
from challenge.submissions.tables import Submission


async def test_demo_calls_have_challenges_with_uneven_proposals(app, settings):
    await load_demo(settings=settings)
    open_call = await Call.select(Call.id).where(Call.slug == "klimaanpassung-im-quartier").first()
    challenges = await Challenge.select(
        Challenge.id, Challenge.key, Challenge.unit, Challenge.places
    ).where(Challenge.call == open_call["id"])
    assert sorted(c["key"] for c in challenges) == ["hitzewarnung", "stadtbaeume", "starkregen"]
    assert len({c["unit"] for c in challenges}) == 3
    submitted = {
        c["key"]: await Submission.count().where(
            (Submission.challenge == c["id"]) & (Submission.status == "submitted")
        )
        for c in challenges
    }
    assert submitted["stadtbaeume"] == 2 < challenges[0]["places"]
    assert min(submitted.values()) == 2 and max(submitted.values()) > 3
    assert not await Submission.exists().where(
        (Submission.call == open_call["id"]) & Submission.challenge.is_null()
    )
    past = await Call.select(Call.id, Call.status).where(Call.slug == "mobilitaet-2025").first()
    assert past["status"] == "results_published"
    assert await Challenge.count().where(Challenge.call == past["id"]) == 2
    assert not await Submission.exists().where(
        (Submission.call == past["id"]) & Submission.challenge.is_null()
    )
