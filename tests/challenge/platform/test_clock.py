"""challenge/platform/clock.py: one clock, frozen and advanced by tests. Pure unit tests."""

from datetime import UTC, datetime, timedelta, timezone

from challenge.platform import clock

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_now_is_aware_utc():
    moment = clock.now()
    assert moment.tzinfo is not None
    assert moment.utcoffset() == timedelta(0)


def test_now_outside_a_test_follows_the_system_clock():
    before = datetime.now(UTC)
    moment = clock.now()
    after = datetime.now(UTC)
    assert before <= moment <= after


def test_frozen_stops_the_clock():
    with clock.frozen(NOON):
        assert clock.now() == NOON
        assert clock.now() == NOON


def test_frozen_without_a_moment_stops_at_the_present():
    before = datetime.now(UTC)
    with clock.frozen() as frozen:
        assert before <= frozen.current <= datetime.now(UTC)
        assert clock.now() == frozen.current


def test_frozen_naive_moment_is_taken_as_utc():
    with clock.frozen(datetime(2026, 3, 1, 12, 0)):
        assert clock.now() == NOON
        assert clock.now().tzinfo is not None


def test_frozen_other_zone_is_converted_to_utc():
    berlin_winter = timezone(timedelta(hours=1))
    with clock.frozen(datetime(2026, 3, 1, 13, 0, tzinfo=berlin_winter)):
        assert clock.now() == NOON
        assert clock.now().utcoffset() == timedelta(0)


def test_advance_by_seconds():
    with clock.frozen(NOON) as frozen:
        assert frozen.advance(3) == NOON + timedelta(seconds=3)
        assert clock.now() == NOON + timedelta(seconds=3)


def test_advance_by_timedelta_and_units():
    with clock.frozen(NOON) as frozen:
        frozen.advance(timedelta(minutes=1))
        frozen.advance(hours=2, seconds=1)
        assert clock.now() == NOON + timedelta(hours=2, minutes=1, seconds=1)


def test_advance_by_a_fraction_of_a_second():
    with clock.frozen(NOON) as frozen:
        frozen.advance(seconds=0.5)
        assert clock.now() == NOON + timedelta(milliseconds=500)


def test_set_jumps_to_a_moment():
    with clock.frozen(NOON) as frozen:
        frozen.set(datetime(2027, 1, 1))
        assert clock.now() == datetime(2027, 1, 1, tzinfo=UTC)


def test_frozen_nesting_restores_the_outer_clock():
    with clock.frozen(NOON) as outer:
        with clock.frozen(NOON + timedelta(days=1)) as inner:
            assert clock.now() == NOON + timedelta(days=1)
            inner.advance(seconds=5)
        assert clock.now() == NOON
        outer.advance(seconds=1)
        assert clock.now() == NOON + timedelta(seconds=1)


def test_frozen_ends_with_the_block_even_on_error():
    try:
        with clock.frozen(NOON):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert clock.now() != NOON
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
