"""The start page in a real browser on the demo, keyboard only: a juror and staff log in and land
on /dashboard, Tab to the first action of their start page and follow it with Enter; at 390 px
the menu button opens and closes the navigation with Enter and Escape. axe-core, the KERN markup
check and the 1366/390-px screenshots on every page visited (``accessible``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.e2e.conftest import accessible, log_in

# Tab presses allowed to reach the start page's first action (skip link, header, menu, …).
MAX_TABS = 60


async def tab_into_dashboard(page) -> str:
    """Press Tab until the focus is on a link inside the panels; return its href."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        href = await page.evaluate(
            """() => {
                const el = document.activeElement;
                return el && el.closest(".dashboard") && el.tagName === "A" ? el.getAttribute("href") : null;
            }"""
        )
        if href:
            return href
    raise AssertionError("Tab never reached an action on the start page")


async def follow_first_action(page, base: str, who: str) -> str:
    """From the start page, keyboard only, to the first action's page."""
    assert urlsplit(page.url).path == "/dashboard", f"{who} landed on {page.url}"
    href = await tab_into_dashboard(page)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert urlsplit(page.url).path == urlsplit(href).path, (href, page.url)
    return href


async def test_a_juror_lands_on_the_start_page_and_reaches_a_review_by_keyboard(portal, browser):
    base, _data = portal
    juror = await browser()
    await log_in(juror, base, "m.vogt@htwk.example")
    await accessible(juror, "juror's start page")
    assert "Jury" in await juror.inner_text("nav.site-user")
    assert "/me/submissions" not in await juror.inner_html("nav.site-user")
    assert await juror.locator("[data-panel='jury']").count() == 1
    href = await follow_first_action(juror, base, "the juror")
    assert href.startswith("/jury/"), href
    await accessible(juror, "the juror's first action")


async def test_staff_land_on_the_start_page_and_follow_its_first_action(portal, browser):
    base, _data = portal
    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await accessible(staff, "staff's start page")
    for key in ("calls", "unassigned", "milestone-review"):
        assert await staff.locator(f"[data-panel='{key}']").count() == 1, key
    assert await staff.locator("[data-panel='proposals']").count() == 0
    await follow_first_action(staff, base, "staff")
    await accessible(staff, "staff's first action")


async def test_the_menu_button_opens_and_closes_the_navigation_by_keyboard(portal, browser):
    base, _data = portal
    page = await browser()
    await page.set_viewport_size({"width": 390, "height": 844})
    await log_in(page, base, "team01@demo.leipzig.de")
    assert urlsplit(page.url).path == "/dashboard"
    toggle = page.locator(".site-menu-toggle")
    menu = page.locator("#site-menu")
    assert await toggle.is_visible() and not await menu.is_visible()
    await toggle.focus()
    await page.keyboard.press("Enter")
    assert await toggle.get_attribute("aria-expanded") == "true"
    assert await menu.is_visible()
    assert await page.locator("#site-menu a[href='/me/submissions']").is_visible()
    await page.keyboard.press("Escape")
    assert await toggle.get_attribute("aria-expanded") == "false"
    assert not await menu.is_visible()
    assert await page.evaluate("document.activeElement.classList.contains('site-menu-toggle')")
    await page.keyboard.press("Enter")
    assert await menu.is_visible()
    await page.keyboard.press("Enter")  # the button again: closed
    assert not await menu.is_visible()
    await accessible(page, "team's start page at 390 px")


async def test_every_demo_role_has_its_start_page(portal, browser):
    """Each demo role lands on /dashboard with its own panels and no error."""
    base, _data = portal
    expected = {
        "finance@demo.leipzig.de": "payments",
        "stadtgruen@demo.leipzig.de": "unit",
        "alumni01@demo.leipzig.de": "partner",
        "team01@demo.leipzig.de": "proposals",
        "admin@demo.leipzig.de": "calls",
    }
    for address, key in expected.items():
        page = await browser()
        await log_in(page, base, address)
        assert urlsplit(page.url).path == "/dashboard", (address, page.url)
        assert await page.locator(f"[data-panel='{key}']").count() == 1, (address, key)
        await accessible(page, f"start page of {address}")
