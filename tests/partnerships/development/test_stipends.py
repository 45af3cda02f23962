"""Stipend agreements (issue 18, point 1): selecting a team for the development phase prepares a
draft agreement from the challenge and the phase; only selected teams get one, a changed
decision removes the draft; it is sent only after the results are published, countersigned like
a contract, and paid once by finance after two different staff approved — never by an
approver."""

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from challenge import db
from challenge.platform.audit.tables import AuditEntry
from partnerships.contracts.rules import today as leipzig_today
from partnerships.development.phase import end_of_day
from partnerships.development.stipends import services as stipends
from partnerships.development.tables import DevelopmentPhase
from partnerships.tables import Evidence, Milestone, Partnership
from tests.challenge.results.test_challenge_results import challenge_call, decide
from tests.conftest import http_client
from tests.partnerships.conftest import role_client, upload
from tests.support.files import pdf
from tests.support.web import api, login


async def stipends_of(submission_ids) -> list[dict]:
    return await Partnership.select().where(
        Partnership.submission.is_in(list(submission_ids)) & (Partnership.kind == "stipend")
    )


async def selected_call(clients, chosen=2, size=4):
    """A call whose challenge ``a`` has ``size`` entries, the first ``chosen`` selected."""
    call, challenges, entries, _, units = await challenge_call(sizes={"a": size})
    for entry in entries["a"][:chosen]:
        response = await decide(clients["staff"], call, entry, "development")
        assert response.status_code == 200, response.text
    return call, challenges["a"], entries["a"], units["a"]


async def publish(clients, call):
    staff = clients["staff"]
    rest = await api(staff, "POST", f"/staff/calls/{call['slug']}/results/rest-not-selected")
    assert rest.status_code == 200, rest.text
    published = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
    assert published.status_code == 200, published.text


async def test_selection_prepares_one_draft_agreement_per_selected_team_only(app, clients):
    call, challenge, entries, unit = await selected_call(clients)
    rows = await stipends_of(e["id"] for e in entries)
    assert sorted(r["submission"] for r in rows) == sorted(e["id"] for e in entries[:2])
    stipend = rows[0]
    assert stipend["status"] == "draft" and stipend["total_cents"] == 2_000_00
    assert stipend["title"] == f"Stipendium Entwicklungsphase – {challenge['title']}"
    assert stipend["city_unit"] == unit["name"]
    assert (stipend["end_date"] - stipend["start_date"]).days == 55  # eight weeks
    [milestone] = await Milestone.select().where(Milestone.partnership == stipend["id"])
    assert (milestone["title"], milestone["amount_cents"]) == ("Stipendium", 2_000_00)
    assert milestone["due_date"] == stipend["start_date"]

    again = await decide(clients["staff"], call, entries[0], "development")  # idempotent
    assert again.status_code == 200
    assert len(await stipends_of([entries[0]["id"]])) == 1

    [removed] = await stipends_of([entries[1]["id"]])
    changed = await decide(clients["staff"], call, entries[1], "not_selected")
    assert changed.status_code == 200
    assert await stipends_of([entries[1]["id"]]) == []
    assert await AuditEntry.exists().where(
        (AuditEntry.action == "partnership.deleted") & (AuditEntry.object_id == str(removed["id"]))
    )


async def test_sending_waits_for_the_published_results(app, clients):
    call, _challenge, entries, _unit = await selected_call(clients, chosen=1, size=2)
    [stipend] = await stipends_of([entries[0]["id"]])
    url = f"/api/v1/partnerships/{stipend['id']}/send"
    early = await api(clients["staff"], "POST", url)
    assert early.status_code == 422 and early.json()["code"] == "results_not_published"
    assert (await Partnership.select().where(Partnership.id == stipend["id"]).first())[
        "status"
    ] == "draft"
    await publish(clients, call)
    sent = await api(clients["staff"], "POST", url)
    assert sent.status_code == 200, sent.text
    document = await clients["staff"].get(f"/api/v1/partnerships/{stipend['id']}/contract.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    text = " ".join(text.split())
    assert "Stipendienvereinbarung" in text and "2.000,00" in text
    assert "kein Anspruch" in text.lower() or "Kein Anspruch" in text


async def active_stipend(app, clients):
    """A selected team's stipend agreement, sent after publication and countersigned."""
    call, _challenge, entries, _unit = await selected_call(clients, chosen=1, size=2)
    await publish(clients, call)
    [stipend] = await stipends_of([entries[0]["id"]])
    sent = await api(clients["staff"], "POST", f"/api/v1/partnerships/{stipend['id']}/send")
    assert sent.status_code == 200, sent.text
    async with http_client(app) as team:
        await login(team, entries[0]["owner"]["email"])
        signed = await upload(team, f"/api/v1/partnerships/{stipend['id']}/signed", pdf("ok"))
        assert signed.status_code == 200, signed.text
    return signed.json()


async def test_countersigning_puts_the_stipend_up_for_approval(app, clients):
    stipend = await active_stipend(app, clients)
    assert stipend["status"] == "active" and stipend["kind"] == "stipend"
    [milestone] = stipend["milestones"]
    assert milestone["status"] == "submitted"
    [evidence] = await Evidence.select().where(Evidence.milestone == milestone["id"])
    signed = await Partnership.select().where(Partnership.id == stipend["id"]).first()
    assert evidence["document"] == signed["signed_document"] and evidence["note"]


async def test_paid_once_by_finance_after_four_eyes_never_by_an_approver(app, clients):
    stipend = await active_stipend(app, clients)
    milestone_id = stipend["milestones"][0]["id"]
    reviews, payments = (
        f"/api/v1/milestones/{milestone_id}/reviews",
        f"/api/v1/milestones/{milestone_id}/payments",
    )
    payment = {
        "amount_cents": 2_000_00,
        "paid_on": leipzig_today().isoformat(),
        "reference": "ST-1",
    }
    early = await api(clients["finance"], "POST", payments, payment)
    assert early.status_code == 422 and early.json()["code"] == "not_approved"

    both = await role_client(app, "staff", "finance")  # approves, so may not pay
    assert (await api(both, "POST", reviews, {"decision": "approve"})).status_code == 200
    twice = await api(both, "POST", reviews, {"decision": "approve"})
    assert twice.status_code == 422 and twice.json()["code"] == "four_eyes_required"
    not_yet = await api(clients["finance"], "POST", payments, payment)
    assert not_yet.status_code == 422  # one approval is not enough
    assert (
        await api(clients["staff"], "POST", reviews, {"decision": "approve"})
    ).status_code == 200

    by_approver = await api(both, "POST", payments, payment)
    assert by_approver.status_code == 422 and by_approver.json()["code"] == "four_eyes_required"
    await both.__aexit__(None, None, None)

    paid = await api(clients["finance"], "POST", payments, payment)
    assert paid.status_code == 201, paid.text
    again = await api(clients["finance"], "POST", payments, payment)
    assert again.status_code == 422  # paid once
    row = await Partnership.select().where(Partnership.id == stipend["id"]).first()
    assert row["status"] == "completed"
    funding = (await clients["finance"].get("/api/v1/funding")).json()
    mine = [g for g in funding["groups"] if g["kind"] == "stipend" and g["year"] == row["year"]]
    assert sum(g["disbursed_cents"] for g in mine) >= 2_000_00
    page = await clients["finance"].get("/staff/funding")
    assert page.status_code == 200 and "Stipendien" in page.text


async def test_draft_agreements_follow_the_phase_staff_set(app, clients):
    call, _challenge, entries, _unit = await selected_call(clients, chosen=1, size=2)
    await DevelopmentPhase(  # as staff set it (phase.set_phase)
        call=call["id"],
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 4, 30),
        offer_due_at=end_of_day(date(2027, 4, 30)).astimezone(UTC),
        created_at=datetime.now(UTC),
    ).save()
    async with db.write_transaction():
        assert await stipends.align_drafts(None, call) == 1
        assert await stipends.align_drafts(None, call) == 0  # nothing left to change
    [stipend] = await stipends_of([entries[0]["id"]])
    assert (stipend["start_date"], stipend["end_date"]) == (date(2027, 3, 1), date(2027, 4, 30))
    [milestone] = await Milestone.select().where(Milestone.partnership == stipend["id"])
    assert milestone["due_date"] == date(2027, 3, 1)
    assert "30.04.2027, 23:59 Uhr" in milestone["deliverables"]  # in Leipzig time
    # a new offer deadline alone reaches the draft's deliverables too
    await DevelopmentPhase.update(
        {DevelopmentPhase.offer_due_at: end_of_day(date(2027, 5, 7)).astimezone(UTC)}
    ).where(DevelopmentPhase.call == call["id"])
    async with db.write_transaction():
        assert await stipends.align_drafts(None, call) == 1
    [milestone] = await Milestone.select().where(Milestone.partnership == stipend["id"])
    assert "07.05.2027, 23:59 Uhr" in milestone["deliverables"]


async def test_publishing_the_results_moves_draft_agreements_to_the_phase_that_follows(app):
    """A selection made weeks before the results drafts the agreement on the planned results
    date; the publication moves it to the phase that follows the real one (Leipzig's today)."""
    from datetime import UTC, datetime, timedelta

    from challenge.calls.tables import Call
    from challenge.platform import clock
    from challenge.platform.accounts.identity import CurrentUser
    from challenge.platform.i18n import BERLIN
    from challenge.results import decisions, publication
    from partnerships.development import rules
    from partnerships.tables import Partnership
    from tests.challenge.results.test_challenge_results import challenge_call
    from tests.support.web import make_user

    call, _challenges, entries, _jurors, _units = await challenge_call(sizes={"a": 1})
    planned = datetime.now(UTC) + timedelta(days=90)
    await Call.update({Call.results_at: planned}).where(Call.id == call["id"])
    call = await Call.select().output(load_json=True).where(Call.id == call["id"]).first()
    user = await make_user(roles=("staff",))
    staff = CurrentUser(
        id=user["id"],
        email=user["email"],
        name="S",
        locale="de",
        affiliation="",
        roles=frozenset({"staff"}),
    )
    entry = entries["a"][0]
    await decisions.set_decision(
        staff,
        call,
        submission_id=entry["id"],
        outcome="development",
        award_cents=0,
        rationale="Gut",
    )
    drafted = await Partnership.select().where(Partnership.submission == entry["id"]).first()
    assert drafted["start_date"] > datetime.now(UTC).date() + timedelta(days=60)
    await publication.publish_results(staff, call, base_url="http://test")
    moved = await Partnership.select().where(Partnership.submission == entry["id"]).first()
    expected, _end = rules.default_phase(clock.now().astimezone(BERLIN).date())
    assert moved["start_date"] == expected
