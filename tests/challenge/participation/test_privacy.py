"""Participation data in the privacy export and erasure (issue 21, point 5): the profile, the
problems proposed, supports, comments, reports and votes are exported; erasure deletes what is
only the person's, blanks their comments, keeps published problems without an author and votes
without the address and mail domain they came from."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime

from challenge.participation import profiles
from challenge.participation.tables import (
    CommentReport,
    ParticipantProfile,
    PrizeVote,
    ProblemComment,
    ProblemSupport,
    ResidentProblem,
)
from challenge.platform import privacy
from tests.challenge.participation.test_opendata import voting_world
from tests.challenge.participation.test_path import published_problem
from tests.challenge.platform.test_privacy import RETAINED_TABLES, everything_stored
from tests.support.web import make_user


async def participant_with_everything():
    marker = uuid.uuid4().hex[:8]
    person = await make_user(name=f"Rita Rand{marker}", email=f"rita-{marker}@example.org")
    await profiles.set_display_name(person["id"], f"Rita aus Plagwitz {marker}")
    public = await published_problem(person, title=f"Laute Kreuzung {marker}")
    pending = await published_problem(person, status="pending", title=f"Entwurf {marker}")
    other = await published_problem(await make_user())
    now = datetime.now(UTC)
    neighbour = await make_user()
    for user in (person, neighbour):
        await ProblemSupport(problem=other["id"], user=user["id"], created_at=now).save()
    await ResidentProblem.update({ResidentProblem.support_count: 2}).where(
        ResidentProblem.id == other["id"]
    )
    comment = ProblemComment(
        problem=other["id"], author=person["id"], body=f"Mein Kommentar {marker}", created_at=now
    )
    await comment.save()
    foreign = ProblemComment(
        problem=other["id"], author=neighbour["id"], body="Anderer Kommentar", created_at=now
    )
    await foreign.save()
    await CommentReport(
        comment=foreign.id, reporter=person["id"], reason="Unsachlich", created_at=now
    ).save()
    await ProblemComment.update({ProblemComment.report_count: 1}).where(
        ProblemComment.id == foreign.id
    )
    call, voters = await voting_world(now)
    await PrizeVote.update({PrizeVote.user: person["id"]}).where(PrizeVote.user == voters[4]["id"])
    return person, public, pending, other, comment, foreign, marker


async def test_the_export_names_the_persons_participation(app):
    person, public, pending, other, comment, _foreign, marker = await participant_with_everything()
    archive = zipfile.ZipFile(io.BytesIO(await privacy.export(app.state.storage, person["email"])))
    data = json.loads(archive.read("person.json"))["participation"]
    assert data["participant_profile"]["display_name"] == f"Rita aus Plagwitz {marker}"
    assert {(p["title"], p["status"]) for p in data["problems"]} == {
        (public["title"], "published"),
        (pending["title"], "pending"),
    }
    assert [s["problem"] for s in data["problem_supports"]] == [str(other["id"])]
    assert data["problem_comments"][0]["body"] == f"Mein Kommentar {marker}"
    assert data["comment_reports"][0]["reason"] == "Unsachlich"
    assert data["prize_votes"][0]["candidate"] == "Luftsensor B"


async def test_erasure_removes_the_persons_participation_and_keeps_the_public_record(app):
    person, public, pending, other, comment, foreign, marker = await participant_with_everything()
    report = await privacy.erase(app.state.storage, person["email"])
    removed = report["removed"]
    assert removed["participant_profiles"] == 1 and removed["problem_supports"] == 1
    assert removed["prize_votes_blanked"] == 1 and removed["problems_deleted"] == 1
    assert removed["problems_kept_without_author"] == 1
    assert not await ParticipantProfile.exists().where(ParticipantProfile.user == person["id"])
    kept = await ResidentProblem.select().where(ResidentProblem.id == public["id"]).first()
    assert kept["author"] is None and kept["title"] == public["title"]
    assert not await ResidentProblem.exists().where(ResidentProblem.id == pending["id"])
    recounted = await ResidentProblem.select().where(ResidentProblem.id == other["id"]).first()
    assert recounted["support_count"] == 1
    blank = await ProblemComment.select().where(ProblemComment.id == comment.id).first()
    assert (blank["body"], blank["author"]) == ("", None)
    untouched = await ProblemComment.select().where(ProblemComment.id == foreign.id).first()
    assert untouched["body"] == "Anderer Kommentar" and untouched["report_count"] == 0
    assert not await CommentReport.exists().where(CommentReport.reporter == person["id"])
    # the vote keeps counting, without the address and the mail domain it came from
    votes = await PrizeVote.select().where(PrizeVote.user == person["id"])
    assert [(vote["ip"], vote["email_domain"]) for vote in votes] == [("", "")]
    stored = await everything_stored()
    for table, text in stored.items():
        if table not in RETAINED_TABLES:
            assert person["email"] not in text and person["name"] not in text, table
            assert f"Rita aus Plagwitz {marker}" not in text, table
            assert f"Mein Kommentar {marker}" not in text, table
