"""The OCDS packages, rebuilt only when the stored facts changed: one query tells, at most once
a second per process. Each is stored twice, as built and gzip-compressed (level 6, once per
rebuild), so a client asking for gzip gets bytes compressed once, not on every request. The
seconds come from :func:`monotonic`, which tests replace to move time on instead of sleeping."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from dataclasses import dataclass

from partnerships.opendata.facts import load_facts
from partnerships.opendata.packages import build
from partnerships.tables import Partnership

GZIP_LEVEL = 6  # within a few per cent of level 9's size at a fraction of its time
RECHECK_SECONDS = 1.0  # pollers are told max-age=60; one look at the database per second is plenty

_FINGERPRINT = """SELECT
 (SELECT COUNT(*) FROM partnerships) AS p, (SELECT MAX(updated_at) FROM partnerships) AS pu,
 (SELECT COUNT(*) FROM milestones) AS m, (SELECT MAX(approved_at) FROM milestones) AS ma,
 (SELECT COUNT(*) FROM milestones WHERE approved_at IS NOT NULL) AS mc,
 (SELECT COUNT(*) FROM payments) AS y, (SELECT MAX(created_at) FROM payments) AS yc,
 (SELECT COUNT(*) FROM amendments) AS a, (SELECT COUNT(*) FROM partnership_supplier_names) AS n,
 (SELECT MAX(o.updated_at) FROM organisations o JOIN partnerships p ON p.organisation = o.id) AS o,
 (SELECT MAX(s.updated_at) FROM submissions s JOIN partnerships p ON p.submission = s.id) AS s,
 (SELECT MAX(c.results_published_at) FROM calls c JOIN partnerships p ON p.call = c.id) AS c"""


def monotonic() -> float:
    """Seconds on a clock that never goes back (replaceable in tests)."""
    return time.monotonic()


@dataclass(frozen=True)
class Stored:
    """One cached file as built and gzip-compressed, each with its own strong ETag (different
    bytes, different tag: the compressed one ends in ``-gzip``)."""

    body: bytes
    gzipped: bytes
    etag: str
    gzip_etag: str


def stored(body: bytes) -> Stored:
    """The file and its gzip variant (no timestamp in the gzip header: every replica compresses
    to the same bytes)."""
    tag = hashlib.sha256(body).hexdigest()[:32]
    return Stored(
        body, gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0), f'"{tag}"', f'"{tag}-gzip"'
    )


@dataclass
class Cached:
    fingerprint: str
    release: Stored
    record: Stored
    checked: float = 0.0


_cache: dict[str, Cached] = {}


async def packages(settings) -> Cached:
    """The packages, rebuilt only when the stored facts changed (one query tells, at most once a
    second per process)."""
    cached = _cache.get(settings.base_url)
    if (
        cached and 0 <= monotonic() - cached.checked < RECHECK_SECONDS
    ):  # a clock set back looks again
        return cached
    row = (await Partnership.raw(_FINGERPRINT))[0]
    fingerprint = hashlib.sha256(json.dumps([str(v) for v in row.values()]).encode()).hexdigest()
    if cached and cached.fingerprint == fingerprint:
        cached.checked = monotonic()
        return cached
    release, record = build(settings, await load_facts())
    cached = Cached(fingerprint, stored(release), stored(record), monotonic())
    _cache[settings.base_url] = cached
    return cached
