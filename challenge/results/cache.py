"""Rankings cached in the database, shared by every replica: one row per (call, round,
challenge key, method) holding the serialised ranking and the fingerprint of its inputs.

The fingerprint is one aggregate query over everything a ranking reads, taken *before* the
reviews are loaded (a change in between makes the stored fingerprint stale, never the ranking):

- the round's final reviews (of the challenge's entries, for a challenge): their count, the
  latest ``updated_at``, the sum of their ``updated_at`` in milliseconds and of their versions.
  Every way a review enters or leaves the set, or changes, moves one of them: a review is
  created, edited, finalised or recused through Piccolo's save/update, which set ``updated_at``
  (``auto_update``); a deletion (of the review, its entry, its juror or its round, by cascade)
  lowers the count; a review entering as another leaves changes the sum of the timestamps even
  when the count stays and clocks of two replicas disagree;
- the call's conflicts (count, latest declared, latest lifted) and the round's recused
  assignments — a recusal also takes the review out (above), the rest is belt and braces;
- the round's id and criteria (rubric and weights), the cut-off (planned awards, or the
  challenge's places), the challenge, the number of resamples and the FORMAT of this module.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from uuid import UUID

import msgspec

from challenge.platform import clock
from challenge.results.scores import EntryResult, Ranking
from challenge.results.tables import RankingCache

FORMAT = 1  # bump when the ranking's computation or this payload changes
RESAMPLES = 1000  # ranking.RESAMPLES (not imported: numpy loads with the first computation)
computations = 0  # rankings computed for the cache in this process (tests count them)

_REVIEWS = (
    "SELECT count(*) AS reviews, max(r.updated_at) AS latest, sum(r.version) AS versions,"
    " sum({stamp}) AS stamps,"
    ' (SELECT count(*) FROM conflicts c WHERE c."call" = {{}}) AS conflicts,'
    ' (SELECT max(c.created_at) FROM conflicts c WHERE c."call" = {{}}) AS declared,'
    ' (SELECT max(c.lifted_at) FROM conflicts c WHERE c."call" = {{}}) AS lifted,'
    " (SELECT count(*) FROM assignments a WHERE a.round = {{}} AND a.status = 'recused')"
    " AS recused FROM reviews r{join} WHERE r.round = {{}} AND r.status = 'final'{scope}"
)
_STAMPS = {  # a review's updated_at in whole milliseconds, exact on each engine
    "sqlite": "CAST(round((julianday(r.updated_at) - 2440587.5) * 86400000) AS INTEGER)",
    "postgres": "CAST(extract(epoch FROM r.updated_at) * 1000 AS BIGINT)",
}
_UPSERT = (
    "INSERT INTO ranking_cache"
    ' (id, "call", round_number, challenge_key, method, fingerprint, payload, computed_at)'
    " VALUES ({}, {}, {}, {}, {}, {}, {}, {})"
    ' ON CONFLICT ("call", round_number, challenge_key, method) DO UPDATE SET'
    " fingerprint = excluded.fingerprint, payload = excluded.payload,"
    " computed_at = excluded.computed_at"
)


class JurorStats(msgspec.Struct, array_like=True, frozen=True):
    """One juror's review totals (0–100) in the ranking: count, mean and the five figures of a
    box plot (lowest, quartiles, highest)."""

    juror: UUID
    reviews: int
    mean: float
    low: float
    q1: float
    median: float
    q3: float
    high: float


class CachedEntry(EntryResult, array_like=True, gc=False):
    """An EntryResult as the cache stores it: a row of values, the entry's id a UUID."""

    entry: UUID


class _Payload(msgspec.Struct, array_like=True):
    method: str
    entries: list[CachedEntry]
    alpha: float | None
    per_criterion: dict[str, float | None]
    leniency: list[tuple[UUID, float | None]]  # in the ranking's juror order
    raw_only: list[UUID]
    jurors: list[JurorStats]


_encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
_decoder = msgspec.msgpack.Decoder(_Payload)


def encode(ranking: Ranking, jurors: list[JurorStats]) -> bytes:
    """The ranking and the jurors' statistics as compact msgpack (a _Payload's array)."""
    return _encoder.encode(
        [
            ranking.method,
            [msgspec.structs.astuple(e) for e in ranking.entries],
            ranking.alpha,
            ranking.per_criterion,
            list(ranking.leniency.items()),
            list(ranking.raw_only_jurors),
            jurors,
        ]
    )


def decode(payload: bytes) -> tuple[Ranking, list[JurorStats]]:
    """The ranking and the jurors' statistics back from ``encode``."""
    data = _decoder.decode(payload)
    ranking = Ranking(
        data.method,
        data.entries,
        data.alpha,
        data.per_criterion,
        dict(data.leniency),
        data.raw_only,
    )
    return ranking, data.jurors


@dataclass(frozen=True)
class Scope:
    """What one cached ranking is of: the call, the round (its row) and the challenge."""

    call: dict
    round: dict
    challenge: dict | None

    @property
    def key(self) -> str:
        return self.challenge["key"] if self.challenge else ""

    @property
    def planned(self) -> int | None:
        """Where the cut-off lies: the challenge's places, or the call's planned awards."""
        return self.challenge["places"] if self.challenge else self.call["awards_planned"]


async def fingerprint(scope: Scope) -> str:
    """The inputs' fingerprint (see the module): one aggregate query and the round's rubric."""
    engine = "sqlite" if RankingCache._meta.db.engine_type == "sqlite" else "postgres"
    challenge_id = scope.challenge["id"] if scope.challenge else None
    sql = _REVIEWS.format(
        stamp=_STAMPS[engine],
        join=" JOIN submissions s ON s.id = r.submission" if challenge_id else "",
        scope=" AND s.challenge = {}" if challenge_id else "",
    )
    call_id, round_id = scope.call["id"], scope.round["id"]
    args = [call_id, call_id, call_id, round_id, round_id]
    rows = await RankingCache.raw(sql, *args, *([challenge_id] if challenge_id else []))
    inputs = msgspec.json.encode(
        {
            "format": FORMAT,
            "resamples": RESAMPLES,
            "round": str(round_id),
            "criteria": scope.round["criteria"] or [],
            "planned": scope.planned,
            "challenge": str(challenge_id or ""),
            "aggregate": {k: str(v) for k, v in (rows[0] if rows else {}).items()},
        }
    )
    return hashlib.sha256(inputs).hexdigest()


async def load(scope: Scope, methods, mark: str) -> dict[str, bytes]:
    """The stored payloads of these methods whose fingerprint is ``mark``, by method."""
    rows = await RankingCache.select(RankingCache.method, RankingCache.payload).where(
        (RankingCache.call == scope.call["id"])
        & (RankingCache.round_number == scope.round["number"])
        & (RankingCache.challenge_key == scope.key)
        & RankingCache.method.is_in(list(methods))
        & (RankingCache.fingerprint == mark)
    )
    return {row["method"]: bytes(row["payload"]) for row in rows}


async def store(scope: Scope, method: str, mark: str, payload: bytes) -> None:
    """Insert or replace the method's ranking; two requests storing at once both succeed."""
    await RankingCache.raw(
        _UPSERT,
        uuid.uuid4(),
        scope.call["id"],
        scope.round["number"],
        scope.key,
        method,
        mark,
        payload,
        clock.now(),
    )


def counted(count: int) -> None:
    """Count rankings computed for the cache (``computations``)."""
    global computations
    computations += count
