"""The start page per role (/dashboard) and the navigation per role: each role's panels with
counts from real rows, empty states in words, the landing after login, anonymous visitors sent
to the login, the menu showing only what the person can use, and no query per row."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.jury.tables import Assignment, Juror, Round
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.tables import Milestone, Partnership
from tests.support.databases import counted_queries
from tests.support.factories import make_call, make_team, make_unit
from tests.support.web import PASSWORD, login, make_user, post_form

NOW = datetime.now(UTC)


async def call_id(call: dict):
    return (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]


async def entry(
    call: dict, team: dict | None = None, status: str = "submitted", title: str = "Idee"
) -> uuid.UUID:
    """A proposal to the call (by a team of its own unless named: one per team and call)."""
    if team is None:
        team = await make_team((await make_user())["id"])
    row = Submission(
        call=await call_id(call),
        organisation=team["id"],
        title=title,
        status=status,
        reference=f"T-{uuid.uuid4().hex[:12]}" if status == "submitted" else None,
        submitted_at=NOW if status == "submitted" else None,
        created_at=NOW,
    )
    await row.save()
    return row.id


async def juror_on(call: dict, user: dict, *, declared: bool = True) -> uuid.UUID:
    await Juror(
        call=await call_id(call),
        user=user["id"],
        invited_at=NOW,
        accepted_at=NOW,
        declaration_completed_at=NOW if declared else None,
    ).save()
    round_ = Round(call=await call_id(call), number=1, created_at=NOW)
    await round_.save()
    return round_.id


async def assign(round_id, user: dict, submission_id, status: str = "assigned") -> None:
    await Assignment(
        round=round_id, juror=user["id"], submission=submission_id, status=status, created_at=NOW
    ).save()


def panel_html(html: str, key: str) -> str:
    """The HTML of one panel (its <section data-panel=key>), or "" when absent."""
    match = re.search(rf'<section[^>]*data-panel="{key}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def figure(html: str, label: str) -> int:
    """The number shown beside a count's label (the msgid in data-count)."""
    match = re.search(rf'data-count="{re.escape(label)}">.*?<strong>([\d.,]+)</strong>', html, re.S)
    assert match, f"no figure {label!r}"
    return int(match.group(1).replace(".", "").replace(",", ""))


async def signed_in(client, **kwargs) -> dict:
    """A new person, signed in; English unless asked otherwise (the account's language wins)."""
    user = await make_user(**{"locale": "en", **kwargs})
    await login(client, user["email"])
    return user


async def test_anonymous_visitors_are_sent_to_the_login(client):
    response = await client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/dashboard"


async def test_login_lands_on_the_dashboard_unless_a_page_is_named(client):
    user = await make_user()
    response = await post_form(
        client, "/login", {"email": user["email"], "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    again = await client.get("/login", follow_redirects=False)
    assert again.headers["location"] == "/dashboard"
    named = await client.get("/login?next=/teams", follow_redirects=False)
    assert named.headers["location"] == "/teams"
    foreign = await client.get("/login?next=//evil.example", follow_redirects=False)
    assert foreign.headers["location"] == "/dashboard"


async def test_a_new_account_sees_its_empty_proposals_and_teams_and_their_menu(client):
    await signed_in(client, name="Nora Neu")
    page = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    assert "Overview for Nora Neu" in page
    assert "No drafts waiting" in panel_html(page, "proposals")
    assert "You are not in a team yet" in panel_html(page, "teams")
    assert 'href="/teams/new"' in panel_html(page, "teams")
    assert 'href="/me/submissions"' in page and 'href="/teams"' in page  # the menu
    assert 'href="/jury"' not in page and not panel_html(page, "jury")
    assert 'href="/partner"' not in page


async def test_an_applicant_sees_drafts_with_time_left_and_results(client):
    user = await signed_in(client)
    team = await make_team(user["id"], name="Team Morgen")
    call = await make_call(title="Aufruf Grün", closes_at=NOW + timedelta(days=3, hours=2))
    await entry(call, team, status="draft", title="Bäume zählen")
    await entry(await make_call(), team, status="draft", title="")
    decided = await make_call(
        title="Aufruf Alt", results_published_at=NOW, status="results_published"
    )
    won = await entry(decided, team, title="Sieger-Idee")
    await Decision(
        call=await call_id(decided), submission=won, outcome="winner", created_at=NOW
    ).save()
    page = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    proposals = panel_html(page, "proposals")
    assert "Bäume zählen" in proposals and "New proposal" in proposals
    assert "3 days left" in proposals and "Aufruf Grün" in proposals
    assert figure(proposals, "Drafts") == 2 and figure(proposals, "Submitted") == 1
    results = panel_html(page, "results")
    assert "Sieger-Idee" in results and 'data-status="decision:winner"' in results
    assert "Team Morgen" in panel_html(page, "teams")


async def test_a_juror_sees_reviews_done_of_assigned_and_the_next_review(client):
    user = await signed_in(client)
    call = await make_call(
        title="Aufruf Jury", status="judging", jury_ends_at=NOW + timedelta(days=5)
    )
    round_id = await juror_on(call, user)
    first, second, third = [await entry(call, title=f"E{i}") for i in range(3)]
    await assign(round_id, user, first, "done")
    await assign(round_id, user, second)
    await assign(round_id, user, third)
    page = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    jury = panel_html(page, "jury")
    assert "Aufruf Jury" in jury
    assert '<progress id="progress-jury-1" value="1" max="3">' in jury
    assert "1 of 3" in jury and "5 days left" in jury
    assert (
        f'href="/jury/reviews/{second}?round=1"' in jury
        or f'href="/jury/reviews/{third}?round=1"' in jury
    )
    # the menu: Jury, no proposals or teams for a juror without a team
    assert 'href="/jury"' in page
    assert 'href="/me/submissions"' not in page and 'href="/teams"' not in page
    assert not panel_html(page, "proposals")


async def test_a_juror_before_the_declaration_is_sent_to_it(client):
    user = await signed_in(client)
    call = await make_call(title="Aufruf Erklärung", status="judging")
    await juror_on(call, user, declared=False)
    page = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    jury = panel_html(page, "jury")
    assert f'href="/jury/calls/{call["slug"]}/declaration"' in jury
    assert "Complete your declaration of conflicts" in jury


async def test_an_applicant_on_a_jury_without_team_sees_no_proposals_but_with_a_team_does(client):
    user = await signed_in(client)
    call = await make_call(status="judging")
    await juror_on(call, user)
    assert 'href="/me/submissions"' not in (await client.get("/dashboard")).text
    await make_team(user["id"])
    page = (await client.get("/dashboard")).text
    assert 'href="/me/submissions"' in page and 'href="/jury"' in page


async def test_a_unit_member_sees_challenge_drafts_with_their_status(client):
    user = await signed_in(client)
    unit = await make_unit(members=[user["id"]])
    for status, title in (("draft", "Parkbank"), ("changes_requested", "Laterne")):
        await Challenge(unit=unit["id"], title=title, status=status, created_at=NOW).save()
    page = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    unit_panel = panel_html(page, "unit")
    assert 'data-status="challenge:changes_requested"' in unit_panel
    assert unit_panel.index("Laterne") < unit_panel.index("Parkbank")  # what waits for the unit
    assert figure(unit_panel, "Drafts") == 1 and figure(unit_panel, "Changes requested") == 1
    assert 'href="/unit/challenges"' in page
    assert 'href="/me/submissions"' not in page and 'href="/staff/calls"' not in page


async def test_staff_see_calls_by_phase_and_unassigned_entries(client):
    await signed_in(client, roles=("staff",))
    before = (await client.get("/dashboard")).text
    call = await make_call(
        # the oldest deadline comes first in the capped list (other tests' calls share the database)
        title="Aufruf Zuweisung",
        status="judging",
        closes_at=NOW - timedelta(days=3650),
    )
    await entry(call)
    await entry(call)
    assigned = await entry(call)
    juror = await make_user()
    await assign(await juror_on(call, juror), juror, assigned)
    await make_call(status="draft")
    page = (await client.get("/dashboard")).text
    unassigned = panel_html(page, "unassigned")
    label = "Entries not assigned to jurors"
    assert figure(unassigned, label) == figure(panel_html(before, "unassigned"), label) + 2
    assert "Aufruf Zuweisung" in unassigned and f"/staff/calls/{call['slug']}/jury" in unassigned
    calls = panel_html(page, "calls")
    assert 'data-status="call_phase:' in calls  # the calls under way with their phase
    for phase in ("Calls in preparation", "Calls being judged"):
        assert figure(calls, phase) == figure(panel_html(before, "calls"), phase) + 1
    assert 'href="/me/submissions"' not in page and 'href="/jury"' not in page


async def _partnership(team: dict, *, status="active", kind="partnership") -> uuid.UUID:
    call = await make_call(status="results_published", results_published_at=NOW)
    submission = await entry(call, team)
    number = await Partnership.count() + 1 + uuid.uuid4().int % 100_000_000
    row = Partnership(
        number=number,
        year=2026,
        call=await call_id(call),
        submission=submission,
        organisation=team["id"],
        title=f"Vertrag {kind}",
        kind=kind,
        start_date=date(2026, 1, 1),
        end_date=date(2099, 12, 31),
        total_cents=100_000_00,
        status=status,
        created_at=NOW,
    )
    await row.save()
    return row.id


async def _milestone(partnership, title, status, due: date, amount=10_000_00, paid=0) -> None:
    await Milestone(
        partnership=partnership,
        position=await Milestone.count().where(Milestone.partnership == partnership) + 1,
        title=title,
        due_date=due,
        amount_cents=amount,
        paid_cents=paid,
        status=status,
        submitted_at=NOW,
        approved_at=NOW if status == "approved" else None,
    ).save()


async def test_a_partner_sees_the_next_milestone_and_what_is_due(client):
    user = await signed_in(client)
    team = await make_team(user["id"])
    contract = await _partnership(team)
    await _milestone(contract, "Prototyp", "planned", date(2020, 1, 1))
    await _milestone(contract, "Betrieb", "planned", date(2099, 6, 1))
    await _milestone(contract, "Schon bezahlt", "paid", date(2020, 1, 1))
    page = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    partner = panel_html(page, "partner")
    assert partner.index("Prototyp") < partner.index("Betrieb")
    assert 'data-status="milestone:overdue"' in partner and "Schon bezahlt" not in partner
    assert "€10,000.00" in partner
    assert 'href="/partner"' in page


async def test_finance_sees_approved_milestones_and_stipends_to_pay(client):
    await signed_in(client, roles=("finance",))
    before = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    owner = await make_user()
    team = await make_team(owner["id"])
    contract = await _partnership(team)
    stipend = await _partnership(team, kind="stipend")
    await _milestone(contract, "Freigegeben", "approved", date(2026, 1, 1), paid=2_500_00)
    await _milestone(stipend, "Rate 1", "approved", date(2026, 1, 1), amount=1_000_00)
    await _milestone(stipend, "Rate 2", "planned", date(2026, 1, 1))
    page = (await client.get("/dashboard", headers={"Accept-Language": "en"})).text
    payments, earlier = panel_html(page, "payments"), panel_html(before, "payments")
    for label in ("Approved milestones to pay", "Stipend instalments to pay"):
        assert figure(payments, label) == figure(earlier, label) + 1
    assert not panel_html(page, "calls") and 'href="/me/submissions"' not in page


async def test_staff_see_milestones_to_review(client):
    await signed_in(client, roles=("staff",))
    owner = await make_user()
    team = await make_team(owner["id"])
    contract = await _partnership(team)
    before = figure(
        panel_html((await client.get("/dashboard")).text, "milestone-review"),
        "Milestones to review",
    )
    await _milestone(contract, "Nachweis da", "submitted", date(2026, 1, 1))
    page = (await client.get("/dashboard")).text
    assert figure(panel_html(page, "milestone-review"), "Milestones to review") == before + 1


async def test_queries_do_not_grow_with_the_rows(client):
    """One call with one review or three calls with many: the same number of statements."""
    user = await signed_in(client)
    first = await make_call(status="judging")
    round_id = await juror_on(first, user)
    await assign(round_id, user, await entry(first))
    await client.get("/dashboard")
    with counted_queries() as few:
        assert (await client.get("/dashboard")).status_code == 200
    for _ in range(2):
        call = await make_call(status="judging")
        round_id = await juror_on(call, user)
        for _ in range(4):
            await assign(round_id, user, await entry(call))
    with counted_queries() as many:
        assert (await client.get("/dashboard")).status_code == 200
    assert len(many) == len(few), (len(few), len(many))
