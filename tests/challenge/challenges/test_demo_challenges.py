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


async def test_demo_jurors_judge_chosen_challenges(app, settings):
    from challenge.jury.tables import Assignment, Juror
    from challenge.platform.accounts.tables import User

    await load_demo(settings=settings)
    call = await Call.select(Call.id).where(Call.slug == "klimaanpassung-im-quartier").first()
    keys = {
        str(c["id"]): c["key"]
        for c in await Challenge.select(Challenge.id, Challenge.key).where(
            Challenge.call == call["id"]
        )
    }
    jurors = (
        await Juror.select(Juror.user, Juror.challenges)
        .where(Juror.call == call["id"])
        .output(load_json=True)
    )
    scopes = {}
    for juror in jurors:
        email = (await User.select(User.email).where(User.id == juror["user"]).first())["email"]
        scopes[email] = sorted(keys[c] for c in juror["challenges"])
    assert scopes["m.vogt@htwk.example"] == []  # the whole call
    assert scopes["d.sommer@wasserwerke.example"] == ["starkregen"]
    sommer = await User.select(User.id).where(User.email == "d.sommer@wasserwerke.example").first()
    assigned = await Assignment.select(Assignment.submission.challenge.key.as_alias("key")).where(
        (Assignment.juror == sommer["id"]) & (Assignment.submission.call == call["id"])
    )
    assert assigned and {a["key"] for a in assigned} == {"starkregen"}
