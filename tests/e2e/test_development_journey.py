"""The development phase in a real browser, in German, with axe-core on every page visited
(issue 18): staff select a team of the open call for the development phase and publish; its
stipend agreement is sent, countersigned, approved by two and paid by finance; the team works on
the checklist. On the demo's spring call a team submits its offer, a juror scores the pitch on a
768-px tablet, staff decide the pilot, whose contract comes prefilled from the offer with the
open-source bonus; the bonus's evidence is verified, approved and paid, and the public project
page shows the whole path."""

from __future__ import annotations

import re

from tests.e2e.conftest import accessible, log_in, submit
from tests.support.files import pdf

OPEN_CALL = "klimaanpassung-im-quartier"
SPRING_CALL = "daseinsvorsorge-2026"
REPOSITORY = "https://codeberg.org/ladezone-live/ladezonen"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


async def _approve_twice_and_pay(staff, admin, finance, base, partnership_id, milestone_id):
    """Two staff members approve the milestone on the staff page; finance records the payment."""
    for person in (staff, admin):
        await person.goto(f"{base}/staff/partnerships/{partnership_id}")
        await submit(
            person,
            f"form[action='/staff/milestones/{milestone_id}/review'] button[value=approve]",
        )
        assert await person.locator("#error-summary").count() == 0
    await finance.goto(f"{base}/staff/partnerships/{partnership_id}")
    await accessible(finance, "a milestone to pay")
    await finance.fill(f"#ref-{milestone_id}", "KASSE-E2E")
    await submit(finance, f"form[action='/staff/milestones/{milestone_id}/payment'] button")
    assert await finance.locator("#error-summary").count() == 0, await finance.inner_text("main")


async def test_selection_stipend_agreement_and_checklist(portal, browser, tmp_path):
    base, _data = portal
    staff, admin, finance, team = [await browser() for _ in range(4)]
    await log_in(staff, base, "staff@demo.leipzig.de")
    await log_in(admin, base, "admin@demo.leipzig.de")
    await log_in(finance, base, "finance@demo.leipzig.de")
    await log_in(team, base, "team02@demo.leipzig.de")

    # selection: the heat-warning team enters the development phase; the results go out
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/submissions")
    await staff.click("a:has-text('Hitzewarnung per SMS für ältere Menschen')")
    await staff.wait_for_load_state("load")
    entry = re.search(rf"/staff/submissions/({UUID})", staff.url).group(1)
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/results/decide/{entry}")
    await staff.check("#outcome-development")
    await staff.fill("#field-rationale", "Erreicht ältere Menschen dort, wo sie sind.")
    await submit(staff, "form[action*='/results/decide/'] button[type=submit]")
    assert await staff.locator("#error-summary").count() == 0
    await submit(staff, "form[action$='/results/rest-not-selected'] button[type=submit]")
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/results/publish")
    await submit(
        staff, f"form[action='/staff/calls/{OPEN_CALL}/results/publish'] button[type=submit]"
    )
    assert await staff.locator("#error-summary").count() == 0

    # the stipend agreement was prepared with the selection: staff send it from the workspace
    await staff.goto(f"{base}/development/{entry}")
    await accessible(staff, "the workspace as staff")
    await staff.click("a:has-text('Zur Stipendienvereinbarung')")
    await staff.wait_for_load_state("load")
    agreement = re.search(rf"/staff/partnerships/({UUID})", staff.url).group(1)
    text = await staff.inner_text("main")
    assert "Stipendium Entwicklungsphase" in text and "2.000,00" in text
    await submit(staff, f"form[action='/staff/partnerships/{agreement}/send'] button")
    assert await staff.locator("#error-summary").count() == 0

    # the team finds the workspace from its proposal, countersigns the agreement
    await team.goto(f"{base}/development/{entry}")
    await accessible(team, "the workspace as the team")
    await team.click("a:has-text('Zur Stipendienvereinbarung')")
    await team.wait_for_load_state("load")
    signed = tmp_path / "vereinbarung-unterschrieben.pdf"
    signed.write_bytes(pdf("Unterschrieben"))
    await team.set_input_files(
        f"form[action^='/partner/partnerships/{agreement}/signed'] input[type=file]", str(signed)
    )
    await submit(team, f"form[action^='/partner/partnerships/{agreement}/signed'] button")
    assert await team.locator("#error-summary").count() == 0

    # two staff approve the stipend, finance pays it once
    await staff.goto(f"{base}/staff/partnerships/{agreement}")
    milestone = await staff.locator("form[action$='/review']").first.get_attribute("action")
    milestone_id = re.search(rf"/staff/milestones/({UUID})/review", milestone).group(1)
    await _approve_twice_and_pay(staff, admin, finance, base, agreement, milestone_id)
    await staff.goto(f"{base}/staff/partnerships/{agreement}")
    assert "Abgeschlossen" in await staff.inner_text("main")

    # the team works through a framework condition
    await team.goto(f"{base}/development/{entry}")
    await team.click("#item-operation summary")
    await team.select_option("#field-operation-status", "in_progress")
    await team.fill("#field-operation-note", "Betrieb durch einen Pflegedienst wird geprüft.")
    await submit(team, "form[action$='/checklist/operation'] button[type=submit]")
    await accessible(team, "a checklist item saved")
    assert "Betrieb durch einen Pflegedienst wird geprüft." in await team.inner_text("main")


async def test_offer_pitch_pilot_bonus_and_the_public_path(portal, browser, tmp_path):
    base, _data = portal
    staff, admin, finance, team, juror = [await browser() for _ in range(5)]
    await log_in(staff, base, "staff@demo.leipzig.de")
    await log_in(admin, base, "admin@demo.leipzig.de")
    await log_in(finance, base, "finance@demo.leipzig.de")
    await log_in(team, base, "team2026-1@demo.leipzig.de")
    await log_in(juror, base, "m.vogt@htwk.example")

    # the team completes its draft offer from its proposal's next steps and submits it
    await staff.goto(f"{base}/staff/calls/{SPRING_CALL}/development")
    await accessible(staff, "the call's development phase")
    link = staff.locator("a[href^='/development/']", has_text="Freie Ladezonen in Echtzeit")
    entry = re.search(UUID, await link.first.get_attribute("href")).group(0)
    await team.goto(f"{base}/development/{entry}/offer")
    await accessible(team, "the offer form")
    await team.fill("#field-indicators", "Belegung der Ladezonen, Halten in zweiter Reihe.")
    await submit(team, "form[action$='/offer'] button[value=review]")
    assert await team.locator("#field-confirm").count() == 1, await team.inner_text("main")
    await accessible(team, "the offer before submitting")
    await team.check("#field-confirm")
    await submit(team, f"form[action='/development/{entry}/offer/submit'] button[type=submit]")
    assert await team.locator("#error-summary").count() == 0
    assert "Eingereicht am" in await team.inner_text("main")

    # the pitch, scored on a tablet one team at a time
    await juror.set_viewport_size({"width": 768, "height": 1024})
    await juror.goto(f"{base}/jury/calls/{SPRING_CALL}/pitch")
    await accessible(juror, "the pitch scoring screen on a tablet")
    assert await juror.evaluate("document.documentElement.scrollWidth") <= 768
    for _ in range(5):
        if "Freie Ladezonen in Echtzeit" in await juror.inner_text("main"):
            break
        await juror.click("a[rel=next]")
        await juror.wait_for_load_state("load")
    for score in await juror.locator("input[type=radio][id$='-8']").all():
        await score.check()  # the scale's box: the radio lies over its label
    await juror.fill("#field-comment", "Reif, günstig im Betrieb.")
    await submit(juror, "#pitch-form button[value=final]")
    assert await juror.locator("#error-summary").count() == 0, await juror.inner_text("main")

    # staff decide the pilot; the contract comes prefilled from the offer with the bonus
    await staff.goto(f"{base}/staff/calls/{SPRING_CALL}/pilots")
    await accessible(staff, "the pilot decision")
    form = staff.locator("form:has(input[value=lieferverkehr])")
    await form.locator(f"input[name=submission_id][value='{entry}']").check()
    await form.locator("textarea[name=rationale]").fill("Reifstes Angebot, geringe Folgekosten.")
    await form.locator("input[name=confirm]").check()
    async with staff.expect_navigation():
        await form.locator("button[type=submit]").click()
    await staff.click("a[href^='/staff/partnerships/']")
    await staff.wait_for_load_state("load")
    pilot = re.search(rf"/staff/partnerships/({UUID})", staff.url).group(1)
    text = await staff.inner_text("main")
    assert "Freie Ladezonen in Echtzeit" in text and "Open-Source-Bonus" in text
    assert "Pilotbetrieb und Bericht" in text  # the offer's milestones
    await submit(staff, f"form[action='/staff/partnerships/{pilot}/send'] button")
    # the team countersigns and reports its published code for the bonus
    await team.goto(f"{base}/partner/partnerships/{pilot}")
    signed = tmp_path / "pilotvertrag-unterschrieben.pdf"
    signed.write_bytes(pdf("Pilotvertrag unterschrieben"))
    await team.set_input_files(
        f"form[action^='/partner/partnerships/{pilot}/signed'] input[type=file]", str(signed)
    )
    await submit(team, f"form[action^='/partner/partnerships/{pilot}/signed'] button")
    await accessible(team, "the running pilot")
    assert await team.locator("#field-repository_url").count() == 1, await team.inner_text("main")
    bonus_form = team.locator("form:has(#field-repository_url)")
    await bonus_form.locator("#field-repository_url").fill(REPOSITORY)
    await bonus_form.locator("#field-ref").fill("v1.0.0")
    await bonus_form.locator("#field-licence").fill("EUPL-1.2")
    async with team.expect_navigation():
        await bonus_form.locator("button[type=submit]").click()
    assert await team.locator("#error-summary").count() == 0

    # staff verify the licence, two approve, finance pays the bonus
    await staff.goto(f"{base}/staff/partnerships/{pilot}")
    verify = await staff.locator("form[action$='/verify-bonus']").get_attribute("action")
    bonus_id = re.search(rf"/staff/milestones/({UUID})/verify-bonus", verify).group(1)
    await submit(staff, f"form[action='{verify}'] button")
    await accessible(staff, "the verified bonus")
    await _approve_twice_and_pay(staff, admin, finance, base, pilot, bonus_id)

    # the public project page shows the whole path, with the code and its licence
    public = await browser()
    await public.goto(f"{base}/projects/{pilot}")
    await accessible(public, "the project's path")
    text = await public.inner_text("main")
    for step in ("Lieferverkehr in der Innenstadt entzerren", "Entwicklungsphase", "Pilot"):
        assert step in text
    assert "EUPL-1.2" in text and await public.locator(f"a[href='{REPOSITORY}']").count() == 1
