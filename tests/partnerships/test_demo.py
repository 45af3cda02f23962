"""The demo's running partnership: one milestone paid, one submitted, one overdue."""

from challenge.demo import load_demo
from partnerships.contracts import services
from partnerships.tables import Partnership


async def test_demo_has_a_running_partnership_with_paid_submitted_and_overdue_milestones(
    app, settings
):
    await load_demo(settings=settings)
    partnership = (
        await Partnership.select()
        .where(Partnership.title == "Sichere Fahrradbügel an 40 Haltestellen")
        .first()
    )
    assert partnership["status"] == "active" and partnership["signed_sha256"]
    milestones = await services.milestones_of(partnership["id"])
    assert [m["status"] for m in milestones] == ["paid", "submitted", "planned", "planned"]
    assert [m["overdue"] for m in milestones] == [False, False, True, False]
    assert sum(m["amount_cents"] for m in milestones) == partnership["total_cents"]
