"""Challenges in a real browser, in German, with axe-core on every page visited (issue 17): a
city unit drafts a challenge and hands it in, staff approve it, add it to a call and open the
call, a team applies to the challenge from its public page; on the demo's open call a juror of
one challenge sees only its entries and scores them, and staff select that challenge's best
entry for the development phase and publish the results, grouped by challenge."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from tests.e2e.conftest import accessible, log_in, mail_to, submit

UPCOMING = "verwaltung-digital-2027"
OPEN_CALL = "klimaanpassung-im-quartier"


async def test_unit_drafts_staff_approve_and_open_a_team_applies(portal, browser):
    base, _data = portal
    unit = await browser()
    await log_in(unit, base, "stadtgruen@demo.leipzig.de")
    await unit.goto(f"{base}/")
    await unit.click("a[href='/unit/challenges']")  # the navigation leads the unit to its drafts
    await unit.wait_for_load_state("load")
    await accessible(unit, "the unit's challenges")
    await unit.goto(f"{base}/unit/challenges/new")
    await accessible(unit, "draft a challenge")
    await submit(unit, "form[action='/unit/challenges/new'] button[type=submit]")  # no title
    assert await unit.locator("#error-summary").count() == 1
    await accessible(unit, "draft with an error")
    await unit.fill("#field-title", "Parkbänke, die Schatten spenden")
    await unit.fill("#field-problem", "In **Parks** fehlt Schatten an heißen Tagen.")
    await unit.fill("#field-contact_name", "Katrin Vogel")
    await unit.fill("#field-pilot_budget_cents", "20.000,00")
    await submit(unit, "form[action='/unit/challenges/new'] button[type=submit]")
    challenge_id = re.search(r"/unit/challenges/([0-9a-f-]{36})", unit.url).group(1)
    await accessible(unit, "the draft")
    await submit(unit, f"form[action='/unit/challenges/{challenge_id}/submit'] button[type=submit]")
    assert "Warten auf Prüfung" in await unit.inner_text("main") or "Prüfung" in (
        await unit.inner_text("main")
    )

    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await staff.goto(f"{base}/staff/challenges")
    await accessible(staff, "all challenges")
    await staff.goto(f"{base}/staff/challenges/{challenge_id}")
    await accessible(staff, "review a challenge")
    await staff.check("#decision-approve")
    await submit(staff, f"form[action='/staff/challenges/{challenge_id}/review'] button")
    await staff.select_option("#field-call", UPCOMING)
    await staff.fill("#field-key", "parkbaenke")
    await submit(staff, f"form[action='/staff/challenges/{challenge_id}/attach'] button")
    await staff.goto(f"{base}/staff/calls/{UPCOMING}/challenges")
    await accessible(staff, "the call's challenges")
    assert "Parkbänke, die Schatten spenden" in await staff.inner_text("main")
    # staff open the call: it opened yesterday (Leipzig time)
    await staff.goto(f"{base}/staff/calls/{UPCOMING}/edit")
    yesterday = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    await staff.fill("#field-opens_at", yesterday)
    await submit(staff, f"form[action='/staff/calls/{UPCOMING}/edit'] button.kern-btn--primary")

    team = await browser()
    await log_in(team, base, "team01@demo.leipzig.de")
    await team.goto(f"{base}/calls/{UPCOMING}")
    await accessible(team, "the call with its challenges")
    await team.click(f"a[href='/calls/{UPCOMING}/challenges/parkbaenke'] >> nth=0")
    await team.wait_for_load_state("load")
    await accessible(team, "the challenge's page")
    assert "Schatten" in await team.inner_text("main")
    await team.click("a[href$='/apply?challenge=parkbaenke'] >> nth=0")
    await team.wait_for_load_state("load")
    await accessible(team, "apply to the challenge")
    assert await team.is_checked("input[name=challenge][value=parkbaenke]")
    await submit(team, "form[action$='/apply'] button[type=submit]")
    await team.fill("#field-title", "Solarbank mit Sonnensegel")
    await team.fill("#field-summary", "Bänke mit Sonnensegel und Trinkwasser.")
    await team.check("#category-1")
    await submit(team, "form[action$='/proposal'] button[type=submit]")
    await team.fill("[name=answer_problem]", "Kein Schatten in Parks.")
    await submit(team, "form[action$='/questions'] button[type=submit]")
    await team.goto(team.url.rsplit("/", 1)[0])
    await accessible(team, "review before submitting")
    assert "Parkbänke, die Schatten spenden" in await team.inner_text("main")
    await team.check("#confirm")
    await submit(team, "form[action$='/submit'] button[type=submit]")
    assert "SCC-" in await team.content()

    # a second proposal of the same team to the same challenge leads back to the first
    await team.goto(f"{base}/calls/{UPCOMING}/apply?challenge=parkbaenke")
    await submit(team, "form[action$='/apply'] button[type=submit]")
    assert "Solarbank mit Sonnensegel" in await team.inner_text("main")


async def test_a_challenge_jury_scores_and_staff_select_for_the_development_phase(portal, browser):
    base, data = portal
    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/jury")
    await accessible(staff, "jury with challenges")
    address = f"juror-{uuid.uuid4().hex[:8]}@example.org"
    await staff.fill("form[action$='/jury/invite'] #field-name", "Dr. Jana Baum")
    await staff.fill("form[action$='/jury/invite'] #field-email", address)
    await staff.check("#invite-challenge-stadtbaeume")
    await submit(staff, "form[action$='/jury/invite'] button[type=submit]")
    assert address in await staff.content()

    juror = await browser()
    await juror.goto(await mail_to(data / "mail", address, "/password/reset"))
    await juror.fill("#field-password", "Jury-Passwort-2026-lang")
    await submit(juror, "form[action='/password/reset'] button[type=submit]")
    await log_in(juror, base, address, "Jury-Passwort-2026-lang")
    await juror.goto(f"{base}/jury/calls/{OPEN_CALL}")
    await submit(juror, f"form[action='/jury/calls/{OPEN_CALL}/accept'] button[type=submit]")
    await juror.goto(f"{base}/jury/calls/{OPEN_CALL}/declaration")
    await accessible(juror, "declaration of one challenge")
    declared = await juror.inner_text("main")
    # only the teams of the Stadtgrün challenge
    assert "KI-Prognose für Baumgesundheit" in declared
    assert "Hitzewarnung per SMS" not in declared
    await juror.check("#confirm")
    await submit(juror, "form[action$='/declaration/complete'] button[type=submit]")

    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/jury")
    await staff.fill("#field-reviews_per_submission", "3")
    await submit(staff, "form[action$='/jury/assign'] button[type=submit]")
    await accessible(staff, "jury after assigning per challenge")

    await juror.goto(f"{base}/jury/calls/{OPEN_CALL}")
    await accessible(juror, "the entries of one challenge")
    entries = juror.locator("a[href^='/jury/reviews/']")
    titles = {await entries.nth(i).inner_text() for i in range(await entries.count())}
    # entries of the Stadtgrün challenge only (the assignment balances: one or both)
    assert titles and titles <= {"Förderlotse für Dachbegrünung", "KI-Prognose für Baumgesundheit"}
    for number in range(len(titles)):
        await juror.goto(f"{base}/jury/calls/{OPEN_CALL}")
        await juror.locator("a[href^='/jury/reviews/']").nth(number).click()
        await juror.wait_for_load_state("load")
        await accessible(juror, f"review {number + 1} of one challenge")
        for fieldset in await juror.locator("fieldset[id^='field-scores.']").all():
            await fieldset.locator("input[type=radio]").last.check()
        await juror.fill("#field-comment", "Guter Ansatz für Leipzigs Stadtbäume.")
        await juror.check("#field-confirm_final")
        async with juror.expect_navigation():
            await juror.click("button[name=action][value=final]")

    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/results?challenge=stadtbaeume")
    await accessible(staff, "the ranking of one challenge")
    rows = staff.locator("section[aria-labelledby=ranking] tbody tr")
    # the entries of this challenge with final reviews (the demo leaves some reviews drafts)
    assert 1 <= await rows.count() <= 2
    ranked = {await rows.nth(i).locator("th").inner_text() for i in range(await rows.count())}
    assert all("Förderlotse" in t or "KI-Prognose" in t for t in ranked)
    first = rows.first
    selected_title = await first.locator("th").inner_text()
    await first.locator("a[href*='/results/decide/']").click()
    await staff.wait_for_load_state("load")
    await staff.check("#outcome-development")
    await staff.fill("#field-rationale", "Bestes Konzept der Challenge Stadtbäume.")
    await submit(staff, "form[action*='/results/decide/'] button[type=submit]")
    assert await staff.locator("#error-summary").count() == 0
    # every other entry: not selected; then the results go out
    await submit(staff, "form[action$='/results/rest-not-selected'] button[type=submit]")
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/results/publish")
    await accessible(staff, "publish results with challenges")
    await submit(
        staff, f"form[action='/staff/calls/{OPEN_CALL}/results/publish'] button[type=submit]"
    )
    assert await staff.locator("#error-summary").count() == 0

    public = await browser()
    await public.goto(f"{base}/calls/{OPEN_CALL}/results")
    await accessible(public, "public results by challenge")
    text = await public.inner_text("main")
    assert "Stadtbäume im Trockenstress früh erkennen" in text
    assert "Entwicklungsphase" in text
    assert selected_title
