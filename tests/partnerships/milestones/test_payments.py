"""The payment date rule without HTTP: not before the contract started or existed, not in the future."""

from datetime import UTC, date, datetime

import pytest

from challenge.platform.problems import Problem
from partnerships.milestones import payments

PARTNERSHIP = {"start_date": date(2027, 1, 1), "created_at": datetime(2026, 12, 1, 9, tzinfo=UTC)}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(payments, "payment_today", lambda: date(2027, 3, 1))


def refused_field(paid_on: date) -> str | None:
    try:
        payments.check_paid_on(paid_on, PARTNERSHIP)
    except Problem as problem:
        return problem.errors[0].field
    return None


def test_from_the_contract_s_creation_until_tomorrow():
    assert refused_field(date(2026, 12, 1)) is None  # created before the start: that day counts
    assert refused_field(date(2027, 3, 2)) is None  # one day ahead for time zones and late bookings
    assert refused_field(date(2026, 11, 30)) == "paid_on"
    assert refused_field(date(2027, 3, 3)) == "paid_on"
