"""The open-source bonus (issue 18, points 5 and 6): its evidence (repository, release or
commit, SPDX licence), staff's verification (OSI-approved and as offered) before the normal
four-eyes approval and finance's payment, and the public project page's path."""

import re
from datetime import date

from partnerships.tables import Milestone
from tests.conftest import http_client
from tests.partnerships.conftest import upload
from tests.partnerships.development.pilot_world import decide, pilot_call
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login

REPOSITORY = "https://gitlab.example.org/kuehle-wege/karte"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


async def active_pilot(app, clients):
    """A signed pilot contract with its bonus milestone; (call, partnership id, bonus id,
    partner client)."""
    call, _challenge, entries = await pilot_call(teams=1)
    decision = (await decide(clients["staff"], call, entries[0]["id"])).json()
    partnership_id = decision["partnership_id"]
    sent = await api(clients["staff"], "POST", f"/api/v1/partnerships/{partnership_id}/send")
    assert sent.status_code == 200, sent.text
    partner = http_client(app)
    await partner.__aenter__()
    await login(partner, entries[0]["owner"]["email"])
    signed = await upload(partner, f"/api/v1/partnerships/{partnership_id}/signed", pdf("ok"))
    assert signed.status_code == 200, signed.text
    bonus = [m for m in signed.json()["milestones"] if m["kind"] == "open_source_bonus"][0]
    return call, partnership_id, bonus["id"], partner


async def evidence(partner, milestone_id, **fields):
    body, content_type = multipart(None, b"", extra=fields)
    return await partner.post(
        f"/api/v1/milestones/{milestone_id}/evidence",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(partner)},
    )


def bonus_fields(licence="EUPL-1.2", url=REPOSITORY, ref="v1.0.0"):
    return {"repository_url": url, "ref": ref, "licence": licence}


async def review(client, milestone_id, decision="approve", comment=""):
    return await api(
        client,
        "POST",
        f"/api/v1/milestones/{milestone_id}/reviews",
        {"decision": decision, "comment": comment},
    )


async def test_bonus_evidence_needs_repository_release_and_licence(app, clients):
    _call, _p, bonus_id, partner = await active_pilot(app, clients)
    try:
        empty = await evidence(partner, bonus_id, note="fertig")
        assert empty.status_code == 422
        assert {e["field"] for e in empty.json()["errors"]} == {"repository_url", "ref", "licence"}
        plain = await evidence(partner, bonus_id, **bonus_fields(url="http://example.org/x"))
        assert [e["field"] for e in plain.json()["errors"]] == ["repository_url"]
        unknown = await evidence(partner, bonus_id, **bonus_fields(licence="Meine-Lizenz"))
        assert [e["field"] for e in unknown.json()["errors"]] == ["licence"]
        row = await Milestone.select(Milestone.status).where(Milestone.id == bonus_id).first()
        assert row["status"] == "planned"
        done = await evidence(partner, bonus_id, **bonus_fields())
        assert done.status_code == 200 and done.json()["status"] == "submitted"
    finally:
        await partner.__aexit__(None, None, None)


async def test_verified_bonus_is_approved_by_four_eyes_and_paid_by_finance(app, clients):
    _call, partnership_id, bonus_id, partner = await active_pilot(app, clients)
    try:
        assert (await evidence(partner, bonus_id, **bonus_fields())).status_code == 200
        early = await review(clients["staff"], bonus_id)
        assert early.status_code == 422 and early.json()["code"] == "bonus_not_verified"
        by_partner = await api(partner, "POST", f"/api/v1/milestones/{bonus_id}/verify-bonus")
        assert by_partner.status_code == 403
    finally:
        await partner.__aexit__(None, None, None)
    verified = await api(clients["staff"], "POST", f"/api/v1/milestones/{bonus_id}/verify-bonus")
    assert verified.status_code == 200, verified.text
    result = verified.json()
    assert (result["licence"], result["osi_approved"], result["matches_offer"]) == (
        "EUPL-1.2",
        True,
        True,
    )
    assert (await review(clients["staff"], bonus_id)).json()["status"] == "submitted"
    twice = await review(clients["staff"], bonus_id)
    assert twice.status_code == 422 and twice.json()["code"] == "four_eyes_required"
    assert (await review(clients["staff2"], bonus_id)).json()["status"] == "approved"
    pay = {"amount_cents": 10_000_00, "paid_on": date(2027, 9, 1).isoformat(), "reference": "B-1"}
    paid = await api(clients["finance"], "POST", f"/api/v1/milestones/{bonus_id}/payments", pay)
    assert paid.status_code == 201, paid.text
    row = await Milestone.select(Milestone.status).where(Milestone.id == bonus_id).first()
    assert row["status"] == "paid"
    page = await clients["staff"].get(f"/staff/partnerships/{partnership_id}")
    assert REPOSITORY in page.text and "EUPL-1.2" in page.text


async def test_a_non_osi_or_other_licence_cannot_be_approved(app, clients):
    _call, _p, bonus_id, partner = await active_pilot(app, clients)
    verify = f"/api/v1/milestones/{bonus_id}/verify-bonus"
    try:
        for licence, osi, matches in (("BUSL-1.1", False, False), ("MIT", True, False)):
            assert (await evidence(partner, bonus_id, **bonus_fields(licence))).status_code == 200
            result = (await api(clients["staff"], "POST", verify)).json()
            assert (result["osi_approved"], result["matches_offer"]) == (osi, matches)
            refused = await review(clients["staff"], bonus_id)
            assert refused.status_code == 422 and refused.json()["code"] == "bonus_not_verified"
            back = await review(
                clients["staff"], bonus_id, "request_changes", "Lizenz wie im Angebot"
            )
            assert back.json()["status"] == "changes_requested"
        assert (await evidence(partner, bonus_id, **bonus_fields())).status_code == 200
        row = await Milestone.select(Milestone.verification).where(Milestone.id == bonus_id).first()
        assert row["verification"] in ({}, "{}")  # a new round is verified anew
        assert (await review(clients["staff"], bonus_id)).status_code == 422
        assert (await api(clients["staff"], "POST", verify)).json()["matches_offer"] is True
        assert (await review(clients["staff"], bonus_id)).status_code == 200
    finally:
        await partner.__aexit__(None, None, None)


async def test_regular_milestones_cannot_be_verified(app, clients):
    _call, partnership_id, _bonus, partner = await active_pilot(app, clients)
    await partner.__aexit__(None, None, None)
    regular = (
        await Milestone.select(Milestone.id)
        .where((Milestone.partnership == partnership_id) & (Milestone.kind == "regular"))
        .first()
    )
    answer = await api(clients["staff"], "POST", f"/api/v1/milestones/{regular['id']}/verify-bonus")
    assert answer.status_code == 422 and answer.json()["code"] == "not_bonus"


async def test_the_pages_show_the_bonus_form_and_the_verification(app, clients):
    _call, partnership_id, bonus_id, partner = await active_pilot(app, clients)
    try:
        page = await partner.get(f"/partner/partnerships/{partnership_id}")
        assert page.status_code == 200
        assert 'name="repository_url"' in page.text and 'name="licence"' in page.text
        assert page.text.count('name="repository_url"') == 1
        form_url = f"/partner/partnerships/{partnership_id}/milestones/{bonus_id}/evidence"
        body, content_type = multipart("", b"", extra=bonus_fields(ref=""))
        refused = await partner.post(
            f"{form_url}?_csrf_token={await csrf(partner)}",
            content=body,
            headers={"content-type": content_type},
        )
        assert refused.status_code == 422
        body, content_type = multipart("", b"", extra=bonus_fields())
        sent = await partner.post(
            f"{form_url}?_csrf_token={await csrf(partner)}",
            content=body,
            headers={"content-type": content_type},
        )
        assert sent.status_code == 303
    finally:
        await partner.__aexit__(None, None, None)
    staff_page = await clients["staff"].get(f"/staff/partnerships/{partnership_id}")
    assert f"/staff/milestones/{bonus_id}/verify-bonus" in staff_page.text
    verified = await clients["staff"].post(
        f"/staff/milestones/{bonus_id}/verify-bonus",
        headers={"x-csrftoken": await csrf(clients["staff"])},
    )
    assert verified.status_code == 303
    staff_page = await clients["staff"].get(f"/staff/partnerships/{partnership_id}")
    assert f"/staff/milestones/{bonus_id}/verify-bonus" not in staff_page.text


async def test_the_public_project_page_shows_the_path_and_the_code(app, clients, client):
    _call, partnership_id, bonus_id, partner = await active_pilot(app, clients)
    try:
        await evidence(partner, bonus_id, **bonus_fields())
    finally:
        await partner.__aexit__(None, None, None)
    before = await client.get(f"/projects/{partnership_id}")
    assert before.status_code == 200
    assert "Kühle Wege" in before.text and "Schattige Wege 1" in before.text
    assert "Eine Karte schattiger Wege für heiße Tage." in before.text
    assert "28. Februar 2027" in before.text  # the development phase ends
    assert REPOSITORY not in before.text  # not verified yet
    await api(clients["staff"], "POST", f"/api/v1/milestones/{bonus_id}/verify-bonus")
    await client.get("/projects")  # any cache is per page
    after = await client.get(f"/projects/{partnership_id}?v=2")
    assert REPOSITORY in after.text and "EUPL-1.2" in after.text
    visible = re.sub(r"<[^>]+>", " ", after.text)
    assert not UUID_TEXT.search(visible) and "@" not in visible
