"""An information request in a real browser, in German, with axe-core (and the 390-px check) on
the thread page and the juror's review page (issue 20). On the demo's spring call, whose deadline
passed after its proposals were submitted, made blind by staff: staff ask the team of a proposal
a juror reviewed for information with a due date; the team, long after the deadline, answers from
its proposal page with text and a PDF; staff show the answer to the jury; the juror reads
question and answer on the review page — without the team's name, its member's name or the
file's own name."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from partnerships.development.demo.current import SLUG, TEAMS
from tests.e2e.conftest import accessible, log_in, submit
from tests.support.files import pdf

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
QUESTION = "Bitte reichen Sie die Kostenkalkulation für den Pilotbetrieb nach."
ANSWER = "Die Kalkulation liegt bei: 18.500 Euro für zwölf Monate Betrieb."
FILENAME = "kostenkalkulation-team-intern.pdf"


async def _make_blind(staff, base: str) -> None:
    """Staff switch the call to blind review on its edit form."""
    await staff.goto(f"{base}/staff/calls/{SLUG}/edit")
    await staff.check("#field-blind_review")
    await submit(staff, f"form[action='/staff/calls/{SLUG}/edit'] button.kern-btn--primary")
    assert await staff.locator("#error-summary").count() == 0, await staff.inner_text("main")


async def _a_reviewed_proposal(juror, base: str) -> tuple[str, tuple]:
    """(submission id, the demo's TEAMS row) of the juror's first entry on the call."""
    await juror.goto(f"{base}/jury/calls/{SLUG}")
    entry = juror.locator("a[href^='/jury/reviews/']").first
    submission_id = re.search(UUID, await entry.get_attribute("href")).group(0)
    text = await entry.inner_text()
    return submission_id, next(team for team in TEAMS if team[5] in text)


async def test_the_team_answers_after_the_deadline_and_a_blind_juror_reads_it(
    portal, browser, tmp_path
):
    base, _data = portal
    staff, juror, team = await browser(), await browser(), await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await log_in(juror, base, "m.vogt@htwk.example")
    await _make_blind(staff, base)
    submission_id, (number, _key, team_name, _kind, person, title, _q) = await _a_reviewed_proposal(
        juror, base
    )

    # staff find the thread from the proposal's page and ask, with a due date in a week
    await staff.goto(f"{base}/staff/submissions/{submission_id}")
    await staff.click("a:has-text('Nachrichten zu diesem Vorschlag')")
    await staff.wait_for_url(f"**/submissions/{submission_id}/messages")
    await staff.fill("#field-question", QUESTION)
    due = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    await staff.fill("#field-due_at", due)
    await submit(staff, f"form[action='/submissions/{submission_id}/requests'] button")
    assert await staff.locator("#error-summary").count() == 0, await staff.inner_text("main")
    assert "Die Rückfrage ist an das Team gesendet." in await staff.inner_text("main")

    # the team sees the open request on its proposal and answers with text and a PDF
    await log_in(team, base, f"team2026-{number}@demo.leipzig.de")
    await team.goto(f"{base}/submissions/{submission_id}")
    assert QUESTION in await team.inner_text("main")
    await team.click("a:has-text('Rückfrage beantworten')")
    await team.wait_for_url(f"**/submissions/{submission_id}/messages#request-*")
    form = team.locator("form[action^='/requests/'][action$='/answer']")
    request_id = re.search(UUID, await form.get_attribute("action")).group(0)
    await accessible(team, "the thread with an open request")
    await team.fill(f"#field-answer-{request_id}-body", ANSWER)
    attachment = tmp_path / FILENAME
    attachment.write_bytes(pdf("Kostenkalkulation"))
    await team.set_input_files(f"#field-answer-{request_id}-file", str(attachment))
    await submit(team, f"form[action='/requests/{request_id}/answer'] button[type=submit]")
    assert await team.locator("#error-summary").count() == 0, await team.inner_text("main")
    answered = await team.inner_text(f"#request-{request_id}")
    assert ANSWER in answered and FILENAME in answered

    # staff show question and answer to the jury
    await staff.goto(f"{base}/submissions/{submission_id}/messages")
    await submit(staff, f"form[action='/requests/{request_id}/jury'] button")
    assert "lesen jetzt Frage und Antwort" in await staff.inner_text("main")
    await accessible(staff, "the thread with an answer shown to the jury")

    # the juror reads both on the review page, under no name of the team
    await juror.goto(f"{base}/jury/reviews/{submission_id}")
    await accessible(juror, "a blind review with the city's question")
    main = await juror.inner_text("main")
    assert title in main and "Angaben, um die die Stadt gebeten hat" in main
    assert QUESTION in main and ANSWER in main
    page = await juror.content()
    for hidden in (team_name, person, FILENAME, "kostenkalkulation"):
        assert hidden not in page, f"the blind review page shows {hidden!r}"
    link = juror.locator("a[href^='/api/v1/documents/']", has_text="Antwort-Anlage")
    download = await juror.request.get(base + await link.first.get_attribute("href"))
    assert download.ok and (await download.body()).startswith(b"%PDF")
    assert "kostenkalkulation" not in download.headers.get("content-disposition", "")
