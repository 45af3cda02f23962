"""The amendment rule without HTTP or a database: validate_amendment(plan, change) -> errors."""

import uuid
from datetime import date

from partnerships.contracts.amendments import resolve_amendment, validate_amendment
from partnerships.contracts.schemas import AmendmentIn, MilestoneChange

FIRST, SECOND = uuid.uuid4(), uuid.uuid4()


def plan(first_status: str = "planned", first_paid: int = 0) -> dict:
    return {
        "start_date": date(2027, 1, 1),
        "end_date": date(2027, 12, 31),
        "total_cents": 60_000_00,
        "milestones": {
            FIRST: {
                "title": "Konzept",
                "deliverables": "",
                "due_date": date(2027, 3, 1),
                "amount_cents": 20_000_00,
                "status": first_status,
                "paid_cents": first_paid,
                "position": 1,
            },
            SECOND: {
                "title": "Pilot",
                "deliverables": "",
                "due_date": date(2027, 9, 1),
                "amount_cents": 40_000_00,
                "status": "planned",
                "paid_cents": 0,
                "position": 2,
            },
        },
    }


def fields(errors) -> list[str]:
    return [e.field for e in errors]


def test_moving_a_due_date_within_the_period_is_valid():
    change = AmendmentIn(
        rationale="Verzug", milestones=[MilestoneChange(id=SECOND, due_date=date(2027, 10, 1))]
    )
    assert validate_amendment(plan(), change) == []
    assert resolve_amendment(plan(), change).changed[SECOND]["due_date"] == date(2027, 10, 1)


def test_an_amendment_that_changes_nothing_is_refused():
    assert fields(validate_amendment(plan(), AmendmentIn(rationale="nichts"))) == ["milestones"]


def test_an_unknown_milestone_is_named_by_its_index():
    change = AmendmentIn(rationale="x", milestones=[MilestoneChange(id=uuid.uuid4(), title="Neu")])
    assert "milestones.0.id" in fields(validate_amendment(plan(), change))


def test_a_met_milestone_keeps_its_amount_and_date():
    change = AmendmentIn(
        rationale="x", milestones=[MilestoneChange(id=FIRST, due_date=date(2027, 4, 1))]
    )
    assert fields(validate_amendment(plan("approved"), change)) == ["milestones.0"]
    assert validate_amendment(plan("planned"), change) == []


def test_a_tranche_is_never_less_than_what_was_paid():
    change = AmendmentIn(
        rationale="x",
        total_cents=50_000_00,
        milestones=[MilestoneChange(id=FIRST, amount_cents=10_000_00)],
    )
    assert "milestones.0.amount_cents" in fields(
        validate_amendment(plan("planned", 15_000_00), change)
    )


def test_tranches_must_add_up_to_the_new_total():
    change = AmendmentIn(rationale="x", total_cents=70_000_00)
    assert fields(validate_amendment(plan(), change)) == ["milestones"]
    more = AmendmentIn(
        rationale="x",
        total_cents=70_000_00,
        milestones=[MilestoneChange(id=SECOND, amount_cents=50_000_00)],
    )
    assert validate_amendment(plan(), more) == []


def test_a_new_milestone_needs_title_date_and_amount_and_fits_the_period():
    incomplete = AmendmentIn(rationale="x", milestones=[MilestoneChange(title="Neu")])
    assert fields(validate_amendment(plan(), incomplete)) == ["milestones.0", "milestones"]
    outside = AmendmentIn(
        rationale="x",
        total_cents=70_000_00,
        milestones=[
            MilestoneChange(title="Neu", due_date=date(2028, 2, 1), amount_cents=10_000_00)
        ],
    )
    assert fields(validate_amendment(plan(), outside)) == ["milestones"]
    inside = AmendmentIn(
        rationale="x",
        end_date=date(2028, 3, 1),
        total_cents=70_000_00,
        milestones=[
            MilestoneChange(title="Neu", due_date=date(2028, 2, 1), amount_cents=10_000_00)
        ],
    )
    resolution = resolve_amendment(plan(), inside)
    assert resolution.errors == [] and list(resolution.changed) == ["new-0"]


def test_the_end_comes_after_the_start():
    change = AmendmentIn(rationale="x", end_date=date(2026, 12, 1))
    assert "end_date" in fields(validate_amendment(plan(), change))
