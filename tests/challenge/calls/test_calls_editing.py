"""Staff create, change and publish calls through the API, with clear validation."""

import uuid

import pytest

from challenge.calls.tables import Call
from challenge.platform.audit.tables import AuditEntry
from tests.support.web import api, login, make_user


def call_body(**overrides) -> dict:
    body = {
        "slug": f"aufruf-{uuid.uuid4().hex[:8]}",
        "title": "Smart City Challenge 2027: Wasser",
        "summary": "Wasser in der Stadt",
        "description": "## Ziel\n\nMehr Grün.",
        "categories": ["Starkregen", "Trockenheit"],
        "questions": [
            {
                "key": "problem",
                "label": "Welches Problem lösen Sie?",
                "type": "long_text",
                "required": True,
                "max_length": 3000,
            },
            {
                "key": "licence",
                "label": "Lizenz",
                "type": "choice",
                "required": True,
                "choices": ["EUPL-1.2", "MIT"],
            },
        ],
        "criteria": [
            {"key": "impact", "name": "Nutzen", "weight": 2, "scale_min": 0, "scale_max": 10},
            {"key": "team", "name": "Team", "weight": 1, "scale_min": 1, "scale_max": 5},
        ],
        "document_rules": {
            "max_files": 3,
            "max_bytes": 10 * 1024 * 1024,
            "allowed_types": ["application/pdf"],
        },
        "opens_at": "2027-03-01T09:00:00+01:00",
        "closes_at": "2027-05-02T12:00:00+02:00",
        "budget_cents": 150_000_00,
        "max_award_cents": 50_000_00,
        "awards_planned": 3,
    }
    body.update(overrides)
    return body


@pytest.fixture
async def staff_client(client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    return client


async def test_staff_create_a_draft_change_it_and_publish(staff_client, client):
    body = call_body()
    created = await api(staff_client, "POST", "/api/v1/calls", body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft" and created.json()["phase"] == "draft"
    assert created.json()["closes_at"] == "2027-05-02T10:00:00Z"
    changed = await api(
        staff_client, "PATCH", f"/api/v1/calls/{body['slug']}", {"title": "Wasser in Leipzig"}
    )
    assert changed.status_code == 200 and changed.json()["title"] == "Wasser in Leipzig"
    assert changed.json()["criteria"][0]["weight"] == 2
    published = await api(staff_client, "POST", f"/api/v1/calls/{body['slug']}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = await api(staff_client, "POST", f"/api/v1/calls/{body['slug']}/publish")
    assert again.status_code == 409
    call = await Call.select(Call.id).where(Call.slug == body["slug"]).first()
    actions = [
        r["action"]
        for r in await AuditEntry.select(AuditEntry.action)
        .where(AuditEntry.object_id == str(call["id"]))
        .order_by(AuditEntry.id)
    ]
    assert actions == ["call.created", "call.updated", "call.published"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "Mit Leerzeichen"}, "slug"),
        ({"title": "x"}, "title"),
        ({"closes_at": "2027-02-01T12:00:00+01:00"}, "closes_at"),
        ({"opens_at": "2027-03-01T09:00:00"}, "opens_at"),
        ({"jury_starts_at": "2027-04-01T09:00:00+02:00"}, "jury_starts_at"),
        ({"budget_cents": -1}, "budget_cents"),
        ({"max_award_cents": 200_000_00}, "max_award_cents"),
        ({"awards_planned": 0}, "awards_planned"),
        ({"categories": ["A", "A"]}, "categories"),
        ({"categories": ["Stadtgrün " * 11]}, "categories"),  # 110 characters: a proposal keeps 100
        ({"criteria": []}, "criteria"),
        (
            {"criteria": [{"key": "a", "name": "A", "weight": 0, "scale_min": 0, "scale_max": 10}]},
            "criteria[0].weight",
        ),
        (
            {"criteria": [{"key": "a", "name": "A", "weight": 1, "scale_min": 5, "scale_max": 5}]},
            "criteria[0].scale_max",
        ),
        (
            {
                "criteria": [
                    {"key": "a", "name": "A", "weight": 1, "scale_min": 0, "scale_max": 5},
                    {"key": "a", "name": "B", "weight": 1, "scale_min": 0, "scale_max": 5},
                ]
            },
            "criteria[1].key",
        ),
        (
            {"questions": [{"key": "q", "label": "Q", "type": "choice", "choices": ["nur eine"]}]},
            "questions[0].choices",
        ),
        ({"questions": [{"key": "Q-1", "label": "Q", "type": "text"}]}, "questions[0].key"),
        (
            {
                "document_rules": {
                    "max_files": 3,
                    "max_bytes": 1000,
                    "allowed_types": ["image/svg+xml"],
                }
            },
            "document_rules.allowed_types",
        ),
        (
            {
                "document_rules": {
                    "max_files": 99,
                    "max_bytes": 1000,
                    "allowed_types": ["application/pdf"],
                }
            },
            "document_rules.max_files",
        ),
    ],
)
async def test_invalid_calls_are_refused_with_the_field_named(staff_client, overrides, field):
    body = call_body(**overrides)
    response = await api(staff_client, "POST", "/api/v1/calls", body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not await Call.exists().where(Call.slug == body["slug"])


async def test_wrong_types_are_422_validation_errors(staff_client):
    response = await api(staff_client, "POST", "/api/v1/calls", call_body(budget_cents="viel"))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


async def test_duplicate_slug_is_refused(staff_client):
    body = call_body()
    assert (await api(staff_client, "POST", "/api/v1/calls", body)).status_code == 201
    again = await api(staff_client, "POST", "/api/v1/calls", call_body(slug=body["slug"]))
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "slug"


async def test_categories_are_stored_as_validated_without_surrounding_spaces(staff_client):
    longest = "K" * 100
    body = call_body(
        categories=[" Starkregen ", f"{longest}   "]
    )  # 103 characters before stripping
    created = await api(staff_client, "POST", "/api/v1/calls", body)
    assert created.status_code == 201, created.text
    assert created.json()["categories"] == ["Starkregen", longest]
    changed = await api(
        staff_client, "PATCH", f"/api/v1/calls/{body['slug']}", {"categories": ["  Hitze"]}
    )
    assert changed.status_code == 200 and changed.json()["categories"] == ["Hitze"]
    stored = (
        await Call.select(Call.categories)
        .output(load_json=True)
        .where(Call.slug == body["slug"])
        .first()
    )
    assert stored["categories"] == ["Hitze"]


async def test_a_bad_change_leaves_the_call_as_it_was(staff_client):
    body = call_body()
    await api(staff_client, "POST", "/api/v1/calls", body)
    response = await api(
        staff_client,
        "PATCH",
        f"/api/v1/calls/{body['slug']}",
        {"title": "Neu", "closes_at": "2020-01-01T00:00:00+00:00"},
    )
    assert response.status_code == 422
    row = await Call.select(Call.title).where(Call.slug == body["slug"]).first()
    assert row["title"] == body["title"]


async def test_drafts_are_visible_to_staff_only(staff_client, app):
    from tests.conftest import http_client

    body = call_body()
    await api(staff_client, "POST", "/api/v1/calls", body)
    assert (await staff_client.get(f"/api/v1/calls/{body['slug']}")).status_code == 200
    assert (await staff_client.get(f"/calls/{body['slug']}")).status_code == 200
    async with http_client(app) as public:
        assert (await public.get(f"/api/v1/calls/{body['slug']}")).status_code == 404


async def test_applicants_cannot_create_or_change_calls(client):
    user = await make_user()
    await login(client, user["email"])
    body = call_body()
    assert (await api(client, "POST", "/api/v1/calls", body)).status_code == 403
    assert (
        await api(client, "PATCH", "/api/v1/calls/klimaanpassung-im-quartier", {"title": "x"})
    ).status_code == 403
    assert not await Call.exists().where(Call.slug == body["slug"])


async def test_rubric_and_questions_lock_once_proposals_exist(staff_client):
    from tests.support.factories import make_team

    body = call_body(opens_at="2020-01-01T09:00:00+01:00", closes_at="2099-01-01T12:00:00+01:00")
    await api(staff_client, "POST", "/api/v1/calls", body)
    await api(staff_client, "POST", f"/api/v1/calls/{body['slug']}/publish")
    applicant = await make_user()
    team = await make_team(applicant["id"])
    from datetime import UTC, datetime

    from challenge.calls.tables import Call as CallTable
    from challenge.submissions.tables import Submission

    call = await CallTable.select(CallTable.id).where(CallTable.slug == body["slug"]).first()
    await Submission(call=call["id"], organisation=team["id"], created_at=datetime.now(UTC)).save()
    changed_rubric = await api(
        staff_client,
        "PATCH",
        f"/api/v1/calls/{body['slug']}",
        {
            "criteria": [
                {"key": "impact", "name": "Nutzen", "weight": 5, "scale_min": 0, "scale_max": 10}
            ]
        },
    )
    assert changed_rubric.status_code == 422 and changed_rubric.json()["code"] == "rubric_locked"
    required_question = body["questions"] + [
        {"key": "neu", "label": "Neu", "type": "text", "required": True}
    ]
    assert (
        await api(
            staff_client, "PATCH", f"/api/v1/calls/{body['slug']}", {"questions": required_question}
        )
    ).json()["code"] == "questions_locked"
    optional_question = body["questions"] + [
        {"key": "neu", "label": "Neu", "type": "text", "required": False}
    ]
    assert (
        await api(
            staff_client, "PATCH", f"/api/v1/calls/{body['slug']}", {"questions": optional_question}
        )
    ).status_code == 200
    assert (
        await api(staff_client, "PATCH", f"/api/v1/calls/{body['slug']}", {"title": "Neuer Titel"})
    ).status_code == 200


async def test_a_call_stored_with_default_values_written_out_can_still_be_edited(staff_client):
    """Questions stored with ``"required": false`` (as the demo writes them) compare equal to the
    same questions sent without the default: editing the title of a call with proposals works."""
    from datetime import UTC, datetime

    from challenge.calls.tables import Call as CallTable
    from challenge.submissions.tables import Submission
    from tests.support.factories import make_call, make_team

    questions = [{"key": "idee", "label": "Idee", "type": "text", "required": False}]
    call = await make_call(questions=questions)
    row = await CallTable.select(CallTable.id).where(CallTable.slug == call["slug"]).first()
    team = await make_team((await make_user())["id"])
    await Submission(call=row["id"], organisation=team["id"], created_at=datetime.now(UTC)).save()
    sent = [{"key": "idee", "label": "Idee", "type": "text"}]
    edited = await api(
        staff_client,
        "PATCH",
        f"/api/v1/calls/{call['slug']}",
        {"title": "Neuer Titel", "questions": sent},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Neuer Titel"
