"""Real-browser journeys: a `challenge serve --demo` on its own database, Debian's chromium
driven by Playwright (headless, --no-sandbox). On every page visited (``accessible``): axe-core
with no violation of any impact, the KERN component markup of every table and fieldset, and a
screenshot at 1366 px and at 390 px (test-results/e2e/pages/) with a check that the document is
not wider than either viewport. Screenshots of a failing journey go to test-results/e2e/. Every test using `browser` is marked `browser` and the
API fuzzing `slow` (tests/support/selection.py): the default run leaves them out, so run them
with `.venv/bin/pytest -m "browser or slow" tests/e2e`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import async_playwright

from tests.support.databases import create_database, drop_database
from tests.support.s3 import free_port
from tests.support.servers import wait_until_ready
from tests.support.web import link_in, spooled_mails, text_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
OUTPUT = Path(os.environ.get("CHALLENGE_E2E_OUTPUT", "test-results/e2e"))
WIDTHS = (1366, 390)
PAGES = OUTPUT / "pages"
# Rendered tables and fieldsets must come from templates/base/kern.html's macros: the classes
# those macros write, checked on the page as the browser sees it.
COMPONENT_CHECK = """() => {
    const bad = [];
    for (const table of document.querySelectorAll("table")) {
        if (!table.classList.contains("kern-table")) bad.push("table without kern-table");
        if (!table.parentElement.classList.contains("kern-table-responsive")) bad.push("table outside kern-table-responsive");
        for (const cell of table.querySelectorAll("td")) if (!cell.classList.contains("kern-table__cell")) { bad.push("td without kern-table__cell"); break; }
        for (const cell of table.querySelectorAll("th")) if (!cell.classList.contains("kern-table__header")) { bad.push("th without kern-table__header"); break; }
    }
    for (const fieldset of document.querySelectorAll("fieldset")) {
        if (!fieldset.classList.contains("kern-fieldset")) bad.push("fieldset without kern-fieldset");
        if (![...fieldset.children].some(child => child.classList.contains("kern-fieldset__body"))) bad.push("fieldset without kern-fieldset__body: " + (fieldset.querySelector("legend") || {}).textContent);
    }
    return bad;
}"""
DEMO_PASSWORD = "Leipzig-Demo-2026"


@contextlib.contextmanager
def demo_portal(tmp: Path, **settings: str) -> Iterator[tuple[str, dict]]:
    """`challenge serve --demo` on a database of its own under ``tmp``, with these
    CHALLENGE_* settings beside the defaults; yields (base URL, its environment)."""
    url = create_database(tmp)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env.update(
        CHALLENGE_DATA_DIR=str(tmp / "var"),
        CHALLENGE_DATABASE_URL=url,
        CHALLENGE_LOG_LEVEL="warning",
        CHALLENGE_PAGE_CACHE="false",
        CHALLENGE_BASE_URL=base,
        **settings,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "challenge", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_ready(base)
        yield base, env
    finally:
        server.terminate()
        server.wait()
        drop_database(url)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A running portal with the demo data; yields (base URL, data dir)."""
    tmp = tmp_path_factory.mktemp("e2e")
    # the journeys sign staff in with the demo password; tests/e2e/test_totp_journey.py runs
    # its own portal with two-factor login mandatory (the production default)
    with demo_portal(tmp, CHALLENGE_REQUIRE_2FA_INTERNAL="false") as (base, _env):
        yield base, tmp / "var"


@pytest.fixture
async def browser(request):
    """A factory of tabs, each in its own browser context (one signed-in person per tab)."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        tabs = []

        async def new_page():
            context = await chromium.new_context(locale="de-DE")
            tabs.append(await context.new_page())
            return tabs[-1]

        try:
            yield new_page
        finally:
            if getattr(request.node, "failed", False):
                OUTPUT.mkdir(parents=True, exist_ok=True)
                for number, tab in enumerate(tabs, 1):
                    await tab.screenshot(
                        path=str(OUTPUT / f"{request.node.name}-{number}.png"), full_page=True
                    )
            await chromium.close()


@pytest.fixture
async def page(browser):
    return await browser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed = True
    return report


async def accessible(page, label: str = "") -> None:
    """axe-core on the page as it is: no violation of any impact; unique ids; lang set; tables
    and fieldsets in KERN's markup; no horizontal overflow at 1366 px nor 390 px (both
    screenshotted)."""
    await page.wait_for_load_state("load")
    where = label or page.url
    results = await Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert not bad, f"{where}: " + "; ".join(bad)
    duplicates = await page.evaluate("""() => {
        const seen = new Set(), twice = new Set();
        for (const node of document.querySelectorAll("[id]")) (seen.has(node.id) ? twice : seen).add(node.id);
        return [...twice];
    }""")
    assert not duplicates, (
        f"{where}: ids used more than once (labels and the error summary break): {duplicates}"
    )
    assert await page.get_attribute("html", "lang") in ("de", "en")
    components = await page.evaluate(COMPONENT_CHECK)
    assert not components, f"{where}: not built with the KERN macros: {sorted(set(components))}"
    await fits_and_shoot(page, label)


async def fits_and_shoot(page, label: str) -> None:
    """Screenshot the page at each width (then restore the viewport) and fail on a document wider
    than the window — a table may scroll inside its region, the page may not."""
    original = page.viewport_size
    where = label or page.url
    PAGES.mkdir(parents=True, exist_ok=True)
    # the label names who looks (two people's start pages share one address)
    name = re.sub(r"[^a-z0-9]+", "-", f"{urlsplit(page.url).path} {label}".lower()).strip("-")
    name = name or "home"
    try:
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900})
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            await page.screenshot(path=str(PAGES / f"{name[:100]}-{width}.png"), full_page=True)
            assert overflow <= 0, f"{where}: {overflow} px wider than a {width}-px window"
    finally:
        if original:
            await page.set_viewport_size(original)


async def submit(page, selector: str) -> None:
    """Click a form's button and wait for the page it leads to (axe must not run mid-navigation)."""
    async with page.expect_navigation():
        await page.click(selector)


async def log_in(page, base: str, address: str, password: str = DEMO_PASSWORD) -> None:
    await page.goto(f"{base}/login")
    await page.fill("#field-email", address)
    await page.fill("#field-password", password)
    await submit(page, "form[action='/login'] button[type=submit]")
    assert "/login" not in page.url, f"{address} could not log in"


async def mail_to(mail_dir: Path, address: str, link: str) -> str:
    """The first link to `link` in a mail to `address`, once the worker has delivered it."""
    for _ in range(150):
        for message in spooled_mails(mail_dir, address):
            if link in text_of(message):
                return link_in(message, link)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {address} with a link to {link}")


async def recipients_of(mail_dir: Path, link: str) -> list[str]:
    """Who got a mail holding a link containing `link` (waits for the first)."""
    for _ in range(150):
        found = [message["To"] for message in spooled_mails(mail_dir) if link in text_of(message)]
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail with a link to {link}")
