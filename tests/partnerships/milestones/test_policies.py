"""Who may review, pay and report a milestone: the policy functions the services and templates share."""

import uuid

from challenge.platform.accounts.identity import CurrentUser
from partnerships.milestones.policies import awaits_evidence, may_pay, may_review_milestone


def person(*roles: str) -> CurrentUser:
    return CurrentUser(
        id=uuid.uuid4(),
        email="p@example.org",
        name="P",
        locale="de",
        affiliation="",
        roles=frozenset(roles),
    )


def test_finance_pays_approved_milestones_only():
    assert may_pay(person("finance"), {"status": "approved"})
    assert not may_pay(person("finance"), {"status": "submitted"})
    assert not may_pay(person("staff"), {"status": "approved"})
    assert not may_pay(None, {"status": "approved"})


def test_staff_review_submitted_milestones():
    assert may_review_milestone(person("staff"), {"status": "submitted"})
    assert may_review_milestone(person("admin"), {"status": "submitted"})
    assert not may_review_milestone(person("finance"), {"status": "submitted"})
    assert not may_review_milestone(person("staff"), {"status": "approved"})


def test_evidence_is_awaited_while_running_and_not_yet_submitted():
    assert awaits_evidence({"status": "active"}, {"status": "changes_requested"})
    assert not awaits_evidence({"status": "signed"}, {"status": "planned"})
    assert not awaits_evidence({"status": "active"}, {"status": "submitted"})
