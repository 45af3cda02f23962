"""The partnership editor's milestone rows and running total, badges and the actions a person is
offered on a partnership page (the same rules the services keep)."""

import dataclasses
import re

from partnerships.tables import Milestone, Partnership
from partnerships.totals import running_total
from tests.partnerships.conftest import awarded_entry, role_client, running
from tests.partnerships.test_partnership_pages import contract_form, post_multipart
from tests.support.web import post_form


def row_titles(html: str) -> list[str]:
    return re.findall(r'name="m\d+_title" type="text" value="([^"]*)"', html)


async def test_row_buttons_add_remove_and_move_rows_keep_the_input_and_save_nothing(app):
    staff = await role_client(app, "staff")
    entry = await awarded_entry()
    # on the new contract's form: a row is added, nothing is created
    added = await post_form(
        staff, "/staff/partnerships/new", contract_form(entry, row_action="add", title="Neu")
    )
    assert added.status_code == 200
    assert row_titles(added.text) == ["Prototyp", "Pilot", "", ""]
    assert 'value="Neu"' in added.text and 'value="40.000,00"' in added.text
    assert not await Partnership.exists().where(Partnership.submission == entry["submission_id"])
    created = await post_form(
        staff, "/staff/partnerships/new", contract_form(entry), follow_redirects=False
    )
    pid = created.headers["location"].rsplit("/", 1)[-1]
    edit = f"/staff/partnerships/{pid}/edit"
    page = await staff.get(edit)
    assert row_titles(page.text) == ["Prototyp", "Pilot"]
    moved = await post_form(staff, edit, contract_form(entry, row_action="up-2", title="Anders"))
    assert moved.status_code == 200 and row_titles(moved.text) == ["Pilot", "Prototyp", ""]
    assert 'value="Anders"' in moved.text
    removed = await post_form(staff, edit, contract_form(entry, row_action="remove-1"))
    assert removed.status_code == 200 and row_titles(removed.text) == ["Pilot", ""]
    # nothing of it was saved
    stored = await Partnership.select(Partnership.title).where(Partnership.id == pid).first()
    assert stored["title"] == "Kühle Wege"
    titles = [
        m["title"]
        for m in await Milestone.select(Milestone.title)
        .where(Milestone.partnership == pid)
        .order_by(Milestone.position)
    ]
    assert titles == ["Prototyp", "Pilot"]
    await staff.__aexit__(None, None, None)


async def test_the_running_total_says_whether_the_tranches_add_up(app):
    staff = await role_client(app, "staff")
    entry = await awarded_entry(award=80_000_00)
    created = await post_form(
        staff, "/staff/partnerships/new", contract_form(entry), follow_redirects=False
    )
    pid = created.headers["location"].rsplit("/", 1)[-1]
    page = await staff.get(f"/staff/partnerships/{pid}/edit")
    assert 'data-state="match"' in page.text and "Die Summe stimmt" in page.text
    short = await post_form(
        staff,
        f"/staff/partnerships/{pid}/edit",
        contract_form(entry, row_action="add", total="70.000,00"),
    )
    assert 'data-state="under"' in short.text and "Es fehlen noch 10.000,00" in short.text
    assert 'class="kern-alert kern-alert--warning"' in short.text
    over = await post_form(
        staff,
        f"/staff/partnerships/{pid}/edit",
        contract_form(entry, row_action="add", total="50.000"),
    )
    assert 'data-state="over"' in over.text and "10.000,00\xa0€ zu viel" in over.text
    await staff.__aexit__(None, None, None)


def test_running_total_states():
    assert running_total(["20.000", 40_000_00], "60.000,00", "de")["state"] == "match"
    assert running_total(["20.000"], "60.000,00", "de")["difference_cents"] == 40_000_00
    assert running_total(["20,000.50"], "20000.50", "en")["state"] == "match"
    assert running_total(["zwanzig"], "60.000", "de")["state"] == "unreadable"
    assert running_total([], "", "de")["state"] == "empty"
    # amounts typed, the contract total not yet: missing, not an unreadable amount
    assert running_total(["20.000"], "", "de")["state"] == "no_target"
    assert running_total([70_00], 60_00, "de")["state"] == "over"


async def test_an_overdue_milestone_has_its_own_badge(app, clients):
    _entry, partnership, partner = await running(
        app,
        clients,
        start_date="2026-01-01",
        milestones=[
            {
                "title": "Früh",
                "deliverables": "",
                "due_date": "2026-03-01",
                "amount_cents": 20_000_00,
            },
            {
                "title": "Spät",
                "deliverables": "",
                "due_date": "2027-06-01",
                "amount_cents": 40_000_00,
            },
        ],
    )
    page = (await partner.get(f"/partner/partnerships/{partnership['id']}")).text
    early = page[page.index("Früh") : page.index("Spät")]
    late = page[page.index("Spät") :]
    assert 'data-status="milestone:overdue"' in early and "kern-badge--danger" in early
    assert "Überfällig" in early
    assert 'data-status="milestone:planned"' in late and "kern-badge--info" in late
    assert 'data-status="milestone:overdue"' not in late
    assert '<progress id="progress-paid" value="0" max="2">' in page and "0 von 2" in page
    await partner.__aexit__(None, None, None)


async def test_who_approved_a_milestone_is_not_offered_its_payment(app, clients):
    _entry, partnership, partner = await running(app, clients)
    pid = partnership["id"]
    first = partnership["milestones"][0]["id"]
    noted = await post_multipart(
        partner,
        f"/partner/partnerships/{pid}/milestones/{first}/evidence",
        "",
        b"",
        extra={"note": "Geliefert"},
    )
    assert noted.status_code == 303, noted.text
    both = await role_client(app, "staff", "finance")
    for client in (both, clients["staff"]):
        page = (await client.get(f"/staff/partnerships/{pid}")).text
        assert 'name="decision" value="approve"' in page  # offered before approving
        reviewed = await post_form(
            client,
            f"/staff/milestones/{first}/review",
            {"decision": "approve", "comment": ""},
            follow_redirects=False,
        )
        assert reviewed.status_code == 303
    approver = (await both.get(f"/staff/partnerships/{pid}")).text
    assert "Zahlung erfassen" not in approver
    other = (await clients["finance"].get(f"/staff/partnerships/{pid}")).text
    assert "Zahlung erfassen" in other and 'value="20000,00"' in other  # German amount prefill
    refused = await post_form(
        both,
        f"/staff/milestones/{first}/payment",
        {"amount": "20.000,00", "paid_on": "2027-03-01", "reference": "K-1"},
    )
    assert refused.status_code == 422  # and the service refuses it too
    await both.__aexit__(None, None, None)
    await partner.__aexit__(None, None, None)


async def test_a_second_approval_by_the_same_person_is_not_offered(app, clients):
    _entry, partnership, partner = await running(app, clients)
    pid, first = partnership["id"], partnership["milestones"][0]["id"]
    await post_multipart(
        partner,
        f"/partner/partnerships/{pid}/milestones/{first}/evidence",
        "",
        b"",
        extra={"note": "Geliefert"},
    )
    await post_form(
        clients["staff"],
        f"/staff/milestones/{first}/review",
        {"decision": "approve"},
        follow_redirects=False,
    )
    mine = (await clients["staff"].get(f"/staff/partnerships/{pid}")).text
    assert 'name="decision" value="approve"' not in mine
    assert 'value="request_changes"' in mine
    theirs = (await clients["staff2"].get(f"/staff/partnerships/{pid}")).text
    assert 'name="decision" value="approve"' in theirs
    await partner.__aexit__(None, None, None)


async def test_start_the_partnership_is_offered_only_while_there_is_none(app):
    from partnerships.contracts import services

    staff = await role_client(app, "staff")
    entry = await awarded_entry()
    me = await _current(staff)
    assert await services.may_start(me, entry["submission_id"])
    created = await post_form(
        staff, "/staff/partnerships/new", contract_form(entry), follow_redirects=False
    )
    assert created.status_code == 303
    assert not await services.may_start(me, entry["submission_id"])
    again = await staff.get(
        f"/staff/partnerships/new?submission={entry['submission_id']}", follow_redirects=False
    )
    assert again.status_code == 303 and again.headers["location"] == created.headers["location"]
    await staff.__aexit__(None, None, None)


async def test_the_ranking_page_offers_start_only_for_entries_without_a_partnership(app):
    """Domain.entry_actions: the ranking page asks partnerships, in one query for the page."""
    from partnerships.contracts import offered as services

    staff = await role_client(app, "staff")
    free, taken = await awarded_entry(), await awarded_entry()
    me = await _current(staff)
    created = await post_form(
        staff, "/staff/partnerships/new", contract_form(taken), follow_redirects=False
    )
    assert created.status_code == 303
    links = await services.start_links(me, [free["submission_id"], taken["submission_id"]])
    assert links == {
        free["submission_id"]: [
            (f"/staff/partnerships/new?submission={free['submission_id']}", "Start the partnership")
        ]
    }
    applicant = dataclasses.replace(me, roles=frozenset())
    assert await services.start_links(applicant, [free["submission_id"]]) == {}
    await staff.__aexit__(None, None, None)


async def _current(client):
    from challenge.platform.accounts.identity import CurrentUser

    user = client.user
    return CurrentUser(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        locale="de",
        affiliation="",
        roles=frozenset({"staff"}),
    )


async def test_a_signed_contract_offers_no_editor(app, clients):
    _entry, partnership, partner = await running(app, clients)
    pid = partnership["id"]
    detail = (await clients["staff"].get(f"/staff/partnerships/{pid}")).text
    assert f"/staff/partnerships/{pid}/edit" not in detail and "Entwurf bearbeiten" not in detail
    editor = await clients["staff"].get(f"/staff/partnerships/{pid}/edit")
    assert editor.status_code == 303 and editor.headers["location"] == f"/staff/partnerships/{pid}"
    await partner.__aexit__(None, None, None)
