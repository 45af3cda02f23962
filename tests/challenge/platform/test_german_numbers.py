"""German pages show no English-formatted decimal ("87.2", "20.0 MB", "α 0.176", "15000.00").

The demo (challenge.demo.load_demo: two calls with scores, rankings, money, partnerships and
milestones) is browsed in German as each kind of person would — anonymous, applicants, a team
with a partnership, a juror, a city unit, staff, finance, admin — by following the links of
their pages (a few pages per kind of address, so the crawl stays quick). Of every HTML page the
visible text is checked (no tags, attributes, scripts or styles) and the values of visible text
inputs (a prefilled amount is read as text too).

What counts as an English decimal — digits, a dot, digits — and what does not:
- a dot followed by exactly three digits after a whole number that does not start with 0 is a
  German thousands separator (1.234, 12.500.000); "0.176" is a decimal;
- dates (01.12.2026, 1.12.) and several dotted groups (versions 0.1.0, IP addresses, millions);
- times written "14.30 Uhr";
- names with a version: licence ids such as EUPL-1.2 or CC-BY-4.0, standards such as WCAG 2.1
  or BITV 2.0 (an all-capital word before the number), "v1.2", "Version 2.0", "License 1.2";
- numbers inside web or e-mail addresses shown as text.
Everything else with one dot between digits (87.2, 20.0, 15000.00, 3.5) is an offender.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

from challenge.demo import load_demo
from challenge.platform.accounts.sessions import cookie_name, create_session
from challenge.platform.accounts.tables import User
from tests.conftest import http_client

# Who browses, and where they start (the dashboard and the account lead on to their pages).
PEOPLE = {
    "anonymous": None,
    "applicant": "team@demo.leipzig.de",
    "team": "team01@demo.leipzig.de",
    "partner": "alumni01@demo.leipzig.de",
    "juror": "m.vogt@htwk.example",
    "unit": "stadtgruen@demo.leipzig.de",
    "staff": "staff@demo.leipzig.de",
    "finance": "finance@demo.leipzig.de",
    "admin": "admin@demo.leipzig.de",
}
START = ("/", "/dashboard", "/calls", "/account")
# The finished call's ranking and statistics carry the most numbers: staff read them first.
FIRST = {
    "staff": ("/staff/calls/mobilitaet-2025/results", "/staff/calls/mobilitaet-2025/submissions")
}
PAGES_PER_PERSON = 25
PAGES_PER_SHAPE = 2  # /staff/calls/<slug>/… of two calls, not of every call, for everyone
SKIP = re.compile(
    r"^/(static|api|healthz|readyz|metrics|logout|lang)\b|"
    r"\.(pdf|ics|csv|zip|json|xml|txt|png|svg|eml)$|/(download|file|files/[^/]+)$"
)

_DROP = re.compile(r"<(script|style|template|noscript)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_ADDRESS = re.compile(r"https?://\S+|\S+@\S+\.\w+|\bwww\.\S+")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+(?![\w])")


def visible_text(page: str) -> str:
    """What a sighted reader sees of an HTML page: text and the values of text inputs."""
    values = []
    for tag in _INPUT.findall(page):
        kind = re.search(r'\btype="([^"]*)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if value and (kind is None or kind.group(1) in ("text", "search")):
            values.append(value.group(1))
    text = _TAG.sub(" ", _DROP.sub(" ", page))
    return html_lib.unescape(" ".join([text, *values]))


def _is_name_or_date(text: str, start: int, end: int, groups: list[str]) -> bool:
    before, after = text[max(0, start - 12) : start], text[end : end + 5]
    if len(groups) > 2:
        return True  # a date, a version, an IP address or a number in the millions
    whole, fraction = groups
    if len(fraction) == 3 and not whole.startswith("0"):
        return True  # thousands: 1.234
    if after.startswith(".") and len(whole) <= 2 and len(fraction) <= 2:
        if 1 <= int(whole) <= 31 and 1 <= int(fraction) <= 12:
            return True  # a date without year: 1.12.
    if re.match(r"\s?Uhr\b", after) and int(whole) <= 24 and len(fraction) == 2:
        return True  # 14.30 Uhr
    # EUPL-1.2, WCAG 2.1, v1.2, "Version 2.0", "Public License 1.2"
    return bool(
        re.search(r"([A-Za-z]-|\b[A-Z]{2,}\s|\bv|\b(Version|Licen[cs]e|Lizenz)\s+)$", before)
    )


def english_decimals(text: str) -> list[str]:
    """The English-formatted decimals in a text, each with a little context."""
    text = _ADDRESS.sub(" ", text)
    found = []
    for match in _NUMBER.finditer(text):
        groups = match.group(0).split(".")
        if not _is_name_or_date(text, match.start(), match.end(), groups):
            context = " ".join(text[max(0, match.start() - 40) : match.end() + 20].split())
            found.append(f"{match.group(0)!r} in “…{context}…”")
    return found


def test_the_check_tells_decimals_from_dates_thousands_and_names():
    text = (
        "Am 01.12.2026 um 14.30 Uhr, ab 1.12. mit 1.234 € und 12.500.000 € unter EUPL-1.2, "
        "CC-BY-4.0, Public License 1.2, Version 2.0. und WCAG 2.1 in Version 0.1.0 von 192.168.0.1 via https://x.de/v2.5/a"
    )
    assert english_decimals(text) == []
    offenders = english_decimals("Punkte 87.2, 20.0 MB, α 0.176, 15000.00 €, 3.5 von 10")
    assert [o.split(" ")[0] for o in offenders] == [
        "'87.2'",
        "'20.0'",
        "'0.176'",
        "'15000.00'",
        "'3.5'",
    ]
    assert english_decimals(visible_text('<input type="text" value="15000.00">'))
    assert not english_decimals(visible_text('<input type="number" value="15000.00">'))
    assert not english_decimals(
        visible_text('<a title="87.2" href="/x/1.5">ok</a><script>1.5</script>')
    )


def _shape(path: str) -> str:
    """The kind of address: ids and slugs of objects replaced, so each kind is visited twice."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path)
    parts = path.strip("/").split("/")
    return "/".join(p if p in ("{id}",) or not re.search(r"\d|-", p) else "{x}" for p in parts)


def _links(page: str, here: str) -> list[str]:
    found = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', page):
        target = urlsplit(urljoin(f"http://portal.test{here}", html_lib.unescape(href)))
        if target.netloc == "portal.test" and not SKIP.search(target.path):
            found.append(target.path)
    return found


async def _browse(client, person: str, offenders: dict[str, list[str]], shapes: Counter) -> int:
    """Follow the person's links from their start pages; a kind of address another person's
    crawl has checked often enough is left out (start pages differ per person: always read)."""
    starts = (*FIRST.get(person, ()), *START)
    queue, seen, visited = list(starts), set(), 0
    while queue and visited < PAGES_PER_PERSON:
        path = queue.pop(0)
        if path in seen or (path not in starts and shapes[_shape(path)] >= PAGES_PER_SHAPE):
            continue
        seen.add(path)
        shapes[_shape(path)] += 1
        response = await client.get(path)
        if response.status_code != 200 or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        visited += 1
        found = english_decimals(visible_text(response.text))
        if found:
            offenders.setdefault(path, found)
        queue.extend(_links(response.text, path))
    return visited


async def _client(app, email: str | None):
    client = http_client(app)
    client.headers["accept-language"] = "de"
    client.cookies.set("lang", "de")
    if email is not None:
        user = await User.select(User.id, User.locale).where(User.email == email).first()
        assert user is not None, f"the demo has no {email}"
        assert user["locale"] == "de", f"{email} reads the portal in {user['locale']}"
        cookie = cookie_name(app.state.settings.https)
        client.cookies.set(cookie, await create_session(user["id"], max_days=1))
    return client


async def test_german_pages_show_no_english_decimals(app, settings):
    await load_demo(settings=settings)  # idempotent: in a full run other tests loaded it
    offenders: dict[str, list[str]] = {}
    visited, shapes = {}, Counter()
    for person, email in PEOPLE.items():
        async with await _client(app, email) as client:
            visited[person] = await _browse(client, person, offenders, shapes)
    assert all(count >= 3 for count in visited.values()), visited  # everyone saw their pages
    assert sum(visited.values()) >= 100, visited
    report = "\n".join(f"{path}: {'; '.join(found)}" for path, found in sorted(offenders.items()))
    assert not offenders, f"English decimals on German pages:\n{report}"
