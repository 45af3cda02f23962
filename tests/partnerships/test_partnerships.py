"""Partnerships through the API: contract from an award, every transition and refusal with
nothing changed, the contract PDF with its OCDS release, amendments, evidence, four-eyes
approval, payments with their guards, reminders, calendars and who may see what."""

import asyncio
import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from pypdf import PdfReader
from referencing import Registry, Resource

from challenge.platform.audit.tables import AuditEntry
from challenge.platform.documents.tables import Document
from partnerships.milestones.reminders import send_reminders
from partnerships.tables import Milestone, MilestoneReview, Partnership, Payment, Reminder
from tests.conftest import http_client
from tests.partnerships.conftest import START, awarded_entry, plan, role_client, running, upload
from tests.support.files import pdf
from tests.support.web import api, login, spooled_mails, text_of

STANDARDS = Path(__file__).parents[1] / "support" / "standards" / "ocds-1.1.5"


def ocds_validator(schema_name: str) -> Draft4Validator:
    schemas = {p.name: json.loads(p.read_text()) for p in STANDARDS.glob("*.json")}
    registry = Registry().with_resources(
        [
            (
                name,
                Resource.from_contents(
                    schema,
                    default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT4,
                ),
            )
            for name, schema in schemas.items()
        ]
        + [
            (
                schema["id"],
                Resource.from_contents(
                    schema,
                    default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT4,
                ),
            )
            for schema in schemas.values()
            if "id" in schema
        ]
    )
    return Draft4Validator(schemas[schema_name], registry=registry)


async def state(partnership_id):
    return (
        await Partnership.select(Partnership.status, Partnership.plan_version)
        .where(Partnership.id == partnership_id)
        .first()
    )


async def test_a_contract_starts_from_an_awarded_entry_as_a_draft(app, clients):
    entry = await awarded_entry()
    response = await api(
        clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"])
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "draft" and body["ocid"].startswith("ocds-000000-SCC-")
    assert [m["amount_cents"] for m in body["milestones"]] == [20_000_00, 40_000_00]
    again = await api(
        clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"])
    )
    assert again.status_code == 409 and again.json()["code"] == "partnership_exists"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"outcome": "not_selected"}, "not_awarded"),
        ({"award": 10_000_00}, "validation_error"),  # the total is above the award
    ],
)
async def test_only_awarded_entries_and_never_above_the_award(app, clients, change, code):
    entry = await awarded_entry(
        award=change.get("award", 60_000_00), outcome=change.get("outcome", "winner")
    )
    response = await api(
        clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"])
    )
    assert response.status_code == 422 and response.json()["code"] == code
    assert not await Partnership.exists().where(Partnership.submission == entry["submission_id"])


async def test_the_draft_plan_changes_and_must_add_up_before_sending(
    app, clients, settings, deliver_mail
):
    entry = await awarded_entry()
    pid = (
        await api(
            clients["staff"],
            "POST",
            "/api/v1/partnerships",
            plan(entry["submission_id"], tranches=(20_000_00, 30_000_00)),
        )
    ).json()["id"]
    refused = await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/send")
    assert refused.status_code == 422 and refused.json()["code"] == "plan_incomplete"
    assert (await state(pid))["status"] == "draft"
    # reorder, remove one, add two: the list is the plan
    new_plan = plan(entry["submission_id"], tranches=(10_000_00, 20_000_00, 30_000_00))
    new_plan["milestones"].reverse()
    new_plan["milestones"] = [
        {**m, "due_date": (START + timedelta(days=30 * (n + 1))).isoformat()}
        for n, m in enumerate(new_plan["milestones"])
    ]
    saved = await api(
        clients["staff"],
        "PUT",
        f"/api/v1/partnerships/{pid}",
        {k: v for k, v in new_plan.items() if k != "submission_id"},
    )
    assert saved.status_code == 200, saved.text
    assert [m["amount_cents"] for m in saved.json()["milestones"]] == [
        30_000_00,
        20_000_00,
        10_000_00,
    ]
    sent = await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    late_edit = await api(
        clients["staff"],
        "PUT",
        f"/api/v1/partnerships/{pid}",
        {k: v for k, v in new_plan.items() if k != "submission_id"},
    )
    assert late_edit.status_code == 409 and late_edit.json()["code"] == "not_draft"
    await deliver_mail()
    [mail] = spooled_mails(settings.mail_dir, entry["owner"]["email"])
    assert f"/partner/partnerships/{pid}" in text_of(mail)


@pytest.mark.parametrize(
    "payload",
    [
        {"end_date": "2026-12-01"},  # ends before it starts
        {"total_cents": 0},
        {"milestones": [{"title": "", "due_date": "2027-02-01", "amount_cents": 100}]},
        {"milestones": [{"title": "Zu spät", "due_date": "2030-01-01", "amount_cents": 100}]},
        {"milestones": [{"title": "Nichts", "due_date": "2027-02-01", "amount_cents": 0}]},
    ],
)
async def test_invalid_plans_are_refused_with_nothing_stored(app, clients, payload):
    entry = await awarded_entry()
    response = await api(
        clients["staff"],
        "POST",
        "/api/v1/partnerships",
        {**plan(entry["submission_id"]), **payload},
    )
    assert response.status_code == 422 and response.json()["errors"]
    assert not await Partnership.exists().where(Partnership.submission == entry["submission_id"])


async def test_the_contract_pdf_embeds_an_ocds_release_package_that_validates(
    app, clients, settings
):
    entry, partnership, partner = await running(app, clients)
    contract = await partner.get(f"/api/v1/partnerships/{partnership['id']}/contract.pdf")
    assert contract.status_code == 200 and contract.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(contract.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Vereinbarung über eine Entwicklungspartnerschaft" in text
    code = (
        await Document.select(Document.verification_code)
        .where(Document.kind == "contract")
        .where(Document.owner_id == partnership["id"])
        .first()
    )["verification_code"]
    assert f"Prüfcode: {code}" in text
    [(name, [content])] = list(reader.attachments.items())
    assert name.endswith("release-package.json")
    package = json.loads(content)
    ocds_validator("release-package-schema.json").validate(package)
    release = package["releases"][0]
    assert release["ocid"] == partnership["ocid"]
    assert {m["status"] for m in release["contracts"][0]["implementation"]["milestones"]} == {
        "scheduled"
    }
    assert release["contracts"][0]["value"] == {"amount": 60000.0, "currency": "EUR"}
    assert (
        entry["owner"]["email"] not in content.decode()
        and entry["owner"]["name"] not in content.decode()
    )
    await partner.__aexit__(None, None, None)


async def test_signed_copy_makes_it_active_and_keeps_its_sha256(app, clients):
    entry = await awarded_entry()
    pid = (
        await api(clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"]))
    ).json()["id"]
    too_early = await upload(clients["staff"], f"/api/v1/partnerships/{pid}/signed", pdf())
    assert too_early.status_code == 409 and (await state(pid))["status"] == "draft"
    await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/send")
    not_pdf = await upload(
        clients["staff"],
        f"/api/v1/partnerships/{pid}/signed",
        b"\x89PNG\r\n\x1a\n" + b"0" * 100,
        filename="scan.png",
    )
    assert not_pdf.status_code in (415, 422) and (await state(pid))["status"] == "sent"
    signed_pdf = pdf("Unterschrift")
    signed = await upload(clients["staff"], f"/api/v1/partnerships/{pid}/signed", signed_pdf)
    assert signed.status_code == 200 and signed.json()["status"] == "active"
    assert signed.json()["signed_sha256"] == hashlib.sha256(signed_pdf).hexdigest()
    actions = [
        r["action"]
        for r in await AuditEntry.select(AuditEntry.action).where(AuditEntry.object_id == pid)
    ]
    assert actions[-3:] == ["partnership.sent", "partnership.signed", "partnership.active"]
    twice = await upload(clients["staff"], f"/api/v1/partnerships/{pid}/signed", pdf())
    assert twice.status_code == 409


async def test_partners_of_other_organisations_and_jurors_see_nothing(app, clients):
    entry, partnership, partner = await running(app, clients)
    stranger = await role_client(app)
    pid = partnership["id"]
    milestone = partnership["milestones"][0]["id"]
    for url in (
        f"/api/v1/partnerships/{pid}",
        f"/api/v1/partnerships/{pid}/contract.pdf",
        f"/api/v1/partnerships/{pid}/calendar.ics",
        f"/api/v1/milestones/{milestone}",
        f"/partner/partnerships/{pid}",
    ):
        assert (await stranger.get(url)).status_code == 404, url
    evidence = await upload(
        stranger, f"/api/v1/milestones/{milestone}/evidence", pdf(), filename="bericht.pdf"
    )
    assert evidence.status_code == 404
    assert (await partner.get(f"/api/v1/partnerships/{pid}")).status_code == 200
    assert (await partner.get("/api/v1/partnerships")).status_code == 403  # the staff list
    for client in (stranger, partner):
        await client.__aexit__(None, None, None)


async def test_the_partner_sees_a_contract_once_it_is_sent_not_the_draft(app, clients):
    entry = await awarded_entry()
    pid = (
        await api(clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"]))
    ).json()["id"]
    async with http_client(app) as partner:
        await login(partner, entry["owner"]["email"])
        for url in (
            f"/api/v1/partnerships/{pid}",
            f"/api/v1/partnerships/{pid}/amendments",
            f"/api/v1/partnerships/{pid}/calendar.ics",
            f"/partner/partnerships/{pid}",
        ):
            assert (await partner.get(url)).status_code == 404, url
        assert (await clients["finance"].get(f"/api/v1/partnerships/{pid}")).status_code == 200
        await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/send")
        assert (await partner.get(f"/api/v1/partnerships/{pid}")).json()["status"] == "sent"


async def test_evidence_review_four_eyes_and_payment(app, clients, settings):
    entry, partnership, partner = await running(app, clients)
    first = partnership["milestones"][0]["id"]
    staff, staff2, finance = clients["staff"], clients["staff2"], clients["finance"]
    # nothing to review yet
    assert (
        await api(staff, "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"})
    ).status_code == 409
    submitted = await upload(
        partner,
        f"/api/v1/milestones/{first}/evidence",
        pdf("Bericht"),
        filename="bericht.pdf",
        extra={"note": "Schattenkarte veröffentlicht"},
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    # changes requested need a comment
    assert (
        await api(
            staff, "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "request_changes"}
        )
    ).status_code == 422
    changes = await api(
        staff,
        "POST",
        f"/api/v1/milestones/{first}/reviews",
        {"decision": "request_changes", "comment": "Bitte Quellcode verlinken"},
    )
    assert changes.json()["status"] == "changes_requested"
    assert (
        await upload(
            partner,
            f"/api/v1/milestones/{first}/evidence",
            pdf("Bericht 2"),
            filename="bericht2.pdf",
        )
    ).status_code == 200
    one = await api(staff, "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"})
    assert one.json()["status"] == "submitted"
    same = await api(staff, "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"})
    assert same.status_code == 422 and same.json()["code"] == "four_eyes_required"
    # a payment before approval is refused
    early = await api(
        finance,
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 100, "paid_on": "2027-03-01"},
    )
    assert early.status_code == 422 and early.json()["code"] == "not_approved"
    two = await api(staff2, "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"})
    assert two.json()["status"] == "approved"
    # staff cannot record payments; finance can, never above the tranche
    assert (
        await api(
            staff,
            "POST",
            f"/api/v1/milestones/{first}/payments",
            {"amount_cents": 100, "paid_on": "2027-03-01"},
        )
    ).status_code == 403
    over = await api(
        finance,
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 20_000_01, "paid_on": "2027-03-01"},
    )
    assert over.status_code == 422 and over.json()["code"] == "exceeds_tranche"
    part = await api(
        finance,
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 5_000_00, "paid_on": "2027-03-01", "reference": "K-1"},
    )
    assert part.status_code == 201
    rest = await api(
        finance,
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 15_000_00, "paid_on": "2027-03-05"},
    )
    assert rest.status_code == 201
    detail = (await partner.get(f"/api/v1/partnerships/{partnership['id']}")).json()
    assert (
        detail["milestones"][0]["status"] == "paid"
        and detail["milestones"][0]["paid_cents"] == 20_000_00
    )
    assert detail["status"] == "active"
    await partner.__aexit__(None, None, None)


async def test_a_finance_user_who_reviewed_a_milestone_cannot_pay_it(app, clients):
    entry, partnership, partner = await running(app, clients)
    first = partnership["milestones"][0]["id"]
    both = await role_client(app, "staff", "finance")
    await upload(partner, f"/api/v1/milestones/{first}/evidence", pdf(), filename="bericht.pdf")
    await api(both, "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"})
    await api(
        clients["staff"], "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"}
    )
    refused = await api(
        both,
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 100, "paid_on": "2027-03-01"},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "four_eyes_required"
    assert not await Payment.exists().where(Payment.milestone == first)
    for client in (both, partner):
        await client.__aexit__(None, None, None)


async def test_three_staff_approving_at_once_count_two_approvals(app, clients):
    entry, partnership, partner = await running(app, clients)
    first = partnership["milestones"][0]["id"]
    await upload(partner, f"/api/v1/milestones/{first}/evidence", pdf(), filename="bericht.pdf")
    responses = await asyncio.gather(
        *(
            api(
                clients[name],
                "POST",
                f"/api/v1/milestones/{first}/reviews",
                {"decision": "approve"},
            )
            for name in ("staff", "staff2", "staff3")
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 409]
    assert await MilestoneReview.count().where(MilestoneReview.milestone == first) == 2
    assert (await Milestone.select(Milestone.status).where(Milestone.id == first).first())[
        "status"
    ] == "approved"
    await partner.__aexit__(None, None, None)


async def test_two_payments_at_once_never_exceed_the_tranche_and_all_paid_completes(app, clients):
    entry, partnership, partner = await running(app, clients)
    finance2 = await role_client(app, "finance")
    for milestone in partnership["milestones"]:
        await upload(
            partner, f"/api/v1/milestones/{milestone['id']}/evidence", pdf(), filename="bericht.pdf"
        )
        for name in ("staff", "staff2"):
            await api(
                clients[name],
                "POST",
                f"/api/v1/milestones/{milestone['id']}/reviews",
                {"decision": "approve"},
            )
    first, second = (m["id"] for m in partnership["milestones"])
    responses = await asyncio.gather(
        api(
            clients["finance"],
            "POST",
            f"/api/v1/milestones/{first}/payments",
            {"amount_cents": 12_000_00, "paid_on": "2027-03-01"},
        ),
        api(
            finance2,
            "POST",
            f"/api/v1/milestones/{first}/payments",
            {"amount_cents": 12_000_00, "paid_on": "2027-03-01"},
        ),
    )
    assert sorted(r.status_code for r in responses) == [201, 422]
    assert (
        sum(
            p["amount_cents"]
            for p in await Payment.select(Payment.amount_cents).where(Payment.milestone == first)
        )
        == 12_000_00
    )
    await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 8_000_00, "paid_on": "2027-03-02"},
    )
    await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{second}/payments",
        {"amount_cents": 40_000_00, "paid_on": "2027-05-02"},
    )
    assert (await state(partnership["id"]))["status"] == "completed"
    for client in (finance2, partner):
        await client.__aexit__(None, None, None)


async def test_payments_never_exceed_the_contract_total(app, clients):
    entry, partnership, partner = await running(app, clients)
    first = partnership["milestones"][0]["id"]
    await upload(partner, f"/api/v1/milestones/{first}/evidence", pdf(), filename="bericht.pdf")
    for name in ("staff", "staff2"):
        await api(
            clients[name], "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"}
        )
    # a contract total below its tranches (data from before an amendment rule existed, say)
    await Partnership.update({Partnership.total_cents: 10_000_00}).where(
        Partnership.id == partnership["id"]
    )
    refused = await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 15_000_00, "paid_on": "2027-03-01"},
    )
    assert (
        refused.status_code == 422
        and refused.json()["code"] == "exceeds_total"
        and refused.json()["left_cents"] == 10_000_00
    )
    await partner.__aexit__(None, None, None)


async def test_amendments_are_numbered_keep_every_plan_version_and_notify(
    app, clients, settings, deliver_mail
):
    entry, partnership, partner = await running(app, clients)
    pid = partnership["id"]
    first, second = partnership["milestones"]
    in_draft_entry = await awarded_entry()
    draft = (
        await api(
            clients["staff"], "POST", "/api/v1/partnerships", plan(in_draft_entry["submission_id"])
        )
    ).json()
    assert (
        await api(
            clients["staff"],
            "POST",
            f"/api/v1/partnerships/{draft['id']}/amendments",
            {"rationale": "x", "end_date": "2027-12-30"},
        )
    ).status_code == 409
    unbalanced = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{pid}/amendments",
        {
            "rationale": "Mehr Umfang",
            "milestones": [{"id": second["id"], "amount_cents": 45_000_00}],
        },
    )
    assert unbalanced.status_code == 422 and (await state(pid))["plan_version"] == 1
    amended = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{pid}/amendments",
        {
            "rationale": "Lieferverzug der Sensoren",
            "end_date": "2028-03-31",
            "milestones": [
                {"id": second["id"], "due_date": "2028-02-01", "amount_cents": 30_000_00},
                {"title": "Zusatz: Schulung", "due_date": "2028-03-01", "amount_cents": 10_000_00},
            ],
        },
    )
    assert amended.status_code == 201, amended.text
    body = amended.json()
    assert body["number"] == 1 and body["document_id"]
    assert (
        len(body["plan_before"]["milestones"]) == 2 and len(body["plan_after"]["milestones"]) == 3
    )
    again = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{pid}/amendments",
        {
            "rationale": "Neuer Termin",
            "milestones": [{"id": first["id"], "due_date": "2027-04-01"}],
        },
    )
    assert again.json()["number"] == 2
    history = (await partner.get(f"/api/v1/partnerships/{pid}/amendments")).json()
    assert [a["number"] for a in history] == [1, 2]
    assert (await state(pid))["plan_version"] == 3
    document = await partner.get(f"/api/v1/documents/{body['document_id']}")
    assert (
        "Änderungsvereinbarung Nr. 1"
        in PdfReader(io.BytesIO(document.content)).pages[0].extract_text()
    )
    await deliver_mail()
    subjects = [m["Subject"] for m in spooled_mails(settings.mail_dir, entry["owner"]["email"])]
    assert sum("Änderung" in s or "Amendment" in s for s in subjects) == 2
    await partner.__aexit__(None, None, None)


async def test_overdue_is_derived_and_reminders_go_out_once_with_two_workers(
    app, clients, settings, deliver_mail
):
    entry, partnership, partner = await running(app, clients)
    first = partnership["milestones"][0]
    due = date.fromisoformat(first["due_date"])
    now = datetime.combine(due - timedelta(days=10), datetime.min.time(), tzinfo=UTC)
    await asyncio.gather(send_reminders(settings, now), send_reminders(settings, now))
    await asyncio.gather(
        send_reminders(settings, now + timedelta(days=10)),
        send_reminders(settings, now + timedelta(days=10)),
    )
    later = now + timedelta(days=18)
    await asyncio.gather(send_reminders(settings, later), send_reminders(settings, later))
    kinds = sorted(
        r["kind"]
        for r in await Reminder.select(Reminder.kind).where(Reminder.milestone == first["id"])
    )
    assert kinds == ["due_in_14", "due_today", "overdue_7"]
    await deliver_mail()
    mine = [
        m["Subject"]
        for m in spooled_mails(settings.mail_dir, entry["owner"]["email"])
        if first["title"] in m["Subject"]
    ]
    assert len(mine) == 3
    # overdue is derived from today: a past due date without evidence is overdue, with evidence it is not
    assert (await partner.get(f"/api/v1/partnerships/{partnership['id']}")).json()["milestones"][0][
        "overdue"
    ] is False
    await Milestone.update({Milestone.due_date: date.today() - timedelta(days=1)}).where(
        Milestone.id == first["id"]
    )
    assert (await partner.get(f"/api/v1/partnerships/{partnership['id']}")).json()["milestones"][0][
        "overdue"
    ] is True
    await upload(
        partner, f"/api/v1/milestones/{first['id']}/evidence", pdf(), filename="bericht.pdf"
    )
    assert (await partner.get(f"/api/v1/partnerships/{partnership['id']}")).json()["milestones"][0][
        "overdue"
    ] is False
    await partner.__aexit__(None, None, None)


async def test_terminate_needs_a_reason_and_ends_everything(app, clients):
    entry, partnership, partner = await running(app, clients)
    pid = partnership["id"]
    assert (
        await api(
            clients["staff"], "POST", f"/api/v1/partnerships/{pid}/terminate", {"reason": " "}
        )
    ).status_code == 422
    done = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{pid}/terminate",
        {"reason": "Insolvenz der Partnerin"},
    )
    assert done.json()["status"] == "terminated"
    assert (
        await api(
            clients["staff"], "POST", f"/api/v1/partnerships/{pid}/terminate", {"reason": "x"}
        )
    ).status_code == 409
    evidence = await upload(
        partner,
        f"/api/v1/milestones/{partnership['milestones'][0]['id']}/evidence",
        pdf(),
        filename="b.pdf",
    )
    assert evidence.status_code == 409
    await partner.__aexit__(None, None, None)


async def test_calendars_and_funding_overview(app, clients, settings):
    entry, partnership, partner = await running(app, clients)
    ics = await partner.get(f"/api/v1/partnerships/{partnership['id']}/calendar.ics")
    assert ics.status_code == 200 and ics.text.count("BEGIN:VEVENT") == 3
    from partnerships.milestones.calendar import feed_token

    feed = await http_client(app).get(f"/api/v1/calendar/{feed_token(settings)}/partnerships.ics")
    assert feed.status_code == 200 and partnership["milestones"][0]["title"] in feed.text
    assert (
        await http_client(app).get("/api/v1/calendar/falsch/partnerships.ics")
    ).status_code == 404
    funding = (await clients["finance"].get("/api/v1/funding")).json()
    mine = next(g for g in funding["groups"] if g["call"] == entry["call"]["slug"])
    assert mine == {
        **mine,
        "partnerships": 1,
        "committed_cents": 60_000_00,
        "approved_cents": 0,
        "disbursed_cents": 0,
    }
    assert (await partner.get("/api/v1/funding")).status_code == 403
    await partner.__aexit__(None, None, None)


@pytest.mark.parametrize("stage", ["draft", "sent"])
async def test_a_contract_can_be_terminated_before_signing_and_then_nothing_moves(
    app, clients, stage
):
    entry = await awarded_entry()
    pid = (
        await api(clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"]))
    ).json()["id"]
    if stage == "sent":
        await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/send")
    done = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{pid}/terminate",
        {"reason": "Team aufgelöst"},
    )
    assert done.status_code == 200 and done.json()["status"] == "terminated"
    for path, body in (
        (f"/api/v1/partnerships/{pid}/send", None),
        (f"/api/v1/partnerships/{pid}/amendments", {"rationale": "x", "end_date": "2027-12-30"}),
    ):
        response = await api(clients["staff"], "POST", path, body)
        assert response.status_code == 409, path
    assert (
        await upload(clients["staff"], f"/api/v1/partnerships/{pid}/signed", pdf())
    ).status_code == 409
    assert (await state(pid))["status"] == "terminated"


async def test_a_completed_partnership_cannot_be_terminated(app, clients):
    entry, partnership, partner = await running(app, clients)
    for milestone in partnership["milestones"]:
        await upload(
            partner, f"/api/v1/milestones/{milestone['id']}/evidence", pdf(), filename="bericht.pdf"
        )
        for name in ("staff", "staff2"):
            await api(
                clients[name],
                "POST",
                f"/api/v1/milestones/{milestone['id']}/reviews",
                {"decision": "approve"},
            )
        await api(
            clients["finance"],
            "POST",
            f"/api/v1/milestones/{milestone['id']}/payments",
            {"amount_cents": milestone["amount_cents"], "paid_on": "2027-06-01"},
        )
    assert (await state(partnership["id"]))["status"] == "completed"
    refused = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{partnership['id']}/terminate",
        {"reason": "zu spät"},
    )
    assert refused.status_code == 409 and (await state(partnership["id"]))["status"] == "completed"
    await partner.__aexit__(None, None, None)


async def test_services_check_roles_themselves(app, clients):
    """Not only the routes: a partner calling the services directly is refused too."""
    from challenge.platform.accounts.identity import CurrentUser
    from challenge.platform.problems import Problem
    from partnerships.contracts import services
    from partnerships.milestones import payments
    from partnerships.milestones import services as delivery

    entry, partnership, partner = await running(app, clients)
    owner = CurrentUser(
        id=entry["owner"]["id"], email=entry["owner"]["email"], name="", locale="de", affiliation=""
    )
    first = partnership["milestones"][0]["id"]
    for call in (
        lambda: delivery.review(owner, first, "approve", ""),
        lambda: services.terminate(owner, partnership["id"], "weil"),
        lambda: payments.record_payment(owner, first, amount_cents=1, paid_on=START, reference=""),
    ):
        with pytest.raises(Problem) as refused:
            await call()
        assert refused.value.status == 403
    assert (await state(partnership["id"]))["status"] == "active"
    await partner.__aexit__(None, None, None)


async def test_creating_at_the_same_moment_gives_distinct_numbers_and_one_contract_per_entry(
    app, clients
):
    entries = [await awarded_entry() for _ in range(3)]
    twice = [entries[0], *entries]
    responses = await asyncio.gather(
        *(
            api(clients[name], "POST", "/api/v1/partnerships", plan(entry["submission_id"]))
            for name, entry in zip(("staff", "staff2", "staff3", "staff"), twice, strict=True)
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 201, 201, 409]
    ocids = [r.json()["ocid"] for r in responses if r.status_code == 201]
    assert len(set(ocids)) == 3
