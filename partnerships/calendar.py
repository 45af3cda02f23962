"""Kept for importers outside the package (tests/support, tests/challenge): the calendar lives
in ``partnerships.milestones.calendar``."""

from partnerships.milestones.calendar import feed_token, feed_token_valid, partnership_calendar

__all__ = ["feed_token", "feed_token_valid", "partnership_calendar"]
