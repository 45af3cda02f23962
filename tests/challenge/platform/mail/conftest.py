"""Fixtures the mail tests share."""

from __future__ import annotations

import pytest

from tests.challenge.platform.mail.test_mail import drain


@pytest.fixture
async def drained(app, settings, tmp_path):
    """Deliver whatever earlier tests left due (into a spool of its own: no relay, no limit), so
    batch counts below are this test's own."""
    await drain(settings, tmp_path / "drained")
