"""Findings of the participation review on the discussion: no support lands on a problem while
it is merged (M2, 20 parallel requests), erasure reopens no closed report and blanked comments
no longer count (M3 and the lows), hidden comments cannot be reported, a malformed parent_id is
refused on the page, open data counts no blank comment and publishes no voting of a draft call
(M1)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.participation.opendata import service as opendata
from challenge.participation.tables import (
    CommentReport,
    PrizeCandidate,
    PrizeVoting,
    ProblemComment,
)
from challenge.platform import clock, privacy
from tests.challenge.participation.test_discussion_comments import comment_count, next_hour, url
from tests.challenge.participation.test_discussion_moderation import commented, reports
from tests.challenge.participation.test_discussion_supports import counts, make_problem, resident
from tests.challenge.participation.test_opendata import voting_world
from tests.challenge.participation.test_problems_moderation import moderate
from tests.conftest import http_client
from tests.support.web import api, post_form


async def test_supports_during_a_merge_all_end_up_counted_where_their_rows_are(app):
    source, target = await make_problem(title="Doppelt"), await make_problem(title="Ziel")
    supporters = [http_client(app) for _ in range(19)]
    async with http_client(app) as moderator:
        await resident(moderator, roles=("staff",))
        try:
            for client in supporters:
                await resident(client)
            support = f"/api/v1/participation/problems/{source['id']}/support"
            answers = await asyncio.gather(
                moderate(moderator, source["id"], decision="merge", into=str(target["id"])),
                *(api(client, "POST", support) for client in supporters),
            )
        finally:
            for client in supporters:
                await client.aclose()
    assert answers[0].status_code == 200, answers[0].text
    supported = [a for a in answers[1:] if a.status_code == 200]
    assert {a.status_code for a in answers[1:]} <= {200, 409}
    assert await counts(source["id"]) == (0, 0)  # nothing stays behind on the merged problem
    assert await counts(target["id"]) == (len(supported), len(supported))


async def test_erasure_reopens_no_closed_report_and_uncounts_blanked_comments(app):
    with clock.frozen(next_hour() + timedelta(days=9)):
        problem, comment = await commented(app, "Ein strittiger Satz")
        async with http_client(app) as reporter, http_client(app) as moderator:
            person = await resident(reporter)
            await api(reporter, "POST", f"/api/v1/comments/{comment['id']}/report")
            await resident(moderator, roles=("staff",))
            kept = await api(moderator, "POST", f"/api/v1/comments/{comment['id']}/keep")
            assert kept.status_code == 200
            assert await reports(comment["id"]) == (0, 1)
            # another person's report stays open; erasing the first reopens nothing
            async with http_client(app) as second:
                await resident(second)
                await api(second, "POST", f"/api/v1/comments/{comment['id']}/report")
            assert await reports(comment["id"]) == (1, 2)
            await privacy.erase(app.state.storage, person["email"])
            assert await reports(comment["id"]) == (1, 1)
    closed = await CommentReport.count().where(
        (CommentReport.comment == comment["id"]) & CommentReport.closed_at.is_not_null()
    )
    assert closed == 0  # the erased person's closed report went with them


async def test_a_blanked_comment_is_not_counted_nor_counted_again_when_shown(app):
    problem = await make_problem()
    async with http_client(app) as writer, http_client(app) as moderator:
        person = await resident(writer)
        for text in ("Erster Beitrag", "Zweiter Beitrag"):
            assert (await api(writer, "POST", url(problem), {"body": text})).status_code == 201
        assert await comment_count(problem["id"]) == 2
        [one, _two] = await ProblemComment.select(ProblemComment.id).where(
            ProblemComment.problem == problem["id"]
        )
        await resident(moderator, roles=("staff",))
        hide = f"/api/v1/comments/{one['id']}/hide"
        assert (await api(moderator, "POST", hide, {"reason": "Werbung"})).status_code == 200
        assert await comment_count(problem["id"]) == 1
        await privacy.erase(app.state.storage, person["email"])
        assert await comment_count(problem["id"]) == 0
        unhide = f"/api/v1/comments/{one['id']}/unhide"
        assert (await api(moderator, "POST", unhide)).status_code == 200
        assert await comment_count(problem["id"]) == 0
    listed = {row["id"]: row for row in await opendata.problems()}
    assert listed[str(problem["id"])]["comments"] == 0


async def test_a_hidden_comment_cannot_be_reported(app, client):
    _problem, comment = await commented(app)
    async with http_client(app) as moderator:
        await resident(moderator, roles=("staff",))
        hide = f"/api/v1/comments/{comment['id']}/hide"
        assert (await api(moderator, "POST", hide, {"reason": "Beleidigend"})).status_code == 200
    report = f"/api/v1/comments/{comment['id']}/report"
    refused = await api(client, "POST", report, {"reason": "Auch schlimm"})
    assert refused.status_code == 409 and refused.json()["code"] == "comment_hidden"
    await resident(client)
    assert (await api(client, "POST", report)).status_code == 409
    assert await reports(comment["id"]) == (0, 0)


async def test_a_malformed_parent_on_the_page_is_refused_with_the_text_kept(client):
    problem = await make_problem()
    await resident(client, name="Leser")
    answer = await post_form(
        client,
        f"/mitmachen/{problem['id']}/kommentare",
        {"body": "Meine Antwort", "parent_id": "kein-kommentar", "display_name": "Leser"},
    )
    assert answer.status_code == 422
    assert "Meine Antwort" in answer.text and "Den Kommentar, auf den Sie antworten" in answer.text
    assert await ProblemComment.count().where(ProblemComment.problem == problem["id"]) == 0


async def test_open_data_leaves_out_votings_of_draft_calls_and_private_challenges(app):
    closes = clock.now() - timedelta(days=1)
    call, _voters = await voting_world(closes)
    public_rows = await opendata.votes()
    mine = [row for row in public_rows if row["call"] == call["slug"]]
    assert mine and all(row["challenge"] for row in mine)
    voting = (
        await PrizeVoting.select(PrizeVoting.id)
        .where(PrizeVoting.call.slug == call["slug"])
        .first()
    )
    challenge_ids = [
        row["challenge"]
        for row in await PrizeCandidate.select(PrizeCandidate.challenge).where(
            PrizeCandidate.voting == voting["id"]
        )
    ]
    await Challenge.update({Challenge.status: "withdrawn"}).where(Challenge.id.is_in(challenge_ids))
    hidden_titles = [row for row in await opendata.votes() if row["call"] == call["slug"]]
    assert hidden_titles and all(row["challenge"] is None for row in hidden_titles)
    await Call.update({Call.status: "draft"}).where(Call.slug == call["slug"])
    assert not [row for row in await opendata.votes() if row["call"] == call["slug"]]
    async with http_client(app) as client:
        answer = await client.get("/opendata/participation/votes.csv")
    assert answer.status_code == 200 and call["slug"] not in answer.text


async def test_anonymous_reports_of_different_comments_from_one_address_each_count(app):
    _p, first = await commented(app, "Erster")
    _q, second = await commented(app, "Zweiter")
    with clock.frozen(next_hour() + timedelta(days=3)):
        async with http_client(app, ip="10.88.0.1") as visitor:
            for comment in (first, second, first):
                answer = await api(visitor, "POST", f"/api/v1/comments/{comment['id']}/report")
                assert answer.status_code == 200
    assert await reports(first["id"]) == (1, 1)
    assert await reports(second["id"]) == (1, 1)
    assert not await CommentReport.exists().where(CommentReport.reporter_ip_hash == "10.88.0.1")
