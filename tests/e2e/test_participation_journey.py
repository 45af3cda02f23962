"""Issue 21's journey in a real browser, in German, with axe-core (and the 390-px check) on
/mitmachen, the proposal form, the problem's page with a comment, the moderation queue and the
people's prize page: a resident registers and proposes a problem; staff publish it from the
queue (the author is mailed); another resident finds it, supports it and comments; staff turn it
into a challenge draft and the page shows the path; later staff open a people's prize on this
year's development-phase call, two teams consent, the first resident votes, staff move the close
to the present moment, and the resident reads the result with its count."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from partnerships.development.demo.current import SLUG, TEAMS
from tests.e2e.conftest import accessible, log_in, mail_to, submit

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
BERLIN = ZoneInfo("Europe/Berlin")
STAFF = "staff@demo.leipzig.de"
SUPPORTER = "radfahrer.connewitz@demo.leipzig.de"  # a demo resident (display name "Jonas B.")
PASSWORD = "ein-sehr-langes-Passwort-2026"
DISPLAY_NAME = "Greta aus Lindenau"
TITLE = "Ampel an der Lützner Straße schaltet für Fußgänger zu kurz"
DESCRIPTION = (
    "An der Kreuzung Lützner Straße / Merseburger Straße reicht die Grünphase nicht, um mit "
    "Kinderwagen oder Rollator über die Straße zu kommen. Eine Messung, wie lange Menschen "
    "wirklich brauchen, wäre ein Anfang."
)
COMMENT = "Das kenne ich: mit dem **Lastenrad** schaffe ich es auch nur knapp."
PRIZE_CHALLENGE = "lieferverkehr"
FIRST, SECOND = [team for team in TEAMS if team[1] == PRIZE_CHALLENGE][:2]


def _local(moment: datetime) -> str:
    """A moment as a datetime-local field takes it (the portal reads it as Berlin time)."""
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


async def _register(page, base: str, data, address: str) -> None:
    """Register, verify through the mailed link, sign in."""
    await page.goto(f"{base}/register")
    await page.fill("#field-name", "Greta Gartner")
    await page.fill("#field-email", address)
    await page.fill("#field-password", PASSWORD)
    await submit(page, "button[type=submit]")
    await page.goto(await mail_to(data / "mail", address, "/account/verify"))
    await submit(page, "form[action='/account/verify'] button[type=submit]")
    await log_in(page, base, address, PASSWORD)


async def _propose(page, base: str) -> str:
    """From /mitmachen to the form: first sent without a district (the typed text stays), then
    complete; returns the new problem's id."""
    await page.goto(f"{base}/mitmachen")
    await accessible(page, "/mitmachen")
    await page.click("main a[href='/mitmachen/neu']")
    await page.wait_for_url(f"{base}/mitmachen/neu")
    await accessible(page, "the proposal form with a display name")
    await page.fill("#field-display_name", DISPLAY_NAME)
    await page.fill("#field-title", TITLE)
    await page.fill("#field-description", DESCRIPTION)
    await page.select_option("#field-topic", "mobility")
    await submit(page, "form[action='/mitmachen/neu'] button[type=submit]")
    assert await page.locator("#error-summary").count() == 1, "no district, yet no error"
    assert await page.input_value("#field-title") == TITLE, "the title was lost on the error"
    assert await page.input_value("#field-description") == DESCRIPTION
    await page.select_option("#field-district", "west")
    await submit(page, "form[action='/mitmachen/neu'] button[type=submit]")
    problem_id = re.search(rf"/mitmachen/({UUID})\?notice=proposed", page.url).group(1)
    main = await page.inner_text("main")
    assert "Vielen Dank" in main and "Wartet auf Moderation" in main, main
    assert DISPLAY_NAME in main
    return problem_id


async def _publish(staff, base: str, problem_id: str) -> None:
    """Staff publish the problem from the moderation queue."""
    await staff.goto(f"{base}/staff/participation")
    await accessible(staff, "the moderation queue")
    card = staff.locator("article", has=staff.locator(f"#problem-{problem_id}"))
    assert TITLE in await card.inner_text()
    async with staff.expect_navigation():
        await card.locator("button", has_text="Veröffentlichen").click()
    assert "Das Problem ist veröffentlicht." in await staff.inner_text("main")
    assert TITLE not in await staff.inner_text("main"), "a published problem stays in the queue"


async def _support_and_comment(page, base: str, problem_id: str) -> None:
    """Another resident finds the problem by search, supports it and comments."""
    await page.goto(f"{base}/mitmachen")
    await page.fill("#field-q", "Lützner")
    await submit(page, "form[role=search] button[type=submit]")
    await page.click(f"main a[href='/mitmachen/{problem_id}']")
    await page.wait_for_url(f"{base}/mitmachen/{problem_id}")
    assert "0 Personen unterstützen dieses Problem." in await page.inner_text("main")
    await submit(page, f"form[action='/mitmachen/{problem_id}/unterstuetzen'] button")
    main = await page.inner_text("main")
    assert "Danke: Sie unterstützen dieses Problem." in main
    assert "1 Person unterstützt dieses Problem." in main
    await page.fill("#field-body", COMMENT)
    await submit(page, f"form[action='/mitmachen/{problem_id}/kommentare'] button[type=submit]")
    assert "Ihr Kommentar ist veröffentlicht." in await page.inner_text("main")
    comment = page.locator("li.comment").first
    assert "Jonas B." in await comment.inner_text()
    assert await comment.locator("strong", has_text="Lastenrad").count() == 1  # Markdown
    assert SUPPORTER not in await page.content()  # a display name, never the address
    await accessible(page, "the problem's page with a support and a comment")


async def _turn_into_challenge(staff, base: str, problem_id: str) -> None:
    """Staff create a challenge draft from the problem's page; the page then shows the path."""
    await staff.goto(f"{base}/mitmachen/{problem_id}")
    await accessible(staff, "the problem's page with the staff's path forms")
    form = f"form[action='/mitmachen/{problem_id}/weg/challenge']"
    await staff.select_option(f"{form} select[name=unit_id]", index=1)  # the first unit
    await submit(staff, f"{form} button[type=submit]")
    assert re.search(rf"/staff/challenges/{UUID}/edit$", staff.url), await staff.inner_text("main")
    assert await staff.locator(f"input[value='{TITLE}']").count() == 1  # title taken over
    await staff.goto(f"{base}/mitmachen/{problem_id}")
    main = await staff.inner_text("main")
    assert "Wurde zur Challenge" in main
    assert "Die Stadt arbeitet an einer Challenge zu diesem Problem" in main


async def _open_prize(staff, base: str) -> dict:
    """Staff open the people's prize on this year's call (an hour ago until next week) with the
    preselected development-phase teams; returns {proposal title: submission id}."""
    await staff.goto(f"{base}/staff/calls/{SLUG}/people-prize")
    now = datetime.now(BERLIN)
    await staff.fill("#field-opens_at", _local(now - timedelta(hours=1)))
    await staff.fill("#field-closes_at", _local(now + timedelta(days=7)))
    ids = {}
    for team in (FIRST, SECOND):
        label = staff.locator("label", has_text=team[5])
        box = staff.locator(f"#{await label.get_attribute('for')}")
        assert await box.is_checked(), f"{team[5]} (development phase) is not preselected"
        ids[team[5]] = await box.get_attribute("value")
    await submit(staff, f"form[action='/staff/calls/{SLUG}/people-prize'] button[type=submit]")
    assert "Die Abstimmung ist gespeichert." in await staff.inner_text("main")
    return ids


async def _consent(team_page, base: str, number: int, submission_id: str) -> None:
    """A team member reads the public text from the proposal's page and agrees."""
    await log_in(team_page, base, f"team2026-{number}@demo.leipzig.de")
    await team_page.goto(f"{base}/submissions/{submission_id}")
    await team_page.click("a:has-text('Öffentlichen Text lesen und entscheiden')")
    await team_page.wait_for_url(f"**/submissions/{submission_id}/people-prize")
    await submit(team_page, "button[name=decision][value=consent]")
    assert "Ihre Antwort ist gespeichert." in await team_page.inner_text("main")


async def _vote(page, base: str, title: str) -> None:
    """The resident goes from /mitmachen's box to the ballot and votes."""
    await page.goto(f"{base}/mitmachen")
    box = page.locator("section[aria-labelledby=votings-title]")
    assert "Jetzt abstimmen" in await box.inner_text()
    await box.locator(f"a[href='/mitmachen/publikumspreis/{SLUG}']").click()
    await page.wait_for_url(f"{base}/mitmachen/publikumspreis/{SLUG}")
    await accessible(page, "the people's prize ballot")
    ballot = page.locator(f"#challenge-{PRIZE_CHALLENGE}")
    assert await ballot.locator("input[type=radio]").count() == 2  # the two teams that agreed
    await ballot.locator("label", has_text=title).click()
    async with page.expect_navigation():
        await ballot.locator("button[type=submit]").click()
    assert "Danke: Ihre Stimme ist gespeichert." in await page.inner_text("main")
    chosen = ballot.locator("input[type=radio]:checked + label")
    assert title in await chosen.inner_text() and "Ihre Stimme" in await chosen.inner_text()


async def _close_prize(staff, base: str) -> None:
    """The portal has no early close: staff move the close to this very moment (the field takes
    seconds and milliseconds), after the vote and before the page is sent, so the vote lies in
    the window and the voting is closed without waiting."""
    await staff.goto(f"{base}/staff/calls/{SLUG}/people-prize")
    now = datetime.now(BERLIN).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    await staff.fill("#field-closes_at", now)
    assert await staff.input_value("#field-closes_at") == now
    await submit(staff, f"form[action='/staff/calls/{SLUG}/people-prize'] button[type=submit]")
    main = await staff.inner_text("main")
    assert "Die Abstimmung ist gespeichert." in main and "Meiste Stimmen" in main, main
    await accessible(staff, "the staff's people's prize page after the close")


async def _result(page, base: str, title: str, other: str) -> None:
    await page.goto(f"{base}/mitmachen/publikumspreis/{SLUG}")
    await accessible(page, "the people's prize result")
    main = await page.inner_text("main")
    assert "Ergebnisse" in main and "Gültige Stimmen: 1." in main, main
    assert await page.locator("input[type=radio]").count() == 0, "the ballot after the close"
    table = page.locator(f"#challenge-{PRIZE_CHALLENGE} table")
    winner = table.locator("tr", has_text=title)
    assert [c.strip() for c in await winner.locator("th, td").all_inner_texts()] == [
        title,
        "1",
        "Meiste Stimmen",
    ]
    loser = table.locator("tr", has_text=other)
    assert (await loser.locator("td").all_inner_texts())[0].strip() == "0"


async def test_a_resident_proposes_and_votes_and_staff_turn_it_into_a_challenge(portal, browser):
    base, data = portal
    author, staff, supporter = await browser(), await browser(), await browser()
    address = f"mitmachen-{uuid.uuid4().hex[:8]}@example.org"
    await _register(author, base, data, address)
    problem_id = await _propose(author, base)

    hidden = await supporter.goto(f"{base}/mitmachen/{problem_id}")  # pending: not public
    assert hidden.status == 404 and TITLE not in await supporter.content()
    await log_in(staff, base, STAFF)
    await _publish(staff, base, problem_id)
    assert problem_id in await mail_to(data / "mail", address, f"/mitmachen/{problem_id}")

    await log_in(supporter, base, SUPPORTER)
    await _support_and_comment(supporter, base, problem_id)
    await _turn_into_challenge(staff, base, problem_id)
    await author.goto(f"{base}/mitmachen/{problem_id}")
    main = await author.inner_text("main")
    assert "Die Stadt arbeitet an einer Challenge zu diesem Problem" in main
    assert "1 Person unterstützt dieses Problem." in main and "Lastenrad" in main

    ids = await _open_prize(staff, base)
    for number, _key, _team, _kind, _person, title, _quality in (FIRST, SECOND):
        await _consent(await browser(), base, number, ids[title])
    await _vote(author, base, FIRST[5])
    await _close_prize(staff, base)
    await _result(author, base, FIRST[5], SECOND[5])
