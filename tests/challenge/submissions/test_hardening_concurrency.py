"""Parallel requests on one proposal: the database decides, so twenty clicks at once give
one draft, and one reference, one version and one mail when submitting (both engines)."""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest

from challenge import db
from challenge.calls.tables import Call
from challenge.platform.mail.tables import OutboxMail
from challenge.submissions.tables import Submission, SubmissionVersion
from tests.conftest import http_client
from tests.support.factories import QUESTIONS, make_call, make_team
from tests.support.web import api, csrf, login, make_user

COMPLETE = {
    "title": "Schattenplaner",
    "summary": "Wir planen Schatten.",
    "category": "Hitze",
    "answers": {"problem": "Hitzeinseln im Osten", "licence": "EUPL-1.2", "staff": 4},
}
PARALLEL = 20


async def open_call():
    now = datetime.now(UTC)
    call = await make_call(
        categories=["Hitze", "Wasser"],
        questions=QUESTIONS,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
    )
    return await Call.select().where(Call.slug == call["slug"]).first()


@contextlib.asynccontextmanager
async def browsers_of(app, count: int):
    """One logged-in member of a fresh team in `count` clients sharing the session cookie."""
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(http_client(app))
        user = await make_user()
        await login(first, user["email"])
        await csrf(first)
        team = await make_team(user["id"], name="Team Parallel")
        clients = [first]
        for _ in range(count - 1):
            other = await stack.enter_async_context(http_client(app))
            other.cookies = first.cookies
            clients.append(other)
        yield clients, team, user


async def test_twenty_parallel_creates_make_one_draft(app):
    call = await open_call()
    async with browsers_of(app, PARALLEL) as (clients, team, _user):
        body = {"organisation_id": str(team["id"]), **COMPLETE}
        responses = await asyncio.gather(
            *(api(c, "POST", f"/api/v1/calls/{call['slug']}/submissions", body) for c in clients)
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (PARALLEL - 1), [
        r.text for r in responses if r.status_code not in (201, 409)
    ]
    created = next(r.json() for r in responses if r.status_code == 201)
    refusals = [r.json() for r in responses if r.status_code == 409]
    assert {p["code"] for p in refusals} == {"already_applied"}
    assert {p["submission_id"] for p in refusals} == {created["id"]}
    assert (
        await Submission.count().where(
            (Submission.call == call["id"]) & (Submission.organisation == team["id"])
        )
        == 1
    )


async def test_twenty_parallel_submits_give_one_reference_version_and_mail(app):
    call = await open_call()
    async with browsers_of(app, PARALLEL) as (clients, team, user):
        created = await api(
            clients[0],
            "POST",
            f"/api/v1/calls/{call['slug']}/submissions",
            {"organisation_id": str(team["id"]), **COMPLETE},
        )
        assert created.status_code == 201, created.text
        sub = created.json()
        responses = await asyncio.gather(
            *(
                api(
                    c,
                    "POST",
                    f"/api/v1/submissions/{sub['id']}/submit",
                    {"consent_publication": True},
                )
                for c in clients
            )
        )
    assert [r.status_code for r in responses] == [200] * PARALLEL, [
        r.text for r in responses if r.status_code != 200
    ]
    references = {r.json()["reference"] for r in responses}
    assert len(references) == 1 and None not in references
    assert await SubmissionVersion.count().where(SubmissionVersion.submission == sub["id"]) == 1
    mails = await OutboxMail.count().where(
        (OutboxMail.template == "submission_received") & (OutboxMail.to_address == user["email"])
    )
    assert mails == 1
    row = (
        await Submission.select(Submission.reference, Submission.status)
        .where(Submission.id == sub["id"])
        .first()
    )
    assert row == {"reference": references.pop(), "status": "submitted"}


async def test_submitting_again_after_a_change_still_freezes_a_new_version(app):
    call = await open_call()
    async with browsers_of(app, 1) as (clients, team, _user):
        client = clients[0]
        sub = (
            await api(
                client,
                "POST",
                f"/api/v1/calls/{call['slug']}/submissions",
                {"organisation_id": str(team["id"]), **COMPLETE},
            )
        ).json()
        first = (await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})).json()
        same = (await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})).json()
        assert same["reference"] == first["reference"] and same["version"] == first["version"]
        edited = await api(
            client,
            "PATCH",
            f"/api/v1/submissions/{sub['id']}",
            {"version": first["version"], "title": "Neu"},
        )
        again = await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        consent = await api(
            client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {"consent_publication": True}
        )
    assert edited.status_code == 200 and again.status_code == 200 and consent.status_code == 200
    assert again.json()["reference"] == first["reference"]
    assert await SubmissionVersion.count().where(SubmissionVersion.submission == sub["id"]) == 3


async def test_the_database_refuses_a_second_open_proposal_and_a_duplicate_version(app):
    """The unique indexes themselves, not only the service's check."""
    call = await open_call()
    user = await make_user()
    team = await make_team(user["id"], name="Team Index")
    now = datetime.now(UTC)
    first = Submission(call=call["id"], organisation=team["id"], created_at=now)
    await first.save()
    with pytest.raises(Exception) as refused:
        await Submission(call=call["id"], organisation=team["id"], created_at=now).save()
    assert db.is_unique_violation(refused.value)
    await Submission.update({Submission.status: "withdrawn"}).where(Submission.id == first.id)
    await Submission(
        call=call["id"], organisation=team["id"], created_at=now
    ).save()  # after withdrawing: allowed
    await SubmissionVersion(
        submission=first.id, number=1, snapshot="{}", sha256="0" * 64, created_at=now
    ).save()
    with pytest.raises(Exception) as duplicate:
        await SubmissionVersion(
            submission=first.id, number=1, snapshot="{}", sha256="1" * 64, created_at=now
        ).save()
    assert db.is_unique_violation(duplicate.value)
