"""A test's own Domain record beside the portal's: the one way to add job kinds, conflict
suggesters or document readers, exactly as a real package would."""

from __future__ import annotations

import uuid

from challenge.domains import all_domains
from challenge.platform import domains
from challenge.platform.domains import Domain


def add_domain(monkeypatch, **fields) -> Domain:
    """Install a record with these fields after the portal's domains until the test ends."""
    extra = Domain(name=f"test-{uuid.uuid4().hex[:8]}", **fields)
    portal = domains.installed() or tuple(all_domains())
    monkeypatch.setattr(domains, "_installed", (*portal, extra))
    return extra
