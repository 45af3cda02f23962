"""Appending to, verifying and listing the hash-chained audit log (DESIGN.md §5)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import TransactionType

from challenge import db
from challenge.platform.audit.tables import AuditEntry

GENESIS_HASH = "0" * 64
# Any fixed bigint works; it only has to be the same in every process appending to the log.
ADVISORY_LOCK_KEY = 7_301_202_603
VERIFY_PAGE_SIZE = 1000
MAX_PER_PAGE = 200


class VerifyResult(msgspec.Struct, frozen=True):
    """Outcome of walking the chain; on failure `entries` counts up to the broken entry."""

    ok: bool
    entries: int
    first_broken_id: int | None = None
    reason: str = ""


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys; datetimes (RFC 3339) and UUIDs become strings."""
    return msgspec.json.encode(value, order="sorted").decode()


def entry_hash(
    *,
    id: int,
    created_at: datetime,
    actor_id: UUID | str | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    payload: str,
    prev_hash: str,
) -> str:
    """SHA-256 hex over the entry's content and the previous entry's hash."""
    fields = [
        id,
        created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        str(actor_id) if actor_id is not None else "",
        actor_label,
        action,
        object_type,
        object_id,
        payload,  # the stored text, so verifying never depends on re-encoding JSON
        prev_hash,
    ]
    return hashlib.sha256(msgspec.json.encode(fields)).hexdigest()


async def record(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    object_type: str = "",
    object_id: str | UUID = "",
    payload: dict | None = None,
) -> int:
    """Append one entry (inside the caller's transaction if one is active) and return its id.

    On SQLite a caller's transaction must come from `db.write_transaction()` (IMMEDIATE):
    that write lock is what serialises appends. On PostgreSQL it must be READ COMMITTED
    (Piccolo's default), so the last entry read after the advisory lock is the newest one.
    """
    entry = {
        "actor_id": getattr(actor, "id", None),
        "actor_label": actor_label or getattr(actor, "email", "") or "",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "payload": canonical_json(payload or {}),
    }
    engine = db.current_engine()
    transaction = engine.current_transaction.get()
    if transaction is None:
        async with db.write_transaction():
            return await _append(engine, entry)
    if getattr(transaction, "transaction_type", None) == TransactionType.deferred:
        # A deferred SQLite transaction does not hold the write lock while reading the
        # last entry; a competing append would then fail late with "database is locked".
        raise RuntimeError("audit.record needs a transaction from db.write_transaction()")
    return await _append(engine, entry)


async def _append(engine, entry: dict) -> int:
    if isinstance(engine, PostgresEngine):
        # Held until commit/rollback, so the next appender reads this entry as the last.
        await engine.run_ddl(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
    last = await AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id, ascending=False).first()
    prev_hash = last["hash"] if last else GENESIS_HASH
    created_at = datetime.now(UTC)  # taken under the lock, so times rise with ids
    # The id is part of the hash and comes from the database, so insert first with a
    # unique placeholder (hash is UNIQUE), then set the real hash in the same transaction.
    rows = await AuditEntry.insert(
        AuditEntry(
            created_at=created_at, prev_hash=prev_hash, hash=f"pending-{uuid.uuid4().hex}", **entry
        )
    )
    entry_id = rows[0]["id"]
    digest = entry_hash(id=entry_id, created_at=created_at, prev_hash=prev_hash, **entry)
    await AuditEntry.update({AuditEntry.hash: digest}).where(AuditEntry.id == entry_id)
    return entry_id


async def verify() -> VerifyResult:
    """Recompute every entry's hash and link in id order; name the first broken entry."""
    prev_hash = GENESIS_HASH
    after_id = None
    count = 0
    while True:
        query = AuditEntry.select().order_by(AuditEntry.id).limit(VERIFY_PAGE_SIZE)
        if after_id is not None:
            query = query.where(AuditEntry.id > after_id)
        rows = await query
        for row in rows:
            count += 1
            stored_hash = row.pop("hash")
            if entry_hash(**row) != stored_hash:
                return VerifyResult(False, count, row["id"], "hash mismatch")
            if row["prev_hash"] != prev_hash:
                return VerifyResult(False, count, row["id"], "broken link")
            prev_hash = stored_hash
        if len(rows) < VERIFY_PAGE_SIZE:
            return VerifyResult(True, count)
        after_id = rows[-1]["id"]


async def list_entries(
    *,
    action: str | None = None,
    actor_id: UUID | str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[dict], int]:
    """One page of entries, newest first, with the total number matching the filters."""
    conditions = []
    if action is not None:
        conditions.append(AuditEntry.action == action)
    if actor_id is not None:
        conditions.append(AuditEntry.actor_id == UUID(str(actor_id)))
    if object_type is not None:
        conditions.append(AuditEntry.object_type == object_type)
    if object_id is not None:
        conditions.append(AuditEntry.object_id == str(object_id))
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False)
    count = AuditEntry.count()
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.limit(per_page).offset((page - 1) * per_page)
    for row in rows:
        row["payload"] = msgspec.json.decode(row["payload"])
    return rows, await count
