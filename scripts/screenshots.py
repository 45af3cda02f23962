"""Screenshots of the portal's main pages at 1366 px and 390 px, per role, on the demo data.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 test-results/screenshots/after

The portal must run `challenge serve --demo` at the given address. Each page is saved as
`<label>-<width>.png` (full page); pages that need an id are found by following the first link
whose address matches a pattern on a page the person can see. Used for the before/after
comparison of layout work; the browser journeys take their own screenshots.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from pathlib import Path

from playwright.async_api import async_playwright

PASSWORD = "Leipzig-Demo-2026"
WIDTHS = (1366, 390)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# (label, person or None, start path, link pattern to follow or None)
PAGES = [
    ("home", None, "/", None),
    ("call", None, "/", r"^/calls/[^/]+$"),
    (
        "proposal-step-1",
        "team01@demo.leipzig.de",
        "/me/submissions",
        r"^/submissions/[0-9a-f-]{36}$",
    ),
    ("dashboard-applicant", "team01@demo.leipzig.de", "/dashboard", None),
    (
        "scoring",
        "m.vogt@htwk.example",
        "/jury",
        r"^/jury/calls/[^/]+$",
    ),
    ("dashboard-juror", "m.vogt@htwk.example", "/dashboard", None),
    (
        "staff-ranking",
        "staff@demo.leipzig.de",
        "/staff/calls/klimaanpassung-im-quartier/results",
        None,
    ),
    ("dashboard-staff", "staff@demo.leipzig.de", "/dashboard", None),
    (
        "partnership",
        "staff@demo.leipzig.de",
        "/staff/partnerships",
        r"^/staff/partnerships/[0-9a-f-]{36}$",
    ),
    ("dashboard-finance", "finance@demo.leipzig.de", "/dashboard", None),
    ("dashboard-unit", "stadtgruen@demo.leipzig.de", "/dashboard", None),
    ("dashboard-partner", "alumni01@demo.leipzig.de", "/dashboard", None),
]
PROPOSAL_LINK = r"^/submissions/[0-9a-f-]{36}/proposal$"
SCORING_LINK = r"^/jury/reviews/[0-9a-f-]{36}"


async def follow(page, base: str, pattern: str) -> bool:
    for href in await page.eval_on_selector_all(
        "a[href]", "nodes => nodes.map(n => n.getAttribute('href'))"
    ):
        if href and re.match(pattern, href):
            await page.goto(base + href)
            return True
    return False


async def shoot(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in WIDTHS:
            contexts: dict[str | None, object] = {}
            for label, person, path, pattern in PAGES:
                if person not in contexts:
                    context = await chromium.new_context(
                        locale="de-DE", viewport={"width": width, "height": 900}
                    )
                    contexts[person] = context
                    if person:
                        login = await context.new_page()
                        await login.goto(f"{base}/login")
                        await login.fill("#field-email", person)
                        await login.fill("#field-password", PASSWORD)
                        async with login.expect_navigation():
                            await login.click("form[action='/login'] button[type=submit]")
                        await login.close()
                page = await contexts[person].new_page()
                await page.goto(base + path)
                if pattern and not await follow(page, base, pattern):
                    print(f"{label}: no link matching {pattern} on {path}")
                if label == "scoring":
                    await follow(page, base, SCORING_LINK)
                if label == "proposal-step-1":
                    await follow(page, base, PROPOSAL_LINK)
                await page.screenshot(path=str(out / f"{label}-{width}.png"), full_page=True)
                overflow = await page.evaluate(
                    "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
                )
                print(f"{label} {width}px: {page.url} overflow {overflow}px")
                await page.close()
            for context in contexts.values():
                await context.close()
        await chromium.close()


if __name__ == "__main__":
    asyncio.run(shoot(sys.argv[1].rstrip("/"), Path(sys.argv[2])))
