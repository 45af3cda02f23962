"""Idempotency keys: a retried request returns the stored result instead of acting twice.

A client that lost an answer (a dropped connection after the commit, a 503) sends the request
again with the same key. The key is written in the same transaction as the effect, so "the
save happened" and "the key is known" commit together, on every replica. The response is stored
right after it is rendered; if that did not happen (the answer was lost in between), the retry
answers the current state of the object the effect produced.

- Keys belong to a user: (user, key) is unique. A key names one request: the same key with a
  different route, object or body answers 422 ``idempotency_key_reused``.
- Only successes are stored: a refused request changed nothing and may simply run again.
- Keys expire after ``KEEP`` (the worker's housekeeping deletes them).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from piccolo.columns import UUID as UUIDColumn
from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

log = logging.getLogger(__name__)

KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"
FIELD = "idempotency_key"  # the hidden field of page forms
KEY_MAX = 200


class IdempotencyKey(Table, tablename="idempotency_keys"):
    """One request's key and its stored answer; unique on (user, key) (see the migration)."""

    id = UUIDColumn(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    key = Varchar(length=KEY_MAX)
    route = Varchar(length=200)
    request_hash = Varchar(length=64)
    result = Text(default="{}")  # what the effect produced (e.g. the new version)
    status = Integer(default=0)  # 0 until the answer is stored
    body = Text(default="")
    content_type = Varchar(length=100, default="")
    created_at = Timestamptz(index=True)


@dataclass(frozen=True)
class Claim:
    """A request that carries a key: who sent it, where, and a hash of what it asks."""

    user_id: UUID
    key: str
    route: str
    request_hash: str


def valid_key(key: str) -> str:
    """A key is 1 to 200 visible ASCII characters (a UUID, for instance)."""
    if not key or len(key) > KEY_MAX or any(not 0x21 <= ord(ch) <= 0x7E for ch in key):
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[
                FieldError(
                    FIELD, N_("The idempotency key must be 1 to 200 visible ASCII characters.")
                )
            ],
        )
    return key


def claim_for(user_id: UUID, key: str | None, route: str, target: str, payload) -> Claim | None:
    """The claim of a request with a key (None without one); payload is JSON-like data."""
    if key is None:
        return None
    text = json.dumps(
        {"route": route, "target": target, "payload": payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return Claim(user_id, valid_key(key), route, hashlib.sha256(text.encode()).hexdigest())


async def lookup(claim: Claim | None, *, strict: bool = True) -> dict | None:
    """The stored record of this key (None if new or expired); 422 if it named another request.

    With strict=False a record of another request is returned too, with same_request False
    (the page forms continue from their own earlier save, see submissions.pages)."""
    if claim is None:
        return None
    row = (
        await IdempotencyKey.select()
        .where(
            (IdempotencyKey.user == claim.user_id)
            & (IdempotencyKey.key == claim.key)
            & (IdempotencyKey.created_at > clock.now() - KEEP)
        )
        .first()
    )
    if row is None:
        return None
    row["same_request"] = row["route"] == claim.route and row["request_hash"] == claim.request_hash
    if strict and not row["same_request"]:
        raise reused()
    row["result"] = json.loads(row["result"] or "{}")
    return row


def reused() -> Problem:
    return Problem(
        422,
        "idempotency_key_reused",
        N_("This idempotency key was already used for a different request. Use a new key."),
    )


async def record_effect(claim: Claim | None, result: dict) -> None:
    """Inside the effect's write transaction: the key is known exactly when the effect is."""
    if claim is None:
        return
    await IdempotencyKey.delete().where(  # an expired use of the same key
        (IdempotencyKey.user == claim.user_id)
        & (IdempotencyKey.key == claim.key)
        & (IdempotencyKey.created_at <= clock.now() - KEEP)
    )
    await IdempotencyKey(
        user=claim.user_id,
        key=claim.key,
        route=claim.route,
        request_hash=claim.request_hash,
        result=json.dumps(result, default=str),
        created_at=clock.now(),
    ).save()


async def store_answer(
    claim: Claim | None, status: int, body: bytes | str, content_type: str
) -> None:
    """After rendering: keep the answer for retries. A failure here loses nothing (a retry then
    answers the current state), so it is logged, not raised."""
    if claim is None:
        return
    text = body.decode() if isinstance(body, bytes) else body
    try:
        await IdempotencyKey.update(
            {
                IdempotencyKey.status: status,
                IdempotencyKey.body: text,
                IdempotencyKey.content_type: content_type,
            }
        ).where((IdempotencyKey.user == claim.user_id) & (IdempotencyKey.key == claim.key))
    except Exception:  # noqa: BLE001 - see the docstring
        log.warning("could not store the answer for an idempotency key", exc_info=True)


async def is_recorded(claim: Claim | None) -> bool:
    """Whether a parallel request with the same key got there first (after a unique violation)."""
    if claim is None:
        return False
    return await IdempotencyKey.exists().where(
        (IdempotencyKey.user == claim.user_id) & (IdempotencyKey.key == claim.key)
    )


async def purge_expired(now: datetime | None = None) -> None:
    """Drop keys older than KEEP (run by the worker's housekeeping)."""
    await IdempotencyKey.delete().where(IdempotencyKey.created_at < (now or clock.now()) - KEEP)
