"""The city's side in a real browser, in German, with axe-core on every page visited: staff
create and publish a call; a juror accepts the invitation, declares a conflict and scores two
entries; staff rank, decide and publish the results, start, send and countersign a contract; the
partner hands in evidence, two staff approve, finance pays and the public project page shows it."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from tests.e2e.conftest import accessible, log_in, mail_to, recipients_of, submit
from tests.support.files import pdf

OPEN_CALL = "klimaanpassung-im-quartier"


async def test_staff_create_and_publish_a_call(portal, browser):
    base, _data = portal
    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await staff.goto(f"{base}/staff/calls/new")
    await accessible(staff, "new call")
    await staff.fill("#field-slug", "laerm-2028")
    await submit(
        staff, "form[action='/staff/calls/new'] button.kern-btn--primary"
    )  # no title: the error summary
    assert await staff.locator("#error-summary").count() == 1
    await accessible(staff, "new call with errors")
    await staff.fill("#field-title", "Smart City Challenge 2028: Leiser leben")
    await staff.fill("#field-slug", "laerm-2028")
    await staff.fill("#field-summary", "Ideen gegen Lärm an Leipzigs Hauptstraßen.")
    await staff.fill("#field-description", "## Worum es geht\n\nWeniger **Lärm** in der Stadt.")
    await staff.fill("#field-categories", "Verkehr\nNachtruhe")
    await staff.fill("#field-opens_at", "2027-01-04T09:00")
    await staff.fill("#field-closes_at", "2027-03-31T12:00")
    await staff.fill("#field-budget_cents", "120.000")
    await staff.fill("#field-max_award_cents", "40.000")
    await staff.fill("#field-awards_planned", "3")
    # the criteria builder: one row of labelled fields per criterion (three rows to start)
    for number, (key, name, weight) in enumerate(
        [("wirkung", "Wirkung", "2"), ("machbarkeit", "Machbarkeit", "1"), ("team", "Team", "1")]
    ):
        await staff.fill(f"#field-criteria-{number}-key", key)
        await staff.fill(f"#field-criteria-{number}-name", name)
        await staff.fill(f"#field-criteria-{number}-weight", weight)
    await staff.fill("#field-max_files", "3")
    await staff.fill("#field-max_mb", "10")
    await staff.check("#type-1")
    await submit(staff, "form[action='/staff/calls/new'] button.kern-btn--primary")
    assert staff.url.endswith("/calls/laerm-2028"), staff.url
    await accessible(staff, "the draft call")

    public = await browser()
    response = await public.goto(f"{base}/calls/laerm-2028")
    assert response.status == 404  # a draft is not public

    await staff.goto(f"{base}/staff/calls/laerm-2028/publish")
    await accessible(staff, "publish the call")
    await submit(staff, "form[action='/staff/calls/laerm-2028/publish'] button[type=submit]")
    response = await public.goto(f"{base}/calls/laerm-2028")
    assert response.status == 200
    assert "Leiser leben" in await public.inner_text("h1")
    await accessible(public, "the published call")
    await public.goto(f"{base}/")
    assert await public.locator("a[href='/calls/laerm-2028']").count() >= 1


async def test_juror_accepts_declares_a_conflict_and_scores_two_entries(portal, browser):
    base, data = portal
    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/jury")
    await accessible(staff, "jury")
    address = f"juror-{uuid.uuid4().hex[:8]}@example.org"
    await staff.fill("form[action$='/jury/invite'] #field-name", "Dr. Jana Jurek")
    await staff.fill("form[action$='/jury/invite'] #field-email", address)
    await submit(staff, "form[action$='/jury/invite'] button[type=submit]")
    assert address in await staff.content()

    juror = await browser()
    await juror.goto(await mail_to(data / "mail", address, "/password/reset"))
    await accessible(juror, "choose a password")
    await juror.fill("#field-password", "Jury-Passwort-2026-lang")
    await submit(juror, "form[action='/password/reset'] button[type=submit]")
    await log_in(juror, base, address, "Jury-Passwort-2026-lang")
    await juror.goto(await mail_to(data / "mail", address, f"/jury/calls/{OPEN_CALL}"))
    await accessible(juror, "jury invitation")
    await submit(juror, f"form[action='/jury/calls/{OPEN_CALL}/accept'] button[type=submit]")
    await juror.goto(f"{base}/jury/calls/{OPEN_CALL}/declaration")
    await accessible(juror, "declaration")
    # a conflict with a team of the Starkregen challenge (the demo's assignment leaves room there)
    rows = juror.locator("tbody tr")
    titles = [
        await rows.nth(i).locator("td").nth(1).inner_text() for i in range(await rows.count())
    ]
    row = titles.index("Digitaler Zwilling für Regenwasser")
    conflicted = titles[row]
    await juror.fill(f"#reason-{row + 1}", "Ich habe mit diesem Team zusammengearbeitet.")
    await submit(juror, f"form[action$='/conflicts'] button[type=submit] >> nth={row}")
    # marked as a conflict
    assert await rows.nth(row).locator("[data-status='conflict:declared']").count() == 1
    await submit(
        juror, "form[action$='/declaration/complete'] button[type=submit]"
    )  # not confirmed yet
    assert await juror.locator("#error-summary").count() == 1
    await accessible(juror, "declaration with an error")
    await juror.check("#confirm")
    await submit(juror, "form[action$='/declaration/complete'] button[type=submit]")

    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/jury")
    assert "Ich habe mit diesem Team" in await staff.content()  # staff see the declared conflict
    assert "von der Jurorin oder dem Juror erklärt" in await staff.inner_text("main")
    # every challenge has four jurors with the new one: five reviews per entry are impossible
    await staff.fill("#field-reviews_per_submission", "5")
    await submit(staff, "form[action$='/jury/assign'] button[type=submit]")
    assert await staff.locator("#error-summary a").count() == 1  # one message, linked to its field
    assert "Betroffene Vorschläge:" in await staff.inner_text("main")  # and the entries it concerns
    await accessible(staff, "jury with an assignment error")
    await staff.fill("#field-reviews_per_submission", "3")
    await submit(staff, "form[action$='/jury/assign'] button[type=submit]")
    assert await staff.locator("#error-summary").count() == 0
    await accessible(staff, "jury after assigning")

    await juror.goto(f"{base}/jury/calls/{OPEN_CALL}")
    await accessible(juror, "the juror's entries")
    entries = juror.locator("a[href^='/jury/reviews/']")
    assert await entries.count() >= 2
    assigned = [await entries.nth(i).inner_text() for i in range(await entries.count())]
    assert conflicted not in assigned  # the conflicted entry is never assigned
    for number in range(2):
        await juror.goto(f"{base}/jury/calls/{OPEN_CALL}")
        await juror.locator("a[href^='/jury/reviews/']").nth(number).click()
        await juror.wait_for_load_state("load")
        await accessible(juror, f"review {number + 1}")
        for fieldset in await juror.locator("fieldset[id^='field-scores.']").all():
            await fieldset.locator("input[type=radio]").last.check()
        await juror.fill("#field-comment", "Überzeugendes Konzept mit klarem Nutzen.")
        await juror.check("#shareable")
        await juror.check("#field-confirm_final")
        async with juror.expect_navigation():
            await juror.click("button[name=action][value=final]")
        await accessible(juror, f"review {number + 1} final")
        assert (
            await juror.locator("button[name=action][value=final]").count() == 0
        )  # final: no more edits
    await juror.goto(f"{base}/jury/calls/{OPEN_CALL}")
    assert await juror.locator("main [data-status='assignment:done']").count() >= 2


async def test_from_ranking_to_results_contract_evidence_approvals_payment_and_public_progress(
    portal, browser
):
    base, data = portal
    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/results")
    await accessible(staff, "ranking")
    first = staff.locator("section[aria-labelledby=ranking] tbody tr").first
    winner_title = await first.locator("th").inner_text()
    decide = first.locator("a[href*='/results/decide/']")
    entry_id = (await decide.get_attribute("href")).rsplit("/", 1)[-1]
    await decide.click()
    await staff.wait_for_load_state("load")
    await accessible(staff, "decide")
    await staff.check("#outcome-winner")
    await staff.fill("#field-award", "70.000,00")  # above the call's maximum of 60.000 €
    await staff.fill("#field-rationale", "Die Jury hält das Konzept für sofort umsetzbar.")
    await submit(staff, "form[action*='/results/decide/'] button[type=submit]")
    assert await staff.locator("#error-summary").count() == 1
    await accessible(staff, "decide with an error")
    await staff.fill("#field-award", "40.000,00")
    await submit(staff, "form[action*='/results/decide/'] button[type=submit]")
    await submit(staff, "form[action$='/results/rest-not-selected'] button[type=submit]")
    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/results/publish")
    await accessible(staff, "publish the results")
    await submit(
        staff, f"form[action='/staff/calls/{OPEN_CALL}/results/publish'] button[type=submit]"
    )

    public = await browser()
    await public.goto(f"{base}/calls/{OPEN_CALL}/results")
    await accessible(public, "public results")
    assert winner_title.split(" ", 1)[1] in await public.inner_text("main")

    await staff.goto(f"{base}/staff/calls/{OPEN_CALL}/results")
    await staff.click(f"a[href='/staff/partnerships/new?submission={entry_id}']")
    await staff.wait_for_load_state("load")
    await accessible(staff, "new partnership")
    # the milestone rows by keyboard: a row added and removed again, the typed title kept and
    # nothing saved in between (the buttons are the form's own, so no JavaScript is needed)
    await staff.fill("#field-m1_title", "Prototyp im Quartier")
    rows = await staff.locator("[data-row]").count()
    await staff.focus("button[name=row_action][value=add]")
    async with staff.expect_navigation():
        await staff.keyboard.press("Enter")
    assert await staff.locator("[data-row]").count() == rows + 1
    assert await staff.input_value("#field-m1_title") == "Prototyp im Quartier"
    await accessible(staff, "new partnership with a row added")
    await staff.focus(f"button[name=row_action][value=remove-{rows + 1}]")
    async with staff.expect_navigation():
        await staff.keyboard.press("Enter")
    assert await staff.locator("[data-row]").count() == rows
    assert "/staff/partnerships/new" in staff.url  # still the unsaved form
    while await staff.locator("[data-row]").count() < 2:  # two tranches below
        await staff.focus("button[name=row_action][value=add]")
        async with staff.expect_navigation():
            await staff.keyboard.press("Enter")
    rows = await staff.locator("[data-row]").count()
    start = date.today() + timedelta(days=7)
    await staff.fill("#field-city_unit", "Amt für Umweltschutz")
    await staff.fill("#field-start_date", start.isoformat())
    await staff.fill("#field-end_date", (start + timedelta(days=300)).isoformat())
    await staff.fill("#field-m1_title", "Prototyp im Quartier")
    await staff.fill("#field-m1_due", (start + timedelta(days=90)).isoformat())
    await staff.fill("#field-m1_amount", "15.000,00")
    await staff.fill("#field-m2_title", "Pilotbetrieb und Bericht")
    await staff.fill("#field-m2_due", (start + timedelta(days=280)).isoformat())
    await staff.fill("#field-m2_amount", "25.000,00")
    await staff.fill("#field-total", "40.000,00")
    for extra in range(3, rows + 1):  # rows the form started with beyond the two used
        await staff.fill(f"#field-m{extra}_title", "")
        await staff.fill(f"#field-m{extra}_amount", "")
    # the running total follows the typing: the tranches add up to the contract total
    await staff.wait_for_selector("#plan-total [data-state='match']")
    await submit(staff, "form[action='/staff/partnerships/new'] button.kern-btn--primary")
    partnership = re.search(r"/staff/partnerships/([0-9a-f-]{36})", staff.url).group(1)
    await accessible(staff, "draft partnership")
    await submit(
        staff, f"form[action='/staff/partnerships/{partnership}/send'] button[type=submit]"
    )
    await accessible(staff, "sent partnership")
    partner_address = (await recipients_of(data / "mail", f"/partner/partnerships/{partnership}"))[
        0
    ]
    signed = _file(data, "vertrag-unterschrieben.pdf", pdf("Vertrag, gegengezeichnet"))
    await staff.set_input_files("#signed-file", str(signed))
    await submit(
        staff, f"form[action^='/staff/partnerships/{partnership}/signed'] button[type=submit]"
    )
    assert "Status\nLaufend" in await staff.inner_text("dl")
    await accessible(staff, "active partnership")

    partner = await browser()
    await log_in(partner, base, partner_address)
    await partner.goto(f"{base}/partner")
    await accessible(partner, "partner area")
    await partner.click(f"a[href='/partner/partnerships/{partnership}']")
    await partner.wait_for_load_state("load")
    await accessible(partner, "partner partnership")
    evidence = partner.locator("form[action*='/evidence']").first
    await evidence.locator("textarea[name=note]").fill("Der Prototyp läuft an drei Schulen.")
    await evidence.locator("input[type=file]").set_input_files(
        str(_file(data, "bericht.pdf", pdf("Bericht")))
    )
    async with partner.expect_navigation():
        await evidence.locator("button[type=submit]").click()
    assert "Der Prototyp läuft an drei Schulen." in await partner.inner_text("main")
    await accessible(partner, "evidence submitted")

    for approver in (staff, await browser()):
        if approver is not staff:
            await log_in(approver, base, "admin@demo.leipzig.de")
        await approver.goto(f"{base}/staff/partnerships/{partnership}")
        await accessible(approver, "milestone to review")
        await submit(approver, "form[action$='/review'] button[value=approve]")
    await staff.reload()
    first_milestone = staff.locator("article.milestone").first
    assert "Abgenommen" in await first_milestone.inner_text()
    assert (
        "(Sabine Krüger" in await first_milestone.inner_text()
        and "(Admin Portal)" in await first_milestone.inner_text()
    )

    finance = await browser()
    await log_in(finance, base, "finance@demo.leipzig.de")
    await finance.goto(f"{base}/staff/partnerships/{partnership}")
    await accessible(finance, "payment")
    await finance.fill("form[action$='/payment'] input[name=reference]", "KA-2026-4711")
    await submit(finance, "form[action$='/payment'] button[type=submit]")
    paid = await finance.locator("article.milestone").first.inner_text()
    assert "Bezahlt" in paid and "KA-2026-4711" in paid and "15.000,00" in paid
    await accessible(finance, "paid")

    await public.goto(f"{base}/projects/{partnership}")
    await accessible(public, "public project")
    assert (
        await public.get_attribute("#progress", "value") == "38"
    )  # milestones worth 15.000 of 40.000 € met
    assert "15.000,00" in await public.inner_text("main")


def _file(data, name: str, content: bytes):
    path = data.parent / name
    path.write_bytes(content)
    return path
