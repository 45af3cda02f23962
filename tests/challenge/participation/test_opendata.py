"""Participation's open data (issue 21, point 6): published problems with supports and visible
comments, people's prize results after the close (valid and voided votes counted apart), under
the open-data licence — never an address, an account id or a hidden comment."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from challenge.calls.tables import Call
from challenge.participation.tables import (
    PrizeCandidate,
    PrizeVote,
    PrizeVoting,
    ProblemComment,
    ProblemSupport,
    ResidentProblem,
)
from challenge.submissions.tables import Submission
from tests.challenge.participation.test_path import published_problem, signed_in
from tests.support.factories import make_call, make_challenge, make_team
from tests.support.web import make_user


def rows_of(body: bytes) -> list[dict]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


async def test_problems_published_only_with_counts_and_no_personal_data(app, client, settings):
    author = await make_user(name="Petra Privat")
    problem = await published_problem(author, title=f"Dunkler Radweg {uuid.uuid4().hex[:6]}")
    pending = await published_problem(author, status="pending")
    declined = await published_problem(author, status="declined")
    now = datetime.now(UTC)
    supporters = [await make_user() for _ in range(3)]
    for person in supporters:
        await ProblemSupport(problem=problem["id"], user=person["id"], created_at=now).save()
    await ResidentProblem.update({ResidentProblem.support_count: 3}).where(
        ResidentProblem.id == problem["id"]
    )
    await ProblemComment(
        problem=problem["id"], author=author["id"], body="Sichtbarer Hinweis", created_at=now
    ).save()
    await ProblemComment(
        problem=problem["id"],
        author=author["id"],
        body="Beleidigung XYZ",
        created_at=now,
        hidden_at=now,
        hidden_reason="Beleidigend",
    ).save()
    call = await make_call(status="draft")
    secret = await make_challenge(call, "geheim", title="Interner Titel ABC", status="draft")
    await ResidentProblem.update({ResidentProblem.challenge: secret["id"]}).where(
        ResidentProblem.id == problem["id"]
    )

    response = await client.get("/opendata/participation/problems.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert settings.opendata_license in response.headers["link"]
    assert response.headers["access-control-allow-origin"] == "*"
    rows = {row["id"]: row for row in rows_of(response.content)}
    row = rows[str(problem["id"])]
    assert row["title"] == problem["title"] and row["district_name"] == "Mitte"
    assert row["topic"] == "social" and row["topic_name"]
    assert (row["supports"], row["comments"], row["challenge"]) == ("3", "1", "")
    assert str(pending["id"]) not in rows and str(declined["id"]) not in rows
    for secret_text in (author["email"], str(author["id"]), "Petra", "Beleidigung", "ABC"):
        assert secret_text not in response.text

    as_json = (await client.get("/opendata/participation/problems.json")).json()
    assert as_json["license"] == settings.opendata_license and as_json["publisher"]
    listed = {p["id"]: p for p in as_json["problems"]}
    assert listed[str(problem["id"])]["supports"] == 3
    assert str(pending["id"]) not in listed

    await Call.update({Call.status: "published"}).where(Call.slug == call["slug"])
    from challenge.challenges.tables import Challenge

    await Challenge.update({Challenge.status: "approved"}).where(Challenge.id == secret["id"])
    rows = {
        r["id"]: r
        for r in rows_of((await client.get("/opendata/participation/problems.csv")).content)
    }
    assert rows[str(problem["id"])]["challenge"] == "Interner Titel ABC"


async def voting_world(closes_at: datetime):
    """A voting on a call with two consented candidates and one without consent; votes: three
    valid and one voided for A, one valid for B."""
    now = datetime.now(UTC)
    call = await make_call(title=f"Preisaufruf {uuid.uuid4().hex[:6]}")
    call_row = await Call.select().where(Call.slug == call["slug"]).first()
    challenge = await make_challenge(call, "preis", title="Saubere Luft")
    voting = PrizeVoting(
        call=call_row["id"], opens_at=now - timedelta(days=7), closes_at=closes_at, created_at=now
    )
    await voting.save()
    candidates = []
    for title, consented in (("Luftsensor A", True), ("Luftsensor B", True), ("Geheim C", False)):
        owner = await make_user()
        team = await make_team(owner["id"], name=f"Team {title}")
        entry = Submission(
            call=call_row["id"],
            organisation=team["id"],
            challenge=challenge["id"],
            title=title,
            status="submitted",
            reference=f"V-{uuid.uuid4().hex[:8]}",
            created_at=now,
        )
        await entry.save()
        candidate = PrizeCandidate(
            voting=voting.id,
            submission=entry.id,
            challenge=challenge["id"],
            public_title=title,
            consented_at=now if consented else None,
        )
        await candidate.save()
        candidates.append(candidate)
    voters = [
        await make_user(email=f"waehler-{uuid.uuid4().hex[:8]}@example.org") for _ in range(5)
    ]
    for n, voter in enumerate(voters):
        await PrizeVote(
            voting=voting.id,
            challenge_key=str(challenge["id"]),
            user=voter["id"],
            candidate=candidates[0 if n < 4 else 1].id,
            ip="10.0.0.1",
            email_domain="example.org",
            created_at=now,
            updated_at=now,
            voided_at=now if n == 3 else None,
            void_reason="Wegwerfadresse" if n == 3 else "",
        ).save()
    return call, voters


async def test_votes_only_after_the_close_counted_with_voided_apart(app, client, settings):
    open_call, _ = await voting_world(datetime.now(UTC) + timedelta(days=1))
    closed_call, voters = await voting_world(datetime.now(UTC) - timedelta(minutes=1))
    response = await client.get("/opendata/participation/votes.csv")
    assert response.status_code == 200 and settings.opendata_license in response.headers["link"]
    rows = rows_of(response.content)
    assert not [r for r in rows if r["call"] == open_call["slug"]]
    closed = [r for r in rows if r["call"] == closed_call["slug"]]
    assert [(r["candidate"], r["votes"], r["voided_votes"]) for r in closed] == [
        ("Luftsensor A", "3", "1"),
        ("Luftsensor B", "1", "0"),
    ]
    assert closed[0]["challenge"] == "Saubere Luft"
    assert "Geheim" not in response.text and "10.0.0.1" not in response.text
    assert all(v["email"] not in response.text for v in voters)
    as_json = (await client.get("/opendata/participation/votes.json")).json()
    assert as_json["license"] == settings.opendata_license
    found = [v for v in as_json["votes"] if v["call"] == closed_call["slug"]]
    assert found[0]["votes"] == 3 and found[0]["voided_votes"] == 1


async def test_the_open_data_page_lists_the_participation_files(app, client):
    page = await client.get("/opendata")
    assert page.status_code == 200
    assert "/opendata/participation/problems.csv" in page.text
    assert "/opendata/participation/votes.json" in page.text
    staff = await signed_in(app, roles=("staff",))
    assert (await staff.get("/opendata/participation/votes.csv")).status_code == 200
