"""Journeys in a real browser, in German, with axe-core on every page visited."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import DEMO_PASSWORD, accessible, log_in, mail_to, submit
from tests.support.files import pdf


async def test_applicant_registers_verifies_builds_a_team_and_submits(portal, page, tmp_path):
    base, data = portal
    address = f"e2e-{uuid.uuid4().hex[:8]}@example.org"
    await page.goto(f"{base}/register")
    await accessible(page, "register")
    await page.fill("#field-name", "Erika Ende")
    await page.fill("#field-email", address)
    await page.fill("#field-password", "ein-sehr-langes-Passwort-2026")
    await submit(page, "button[type=submit]")
    await accessible(page, "check your mail")
    await page.goto(await mail_to(data / "mail", address, "/account/verify"))
    await accessible(page, "verify")
    await submit(page, "form[action='/account/verify'] button[type=submit]")
    await page.goto(f"{base}/login")
    await accessible(page, "login")
    await page.fill("#field-email", address)
    await page.fill("#field-password", "ein-sehr-langes-Passwort-2026")
    await submit(page, "form[action='/login'] button[type=submit]")
    await page.goto(f"{base}/teams/new")
    await accessible(page, "new team")
    await page.fill("#field-name", "Team Ende-zu-Ende")
    await submit(
        page, "form[action='/teams/new'] button[type=submit]"
    )  # without a kind: the error summary
    assert await page.locator("#error-summary").count() == 1
    await accessible(page, "new team with an error")
    await page.check("#kind-startup")
    await submit(page, "form[action='/teams/new'] button[type=submit]")
    await page.goto(f"{base}/calls/klimaanpassung-im-quartier")
    await accessible(page, "call")
    await page.goto(f"{base}/calls/klimaanpassung-im-quartier/apply")
    await accessible(page, "apply")
    await submit(page, "form[action$='/apply'] button[type=submit]")  # no challenge chosen
    assert await page.locator("#error-summary").count() == 1
    await page.check("#challenge-1")
    await submit(page, "form[action$='/apply'] button[type=submit]")
    await accessible(page, "proposal step")
    await page.fill("#field-title", "Schattenkarte für Schulwege")
    await page.fill("#field-summary", "Eine Karte, die kühle Wege zeigt.")
    await page.check("#category-1")
    await submit(page, "form[action$='/proposal'] button[type=submit]")
    await accessible(page, "questions step")
    await page.fill("[name=answer_problem]", "Hitze auf dem Schulweg.")
    await page.check("[name=answer_licence][value='EUPL-1.2']")
    await submit(page, "form[action$='/questions'] button[type=submit]")
    await accessible(page, "documents step")
    upload = tmp_path / "konzept.pdf"
    upload.write_bytes(pdf("Konzept"))
    await page.set_input_files("#field-file", str(upload))
    await submit(page, "form[action*='/attachments/upload'] button[type=submit]")
    await accessible(page, "documents after upload")
    assert "konzept.pdf" in await page.content()
    await page.goto(page.url.rsplit("/documents", 1)[0])
    await accessible(page, "review step")
    await page.check("#confirm")
    await submit(page, "form[action$='/submit'] button[type=submit]")
    await accessible(page, "submitted")
    assert "SCC-" in await page.content()
    receipt = page.locator("a[href*='receipt']").first
    async with page.expect_download() as download:
        await receipt.click()
    assert (await (await download.value).path()).read_bytes().startswith(b"%PDF")


async def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the selector (fails if it is never reached)."""
    for _ in range(limit):
        if await page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


async def keyboard_login(page, base: str, address: str) -> None:
    await page.goto(f"{base}/login")
    await tab_to(page, "#field-email")
    await page.keyboard.type(address)
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "field-password"
    await page.keyboard.type(DEMO_PASSWORD)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")  # the form sends itself from the password field
    assert "/login" not in page.url


async def test_keyboard_only_login_and_navigation(portal, page):
    base, _data = portal
    await keyboard_login(page, base, "staff@demo.leipzig.de")
    await tab_to(page, "a[href='/staff/calls']")  # "Aufrufe verwalten"
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}/staff/calls")
    await accessible(page, "staff calls by keyboard")


async def test_keyboard_only_juror_scores_an_entry(portal, page):
    """A juror reaches an open review and scores every criterion with Tab, the arrow keys and Enter."""
    base, _data = portal
    await keyboard_login(page, base, "h.lange@dresden.example")
    await tab_to(page, "a[href='/jury']")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}/jury")
    await tab_to(page, "a[href='/jury/calls/klimaanpassung-im-quartier']")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}/jury/calls/klimaanpassung-im-quartier")
    rows = page.locator("tbody tr", has_text="offen")
    assert await rows.count() >= 1, "the demo juror has an open review"
    href = await rows.first.locator("a").get_attribute("href")
    await tab_to(page, f"a[href='{href}']")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}{href}")
    await accessible(page, "review by keyboard")
    for group in await page.locator("fieldset[id^='field-scores.']").all():
        name = await group.locator("input[type=radio]").first.get_attribute("name")
        await tab_to(page, f"input[name='{name}']")
        if not await group.locator("input:checked").count():
            await page.keyboard.press("Space")  # the first value of an unscored criterion
        await page.keyboard.press("ArrowRight")  # one higher
        assert await group.locator("input:checked").count() == 1, name
    await tab_to(page, "#field-comment")
    await page.keyboard.press("Control+A")  # replace the draft's comment
    await page.keyboard.type("Mit der Tastatur bewertet.")
    await tab_to(page, "#field-confirm_final")
    await page.keyboard.press("Space")  # finalising asks for a confirmation
    await tab_to(page, "button[value=final]")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await accessible(page, "final review by keyboard")
    assert await page.locator("button[value=final]").count() == 0
    assert "Mit der Tastatur bewertet." in await page.inner_text("main")  # read-only once final


async def test_staff_pages_and_public_pages_are_accessible(portal, page):
    base, _data = portal
    for path in ("/", "/calls/mobilitaet-2025/results", "/projects", "/opendata", "/verify"):
        await page.goto(f"{base}{path}")
        await accessible(page, path)
    project = page.locator("a[href^='/projects/']").first
    await page.goto(f"{base}/projects")
    await project.click()
    await accessible(page, "project page")
    await log_in(page, base, "staff@demo.leipzig.de")
    for path in (
        "/staff/calls",
        "/staff/calls/mobilitaet-2025/results",
        "/staff/calls/klimaanpassung-im-quartier/jury",
        "/staff/partnerships",
        "/staff/funding",
    ):
        await page.goto(f"{base}{path}")
        await accessible(page, path)
    await page.goto(f"{base}/staff/partnerships")
    await page.locator("a[href^='/staff/partnerships/']").first.click()
    await accessible(page, "partnership detail")
    await page.goto(f"{base}/lang/en?next=/staff/calls")
    assert await page.get_attribute("html", "lang") == "en"
