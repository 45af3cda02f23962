"""Appending to, verifying and listing the hash-chained audit log (DESIGN.md §5).

Personal data stays out of the hashed content so that erasure (GDPR Art. 17) leaves a chain
that still verifies: every e-mail address an entry names — the actor's, or any payload value
that is an address — is replaced by a reference "person:<id>" to a row of `audit_persons`,
which holds the address and which erasure blanks. The hash covers the reference, never the
address. Names are never stored: they come from the account (`actor_id`) when entries are shown.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import TransactionType

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.audit.tables import AuditEntry, AuditPerson

GENESIS_HASH = "0" * 64
# Any fixed bigint works; it only has to be the same in every process appending to the log.
ADVISORY_LOCK_KEY = 7_301_202_603
VERIFY_PAGE_SIZE = 1000
MAX_PER_PAGE = 200
PERSON_PREFIX = "person:"
ERASED_PERSON = "Gelöschte Person"
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


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
    actor_person: UUID | str | None = None,
) -> str:
    """SHA-256 hex over the entry's content and the previous entry's hash.

    With `actor_person` set, the hash covers the reference to the person, not `actor_label`
    (their address, which erasure blanks). Entries naming no person hash exactly as before.
    """
    fields = [
        id,
        created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        str(actor_id) if actor_id is not None else "",
        f"{PERSON_PREFIX}{actor_person}" if actor_person is not None else actor_label,
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
        "payload": msgspec.to_builtins(payload or {}),  # references replace addresses in _append
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
    # Under the lock, so two appenders never create the same person twice.
    entry = await _pseudonymise(entry)
    last = await AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id, ascending=False).first()
    prev_hash = last["hash"] if last else GENESIS_HASH
    created_at = clock.now()  # taken under the lock, so times rise with ids
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


def is_address(value: Any) -> bool:
    """Whether the value is an e-mail address (which the log keeps only as a person reference)."""
    return isinstance(value, str) and _ADDRESS.fullmatch(value.strip()) is not None


async def person_ref(email: str, user_id: UUID | str | None = None) -> UUID:
    """The id of the person with this address, created on first mention (call under the lock)."""
    email = email.strip().lower()
    row = (
        await AuditPerson.select(AuditPerson.id, AuditPerson.user_id)
        .where(AuditPerson.email == email)
        .first()
    )
    if user_id is None:
        account = await User.select(User.id).where(User.email == email).first()
        user_id = account["id"] if account else None
    if row is not None:
        if row["user_id"] is None and user_id is not None:
            await AuditPerson.update({AuditPerson.user_id: UUID(str(user_id))}).where(
                AuditPerson.id == row["id"]
            )
        return row["id"]
    person_id = uuid.uuid4()
    await AuditPerson.insert(
        AuditPerson(
            id=person_id, email=email, user_id=UUID(str(user_id)) if user_id is not None else None
        )
    )
    return person_id


async def _without_addresses(value: Any) -> Any:
    if is_address(value):
        return f"{PERSON_PREFIX}{await person_ref(value)}"
    if isinstance(value, dict):
        return {key: await _without_addresses(item) for key, item in value.items()}
    if isinstance(value, list):
        return [await _without_addresses(item) for item in value]
    return value


async def _pseudonymise(entry: dict) -> dict:
    """The actor's address and every address in the payload become person references."""
    entry = dict(entry)
    entry["actor_person"] = None
    if is_address(entry["actor_label"]):
        entry["actor_label"] = entry["actor_label"].strip().lower()
        entry["actor_person"] = await person_ref(entry["actor_label"], entry["actor_id"])
    entry["payload"] = canonical_json(await _without_addresses(entry["payload"]))
    return entry


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
    await _resolve_people(rows)
    return rows, await count


def _references(value: Any, found: set[str]) -> None:
    if isinstance(value, str) and value.startswith(PERSON_PREFIX):
        found.add(value.removeprefix(PERSON_PREFIX))
    elif isinstance(value, dict):
        for item in value.values():
            _references(item, found)
    elif isinstance(value, list):
        for item in value:
            _references(item, found)


def _shown(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith(PERSON_PREFIX):
        return names.get(value.removeprefix(PERSON_PREFIX), value)
    if isinstance(value, dict):
        return {key: _shown(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_shown(item, names) for item in value]
    return value


async def _resolve_people(rows: list[dict]) -> None:
    """For display: each person as "Name (address)" from the account, or as erased."""
    ids = _person_ids(rows)
    if not ids:
        return
    names = await _display_names(ids)
    for row in rows:
        if row["actor_person"] is not None:
            row["actor_label"] = names.get(str(row["actor_person"]), row["actor_label"])
        row["payload"] = _shown(row["payload"], names)


def _person_ids(rows: list[dict]) -> list[UUID]:
    """Every person the entries mention, as actor or in the payload (malformed ones skipped)."""
    found: set[str] = set()
    for row in rows:
        if row["actor_person"] is not None:
            found.add(str(row["actor_person"]))
        _references(row["payload"], found)
    ids = []
    for ref in found:
        try:
            ids.append(UUID(ref))
        except ValueError:
            continue
    return ids


async def _display_names(ids: list[UUID]) -> dict[str, str]:
    """Person id -> how the audit log shows them."""
    people = await AuditPerson.select().where(AuditPerson.id.is_in(ids))
    accounts = {
        a["id"]: a["name"]
        for a in await User.select(User.id, User.name).where(
            User.id.is_in(
                [p["user_id"] for p in people if p["user_id"] is not None] or [uuid.UUID(int=0)]
            )
        )
    }
    return {
        str(person["id"]): _display_name(person, accounts.get(person["user_id"]))
        for person in people
    }


def _display_name(person: dict, account_name: str | None) -> str:
    if person["erased_at"] is not None or not person["email"]:
        return ERASED_PERSON
    if account_name:
        return f"{account_name} ({person['email']})"
    return person["email"]


async def erase_person(user_id: UUID, email: str) -> int:
    """Blank the address of every audit person of this account or address (and the entries'
    display copies); the chain still verifies because the hashes cover only references."""
    people = [
        p["id"]
        for p in await AuditPerson.select(AuditPerson.id).where(
            (AuditPerson.user_id == user_id) | (AuditPerson.email == email.strip().lower())
        )
    ]
    if not people:
        return 0
    await AuditPerson.update({AuditPerson.email: None, AuditPerson.erased_at: clock.now()}).where(
        AuditPerson.id.is_in(people)
    )
    await AuditEntry.update({AuditEntry.actor_label: ""}).where(
        AuditEntry.actor_person.is_in(people)
    )
    return len(people)
