"""A call's page and calendar follow the call's phase and the city's theme."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from challenge.calls.services import call_calendar, call_phase
from challenge.platform import theme

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "theme-example"
NOW = datetime.now(UTC)


def a_call(**overrides) -> dict:
    call = {
        "id": uuid.uuid4(),
        "slug": "hitze",
        "title": "Hitze",
        "status": "published",
        "opens_at": NOW - timedelta(days=30),
        "closes_at": NOW - timedelta(days=10),
        "jury_starts_at": NOW - timedelta(days=9),
        "jury_ends_at": NOW - timedelta(days=2),
        "results_at": None,
        "results_published_at": None,
        "updated_at": NOW - timedelta(days=40),
    }
    call.update(overrides)
    return call


@pytest.mark.parametrize(
    ("overrides", "phase"),
    [
        ({"status": "draft"}, "draft"),
        ({"opens_at": NOW + timedelta(days=1), "closes_at": NOW + timedelta(days=9)}, "upcoming"),
        ({"closes_at": NOW + timedelta(days=1)}, "open"),
        ({"jury_starts_at": None, "jury_ends_at": None}, "closed"),
        ({"jury_ends_at": NOW + timedelta(days=2)}, "jury"),
        ({}, "jury_done"),
        ({"status": "results_published", "results_published_at": NOW}, "results_published"),
    ],
)
def test_the_phase_a_person_reads_follows_the_call(overrides, phase):
    assert call_phase(a_call(**overrides), NOW) == phase


def test_the_calendar_s_prodid_is_the_theme_s():
    leipzig = Calendar.from_ical(call_calendar(a_call(), "https://example.org"))
    assert str(leipzig["prodid"]) == "-//Stadt Leipzig//Smart City Challenge//DE"
    try:
        theme.activate(EXAMPLE)
        ours = Calendar.from_ical(call_calendar(a_call(), "https://example.org"))
    finally:
        theme.activate(None)
    assert str(ours["prodid"]) == "-//Stadt Musterstadt//Smart City Challenge//DE"
