"""Stored XSS sweep over results, partnerships and open-data pages (see tests/challenge/platform/security/test_xss.py
for the rules and the other fields): payloads in every field a person writes here render inert for
staff, finance, the partner and the public, and every page answers 200.

Fields swept here: the call's title, the entry's title and summary, the team's name and the
decision's rationale (with the results and the project), the contract's title, scope and city unit,
milestone titles and deliverables, evidence file name and note, the review comment (changes
requested), the payment reference, the amendment's rationale and changed deliverables, the
termination reason (audit log only) — and the mails sent."""

from challenge.calls.tables import Call
from challenge.organisations.tables import Organisation
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from tests.challenge.platform.security.test_xss import PAYLOAD, SHORT, SHOWN, mails_to, sweep
from tests.conftest import http_client
from tests.partnerships.conftest import START, awarded_entry, role_client, running, upload
from tests.support.files import pdf
from tests.support.web import api


def payload_plan() -> dict:
    return {
        "title": f"Projekt {PAYLOAD}",
        "scope": PAYLOAD,
        "city_unit": f"Amt {PAYLOAD}",
        "milestones": [
            {
                "title": f"Meilenstein {n} {PAYLOAD}",
                "deliverables": PAYLOAD,
                "due_date": f"2027-0{2 * n + 1}-01",
                "amount_cents": amount,
            }
            for n, amount in enumerate((20_000_00, 40_000_00))
        ],
    }


async def test_results_partnership_and_project_pages_render_payloads_inert(app, clients):
    entry, partnership, partner = await running(app, clients, **payload_plan())
    pid, first = partnership["id"], partnership["milestones"][0]["id"]
    await Submission.update(
        {Submission.title: f"Titel {PAYLOAD}"[:200], Submission.summary: PAYLOAD}
    ).where(Submission.id == entry["submission_id"])
    await Organisation.update({Organisation.name: f"Team {PAYLOAD}"[:200]}).where(
        Organisation.id == entry["team"]["id"]
    )
    await Decision.update({Decision.rationale: PAYLOAD}).where(
        Decision.submission == entry["submission_id"]
    )
    await Call.update({Call.title: f"Aufruf {PAYLOAD}"}).where(
        Call.id == entry["call"]["id"]
    )  # the funding overview
    evidence = await upload(
        partner,
        f"/api/v1/milestones/{first}/evidence",
        pdf(),
        filename=f"bericht{SHORT}.pdf",
        extra={"note": PAYLOAD},
    )
    assert evidence.status_code == 200, evidence.text
    changes = await api(
        clients["staff"],
        "POST",
        f"/api/v1/milestones/{first}/reviews",
        {"decision": "request_changes", "comment": PAYLOAD},
    )
    assert changes.status_code == 200, changes.text
    again = await upload(
        partner,
        f"/api/v1/milestones/{first}/evidence",
        pdf(),
        filename="bericht2.pdf",
        extra={"note": f"Neu {PAYLOAD}"},
    )
    assert again.status_code == 200, again.text
    for name in ("staff", "staff2"):
        approved = await api(
            clients[name], "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"}
        )
        assert approved.status_code == 200, approved.text
    paid = await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 5_000_00, "paid_on": START.isoformat(), "reference": f"K-1 {SHORT}"},
    )
    assert paid.status_code == 201, paid.text
    amended = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{pid}/amendments",
        {
            "rationale": PAYLOAD,
            "milestones": [
                {"id": partnership["milestones"][1]["id"], "deliverables": f"Neu {PAYLOAD}"}
            ],
        },
    )
    assert amended.status_code == 201, amended.text
    # a second awarded entry with a payload title, whose partnership is still to be drafted
    other = await awarded_entry()
    await Submission.update({Submission.title: f"Zweiter {PAYLOAD}"[:200]}).where(
        Submission.id == other["submission_id"]
    )

    slug = entry["call"]["slug"]
    await sweep(
        clients["staff"],
        [
            "/staff/partnerships",
            f"/staff/partnerships/{pid}",
            "/staff/funding",
            f"/staff/partnerships/new?submission={other['submission_id']}",
            f"/staff/calls/{slug}/results",
            f"/staff/calls/{slug}/results/decide/{entry['submission_id']}",
            f"/staff/calls/{slug}/results/publish",
        ],
    )
    detail = (await clients["staff"].get(f"/staff/partnerships/{pid}")).text
    assert (
        detail.count(SHOWN) >= 8
    )  # title, scope, milestones, notes, comment, payment, amendment …
    await sweep(clients["finance"], [f"/staff/partnerships/{pid}", "/staff/funding"])
    await sweep(
        partner,
        ["/partner", f"/partner/partnerships/{pid}", f"/submissions/{entry['submission_id']}"],
    )
    async with http_client(app) as public:
        await sweep(public, ["/projects", f"/projects/{pid}", f"/calls/{slug}/results"])
        await sweep(
            public, ["/opendata"], with_payload=False
        )  # the catalogue of files, no project text
    mails = await mails_to([entry["owner"]["email"]])
    assert {"partnership_sent", "partnership_amended"} <= {m["template"] for m in mails}

    # ended early: the reason goes to the audit log; the pages stay as they were
    terminated = await api(
        clients["staff"], "POST", f"/api/v1/partnerships/{pid}/terminate", {"reason": PAYLOAD}
    )
    assert terminated.status_code == 200, terminated.text
    admin = await role_client(app, "staff", "admin")
    await sweep(admin, [f"/admin/audit?object_id={pid}", f"/staff/partnerships/{pid}"])
    await sweep(partner, [f"/partner/partnerships/{pid}"])
    for client in (admin, partner):
        await client.__aexit__(None, None, None)
