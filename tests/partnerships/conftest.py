"""Builders for partnership tests: an awarded entry, staff, finance and partner clients."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from tests.conftest import http_client
from tests.support.factories import make_call, make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user

START = date(2027, 1, 1)


async def awarded_entry(award=60_000_00, outcome="winner", consent=True, kind="startup"):
    now = datetime.now(UTC)
    call = await make_call(
        status="results_published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        budget_cents=200_000_00,
        results_published_at=now,
    )
    call = await Call.select().where(Call.slug == call["slug"]).first()
    owner = await make_user(
        name=f"Paula Partner {uuid.uuid4().hex[:6]}",
        email=f"partner-{uuid.uuid4().hex[:8]}@example.org",
    )
    team = await make_team(owner["id"], name=f"Partner GmbH {uuid.uuid4().hex[:6]}", kind=kind)
    submission = Submission(
        call=call["id"],
        organisation=team["id"],
        title="Kühle Wege",
        status="submitted",
        reference=f"P-{uuid.uuid4().hex[:8]}",
        consent_publication=consent,
        created_at=now,
    )
    await submission.save()
    await Decision(
        call=call["id"],
        submission=submission.id,
        outcome=outcome,
        award_cents=award,
        rationale="Gut",
        created_at=now,
    ).save()
    return {"call": call, "submission_id": submission.id, "owner": owner, "team": team}


def plan(submission_id, total=60_000_00, tranches=(20_000_00, 40_000_00)):
    return {
        "submission_id": str(submission_id),
        "title": "Kühle Wege für Leipzig",
        "scope": "Schattenkarte und Routenplaner",
        "city_unit": "Referat Digitale Stadt",
        "start_date": START.isoformat(),
        "end_date": "2027-12-31",
        "total_cents": total,
        "milestones": [
            {
                "title": f"Meilenstein {n + 1}",
                "deliverables": f"Leistung {n + 1}",
                "due_date": (START + timedelta(days=60 * (n + 1))).isoformat(),
                "amount_cents": amount,
            }
            for n, amount in enumerate(tranches)
        ],
    }


async def role_client(app, *roles, email=None):
    client = http_client(app)
    await client.__aenter__()
    user = await make_user(
        roles=roles, email=email, name=f"{'/'.join(roles) or 'Person'} {uuid.uuid4().hex[:4]}"
    )
    await login(client, user["email"])
    client.user = user
    return client


@pytest.fixture
async def clients(app):
    made = {
        "staff": await role_client(app, "staff"),
        "staff2": await role_client(app, "staff"),
        "staff3": await role_client(app, "staff"),
        "finance": await role_client(app, "finance"),
    }
    yield made
    for client in made.values():
        await client.__aexit__(None, None, None)


async def upload(client, url, content: bytes, filename="vertrag-unterschrieben.pdf", extra=None):
    body, content_type = multipart(filename, content, extra=extra)
    return await client.post(
        url, content=body, headers={"content-type": content_type, "x-csrftoken": await csrf(client)}
    )


async def running(app, clients, **plan_overrides):
    """An awarded entry with a signed, active partnership; returns (entry, partnership json, partner client)."""
    entry = await awarded_entry()
    created = await api(
        clients["staff"],
        "POST",
        "/api/v1/partnerships",
        {**plan(entry["submission_id"]), **plan_overrides},
    )
    assert created.status_code == 201, created.text
    partnership = created.json()
    sent = await api(clients["staff"], "POST", f"/api/v1/partnerships/{partnership['id']}/send")
    assert sent.status_code == 200, sent.text
    partner = http_client(app)
    await partner.__aenter__()
    await login(partner, entry["owner"]["email"])
    signed = await upload(
        partner, f"/api/v1/partnerships/{partnership['id']}/signed", pdf("unterschrieben")
    )
    assert signed.status_code == 200, signed.text
    return entry, signed.json(), partner


@pytest.fixture(autouse=True)
def payment_calendar(monkeypatch):
    """The contracts here run in 2027 (START): payments dated then are not in the future."""
    from partnerships.milestones import payments

    monkeypatch.setattr(payments, "payment_today", lambda: date(2028, 6, 30))
