"""The offer editor's running total: its milestones against its cost lines, on every render."""

from tests.partnerships.development.test_offers import form, world  # noqa: F401 (fixture)
from tests.support.web import post_form


async def test_the_offer_shows_whether_its_milestones_add_up_to_its_costs(world):  # noqa: F811
    team = world["team"]
    saved = await post_form(team, world["page"], form())
    assert saved.status_code == 303
    page = (await team.get(world["page"])).text
    assert 'id="offer-plan-total"' in page and 'data-state="match"' in page
    # a refused save shows the form again with the total of what was typed
    short = await post_form(
        team, world["page"], form(version="1", months="99", m0_amount="10.000,50")
    )
    assert short.status_code == 422
    assert 'data-state="under"' in short.text and "Es fehlen noch 2.500,00" in short.text
