"""Real-browser journeys: a `challenge serve --demo` on its own database, Debian's chromium
driven by Playwright (headless, --no-sandbox), axe-core on every page visited. Screenshots of a
failing journey go to test-results/e2e/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import async_playwright

from tests.support.databases import create_database, drop_database
from tests.support.s3 import free_port
from tests.support.servers import wait_until_ready

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
OUTPUT = Path(os.environ.get("CHALLENGE_E2E_OUTPUT", "test-results/e2e"))
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A running portal with the demo data; yields (base URL, data dir)."""
    tmp = tmp_path_factory.mktemp("e2e")
    url = create_database(tmp)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(CHALLENGE_DATA_DIR=str(tmp / "var"), CHALLENGE_DATABASE_URL=url, CHALLENGE_LOG_LEVEL="warning",
               CHALLENGE_PAGE_CACHE="false")
    port = free_port()
    env["CHALLENGE_BASE_URL"] = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "challenge", "serve", "--demo", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base)
        yield base, tmp / "var"
    finally:
        server.terminate()
        server.wait()
        drop_database(url)


@pytest.fixture
async def page(request):
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = await browser.new_context(locale="de-DE")
        tab = await context.new_page()
        try:
            yield tab
        except BaseException:
            raise
        finally:
            if getattr(request.node, "failed", False):
                OUTPUT.mkdir(parents=True, exist_ok=True)
                await tab.screenshot(path=str(OUTPUT / f"{request.node.name}.png"), full_page=True)
            await context.close()
            await browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed = True
    return report


async def accessible(page, label: str = "") -> None:
    """axe-core on the page as it is: no serious or critical violation; lang set."""
    await page.wait_for_load_state("load")
    results = await Axe().run(page)
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not bad, f"{label or page.url}: " + "; ".join(bad)
    assert await page.get_attribute("html", "lang") in ("de", "en")
