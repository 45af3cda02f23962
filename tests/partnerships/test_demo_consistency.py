"""The demo's milestones tell a possible story: every paid milestone had its evidence, then two
approvals by different people, before the day it was paid."""

from challenge.demo import load_demo
from challenge.platform.i18n import BERLIN
from partnerships.development.demo import current, past
from partnerships.tables import Evidence, Milestone, MilestoneReview, Payment


async def test_every_paid_milestone_was_approved_twice_before_its_payment(app, settings):
    await load_demo(settings=settings)
    slugs = [past.SLUG, current.SLUG]  # the demo's calls (other tests' data may share the db)
    paid = await Milestone.select().where(
        (Milestone.status == "paid") & Milestone.partnership.call.slug.is_in(slugs)
    )
    assert paid, "the demo has paid milestones"
    for m in paid:
        approvals = await MilestoneReview.select().where(
            (MilestoneReview.milestone == m["id"])
            & (MilestoneReview.decision == "approve")
            & (MilestoneReview.round == m["evidence_round"])
        )
        assert len({a["reviewer"] for a in approvals}) == 2, m["title"]
        payments = await Payment.select().where(Payment.milestone == m["id"])
        first_paid = min(p["paid_on"] for p in payments)
        last_approval = max(a["created_at"] for a in approvals)
        assert last_approval.astimezone(BERLIN).date() < first_paid, m["title"]
        assert m["approved_at"].astimezone(BERLIN).date() < first_paid, m["title"]
        evidence = await Evidence.select(Evidence.created_at).where(Evidence.milestone == m["id"])
        assert evidence and min(e["created_at"] for e in evidence) <= min(
            a["created_at"] for a in approvals
        ), m["title"]
