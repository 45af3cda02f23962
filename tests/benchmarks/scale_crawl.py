"""Measuring for tests.benchmarks.scale: route patterns from the portal's own route table, a
breadth-first crawl of GET links (same origin, no side effects), and the timing of one URL
(p50/p95, bytes on the wire with and without gzip, the server's peak RSS growth for exports)."""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from tests.benchmarks.startup import rss_mb

HREF = re.compile(r"""href\s*=\s*["']([^"'#]+)""")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EXPORT_SUFFIXES = (".csv", ".xlsx", ".json", ".pdf", ".ics", ".zip")
# GET links that change something (or only confirm a change), tokens, assets, the language switch
SKIPPED = re.compile(
    r"/(logout|lang|static|metrics)(/|$)|/(delete|remove|leave|revoke|withdraw)(/|$)"
    r"|/account/verify|/password/reset|/schema/"
)
PREFER = ("stadt-2026", "stadt-2025")  # the large calls of tests.benchmarks.scale_data
SLOW_EXPORT_MS = 5000  # an export slower than this is repeated only twice


@dataclass
class Row:
    """One measured URL for one role."""

    role: str
    url: str
    export: bool
    status: int = 0
    first_ms: float = 0.0
    times: list[float] = field(default_factory=list)
    plain_bytes: int = 0
    gzip_bytes: int = 0
    rss_mb: float | None = None
    html: str = ""  # the page's last body, for its links

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else self.first_ms

    @property
    def p95(self) -> float:
        if len(self.times) < 2:
            return self.p50
        return statistics.quantiles(self.times, n=20, method="inclusive")[-1]


class RoutePatterns:
    """The portal's GET route templates, matched most specific first (fewest parameters)."""

    def __init__(self, paths: list[str]) -> None:
        compiled = []
        for path in set(paths):
            regex = "".join(
                (".+" if part.endswith(":path}") else "[^/]+")
                if part.startswith("{")
                else re.escape(part)
                for part in re.split(r"(\{[^}]+\})", path)
            )
            compiled.append((path.count("{"), path, re.compile(f"^{regex}$")))
        self.routes = sorted(compiled)

    @classmethod
    def of_portal(cls) -> RoutePatterns:
        """The route table of the app as `challenge serve` builds it."""
        from challenge.app import create_app
        from challenge.settings import load_settings, prepare

        app = create_app(prepare(load_settings()), run_worker=False)
        return cls([r.path for r in app.routes if "GET" in getattr(r, "methods", ())])

    def of(self, url: str) -> str:
        """The route template of a URL's path (its query does not count)."""
        path = urlsplit(url).path
        return next((p for _, p, rx in self.routes if rx.match(path)), path)


def is_export(url: str) -> bool:
    """A download: by its suffix."""
    return urlsplit(url).path.endswith(EXPORT_SUFFIXES)


def links(base: str, page_url: str, html: str) -> list[str]:
    """Same-origin GET links of a page (path and query), without the skipped ones."""
    found = []
    for href in HREF.findall(html):
        if href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(base + page_url, href.replace("&amp;", "&"))
        if not absolute.startswith(base + "/"):
            continue
        parts = urlsplit(absolute)
        url = parts.path + ("?" + parts.query if parts.query else "")
        if not SKIPPED.search(parts.path):
            found.append(url)
    return found


def admitted(chosen: dict, pattern: str, url: str) -> bool:
    """Up to two URLs per pattern; a third when it is the pattern's first of the large calls."""
    taken = chosen.setdefault(pattern, [])
    preferred = any(p in url for p in PREFER)
    if len(taken) >= 2 and not (preferred and not any(p in u for u in taken for p in PREFER)):
        return False
    taken.append(url)
    return True


def crawl(client: httpx.Client, role: str, patterns: RoutePatterns, named: list[Row]) -> list[Row]:
    """Breadth-first from the links of the named rows (the start pages among them): up to two
    URLs per route pattern, the named ones counted; pages fetched once (their first view),
    exports only listed."""
    base = str(client.base_url).rstrip("/")
    queue, seen, chosen, rows = deque(), {r.url for r in named}, {}, []
    for row in named:
        chosen.setdefault(patterns.of(row.url), []).append(row.url)

    def follow(page_url: str, html: str) -> None:
        new = [u for u in dict.fromkeys(links(base, page_url, html)) if u not in seen]
        new.sort(key=lambda u: not any(p in u for p in PREFER))
        seen.update(new)
        queue.extend(new)

    for row in named:
        follow(row.url, row.html)
    while queue:
        url = queue.popleft()
        if not admitted(chosen, patterns.of(url), url):
            continue
        row = Row(role, url, is_export(url))
        rows.append(row)
        if not row.export:
            started = time.perf_counter()
            response = client.get(url, headers={"accept-encoding": "gzip"})
            row.first_ms, row.status = (time.perf_counter() - started) * 1000, response.status_code
            if "text/html" in response.headers.get("content-type", ""):
                follow(url, response.text)
    return rows


class RssSampler(threading.Thread):
    """The peak VmRSS of a process, read every ~5 ms until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, rss_mb(pid), threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.005):
            self.peak = max(self.peak, rss_mb(self.pid))

    def stop(self) -> float:
        self.done.set()
        self.join()
        return max(self.peak, rss_mb(self.pid))


def timed_get(client: httpx.Client, row: Row, pid: int, encoding: str = "gzip") -> float:
    """One GET; its milliseconds; bytes, status and (for exports) RSS growth kept on the row."""
    sampler = RssSampler(pid) if row.export else None
    before = sampler.peak if sampler else 0.0
    if sampler:
        sampler.start()
    started = time.perf_counter()
    response = client.get(row.url, headers={"accept-encoding": encoding})
    elapsed = (time.perf_counter() - started) * 1000
    if sampler:
        growth = sampler.stop() - before
        row.rss_mb = max(row.rss_mb or 0.0, growth)
    row.status = response.status_code if row.status in (0, 200) else row.status
    if encoding == "identity":
        row.plain_bytes = response.num_bytes_downloaded
        if "text/html" in response.headers.get("content-type", ""):
            row.html = response.text
    else:
        row.gzip_bytes = response.num_bytes_downloaded
    return elapsed


def measure(client: httpx.Client, row: Row, pid: int, repeat: int) -> Row:
    """The first view (unless the crawl made it), then `repeat` views with gzip, then one
    without compression for the plain size."""
    if not row.first_ms:
        row.first_ms = timed_get(client, row, pid)
    if row.export and row.first_ms > SLOW_EXPORT_MS:
        repeat = min(repeat, 2)
    row.times = [timed_get(client, row, pid) for _ in range(repeat)]
    timed_get(client, row, pid, encoding="identity")
    return row


def short(url: str) -> str:
    """A URL for the table: UUIDs cut to their first eight digits."""
    return UUID_TEXT.sub(lambda m: m.group(0)[:8], url)
