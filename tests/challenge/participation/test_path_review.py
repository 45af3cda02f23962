"""Findings of the participation review on the path: the link form offers a bounded list of
challenges (none declined or withdrawn, none of a call whose deadline passed), and the
supporters' mails of a step are written in batches, each person once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from challenge.participation.path import notices
from challenge.participation.path.notices import tell_supporters
from challenge.participation.path.service import CHOICES_MAX, choices
from challenge.participation.tables import ProblemSupport
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.mail.tables import OutboxMail
from tests.challenge.participation.test_path import stage_world
from tests.support.factories import make_call, make_challenge
from tests.support.web import make_user


async def test_the_link_form_offers_no_challenge_of_a_closed_call(app):
    running = await make_call()
    past = await make_call(
        opens_at=datetime.now(UTC) - timedelta(days=60),
        closes_at=datetime.now(UTC) - timedelta(days=30),
    )
    open_one = await make_challenge(running, "offen")
    closed_one = await make_challenge(past, "vorbei")
    dropped = await make_challenge(running, "zurueck", status="withdrawn")
    offered = {row[0] for row in (await choices({"staff": True, "units": ()}))["challenges"]}
    assert open_one["id"] in offered
    assert closed_one["id"] not in offered and dropped["id"] not in offered
    assert len(offered) <= CHOICES_MAX


async def test_a_steps_mails_go_out_in_batches_each_supporter_once(app, settings, monkeypatch):
    monkeypatch.setattr(notices, "BATCH", 2)
    _unit, problem, _draft = await stage_world(app)
    people = [await make_user() for _ in range(5)]
    now = datetime.now(UTC)
    for person in people:
        await ProblemSupport(problem=problem["id"], user=person["id"], created_at=now).save()
    await tell_supporters(settings)
    await tell_supporters(settings)
    rows = await OutboxMail.select(OutboxMail.to_address).where(
        OutboxMail.to_address.is_in([p["email"] for p in people])
        & (OutboxMail.template == "participation_step")
    )
    assert sorted(r["to_address"] for r in rows) == sorted(p["email"] for p in people)
    [entry] = await AuditEntry.select(AuditEntry.payload).where(
        (AuditEntry.object_id == str(problem["id"])) & (AuditEntry.action == "problem.path_told")
    )
    payload = entry["payload"]
    assert (payload if isinstance(payload, dict) else json.loads(payload))["mails"] == 5
