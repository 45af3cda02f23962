"""The ranking and decision pages as staff see them: numbers in German, KERN tables, and no
control for a decision once the results are published (the rule the service applies)."""

import re
from html import unescape

from challenge.results.tables import Decision
from tests.challenge.results.test_results import decide, judged_call, staff  # noqa: F401
from tests.support.web import post_form


def visible_text(html: str) -> str:
    """The main content's text without tags, scripts and attribute values (the footer names the
    portal's version)."""
    body = html.split("<main", 1)[-1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


async def test_ranking_page_shows_german_decimals_in_kern_tables(app, staff):  # noqa: F811
    call, items, _ = await judged_call(entries=4, jurors=3)
    page = await staff.get(f"/staff/calls/{call['slug']}/results")
    assert page.status_code == 200
    text = visible_text(page.text)
    # entry 0: totals 83.3, 76.7 and 70.0 (see judged_call) -> mean 76,7
    assert "76,7" in text and "76.7" not in text
    assert not re.findall(r"\d\.\d{1,2}(?!\d)", text), "English decimals on a German page"
    assert not re.findall(r"\b0\.\d{3}\b", text)
    assert "<table" in page.text
    assert page.text.count('<table class="kern-table') == page.text.count("<table")
    assert page.text.count('class="kern-table-responsive"') == page.text.count("<table")
    assert 'kern-table__cell--numeric">76,7</td>' in page.text  # right-aligned


async def test_published_decisions_show_no_edit_controls(app, staff):  # noqa: F811
    call, items, _ = await judged_call(entries=2, jurors=3)
    slug = call["slug"]
    await decide(staff, call, items[0], "winner", 10_000_00)
    before = await staff.get(f"/staff/calls/{slug}/results/decide/{items[0]['id']}")
    assert f'action="/staff/calls/{slug}/results/decide/{items[0]["id"]}"' in before.text
    ranking = await staff.get(f"/staff/calls/{slug}/results")
    assert f"/results/decide/{items[0]['id']}" in ranking.text
    assert 'data-status="decision:winner"' in ranking.text  # the outcome as a badge
    await post_form(staff, f"/staff/calls/{slug}/results/rest-not-selected", {})
    published = await post_form(staff, f"/staff/calls/{slug}/results/publish", {})
    assert published.status_code == 303
    after = await staff.get(f"/staff/calls/{slug}/results/decide/{items[0]['id']}")
    assert after.status_code == 200
    assert "<form" not in after.text.split("<main", 1)[-1].split("</main>")[0]
    assert 'data-status="decision:winner"' in after.text and "10.000,00" in after.text
    ranking = await staff.get(f"/staff/calls/{slug}/results")
    assert "/results/decide/" not in ranking.text
    assert "/results/rest-not-selected" not in ranking.text
    # the service says the same: a decision sent anyway is refused and nothing changes
    refused = await post_form(
        staff,
        f"/staff/calls/{slug}/results/decide/{items[0]['id']}",
        {"outcome": "not_selected", "rationale": ""},
    )
    assert refused.status_code == 409 and 'name="outcome"' not in refused.text
    row = await Decision.select(Decision.outcome).where(Decision.submission == items[0]["id"])
    assert row[0]["outcome"] == "winner"
