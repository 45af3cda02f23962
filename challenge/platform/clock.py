"""The portal's one clock.

Every rule that depends on the time asks :func:`now` (an aware UTC datetime) instead of
``datetime.now(UTC)``, so tests freeze and advance time instead of sleeping on the wall
clock::

    with clock.frozen(datetime(2026, 3, 1, 12, tzinfo=UTC)) as frozen:
        ...                     # every rule sees 12:00
        frozen.advance(hours=2) # and now 14:00

Outside a test the clock is the system's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["FrozenClock", "frozen", "now"]


@dataclass
class FrozenClock:
    """A stopped clock that a test moves on by hand."""

    current: datetime

    def advance(self, delta: timedelta | float = 0, **units: float) -> datetime:
        """Move the clock forward by ``delta`` (a timedelta or seconds) or keyword units."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        self.current += step + timedelta(**units)
        return self.current

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment`` (aware; naive values are taken as UTC)."""
        self.current = _aware(moment)
        return self.current


_frozen: FrozenClock | None = None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def now() -> datetime:
    """The current time, aware and in UTC (a frozen clock's time during tests)."""
    if _frozen is not None:
        return _frozen.current
    return datetime.now(UTC)


@contextmanager
def frozen(at: datetime | None = None) -> Iterator[FrozenClock]:
    """Stop the clock at ``at`` (default: the present) until the block ends."""
    global _frozen
    previous = _frozen
    _frozen = FrozenClock(_aware(at) if at is not None else datetime.now(UTC))
    try:
        yield _frozen
    finally:
        _frozen = previous
