"""Pure contract rules: plan checks, overdue, references."""

from datetime import date

from partnerships.contracts.rules import (
    check_plan,
    overdue,
    partnership_ocid,
    partnership_reference,
)
from partnerships.contracts.schemas import MilestoneIn, PlanIn


def test_a_plan_to_send_needs_milestones_that_add_up():
    plan = PlanIn(
        title="Vertrag", start_date=date(2027, 1, 1), end_date=date(2027, 12, 31), total_cents=100
    )
    assert check_plan(plan) == []
    assert [e.field for e in check_plan(plan, sending=True)] == ["milestones"]
    plan.milestones = [MilestoneIn(title="A", due_date=date(2027, 6, 1), amount_cents=60)]
    assert [e.message for e in check_plan(plan, sending=True)] == [
        "The tranches must add up to the total."
    ]


def test_a_milestone_outside_the_period_is_named():
    plan = PlanIn(
        title="Vertrag",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        total_cents=100,
        milestones=[MilestoneIn(title="A", due_date=date(2028, 1, 1), amount_cents=100)],
    )
    assert [e.field for e in check_plan(plan)] == ["milestones.0.due_date"]


def test_overdue_only_while_waiting_for_evidence():
    due = {"status": "planned", "due_date": date(2027, 1, 1)}
    assert overdue(due, on=date(2027, 1, 2)) and not overdue(due, on=date(2027, 1, 1))
    assert not overdue({**due, "status": "submitted"}, on=date(2027, 2, 1))


def test_references_come_from_the_shared_formatter():
    partnership = {"year": 2026, "number": 7}
    assert partnership_reference(partnership) == "SCC-2026-7"
    assert partnership_ocid("ocds-000000", partnership) == "ocds-000000-SCC-2026-7"
