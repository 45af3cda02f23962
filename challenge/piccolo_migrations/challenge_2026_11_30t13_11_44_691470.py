"""The audit log names people by reference: a table `audit_persons` holds their addresses
(erasure blanks them) and `audit_log.actor_person` points to it.

Existing entries that hold an address (as actor label or as a payload value) are rewritten to
references and the chain is resealed from the first such entry on — but only after the old
chain verified; a broken chain is left exactly as it was (`challenge audit verify` keeps
reporting the break). A final entry `audit.resealed` records the old chain's last hash, so an
externally kept copy of it can still be matched. Self-contained: the hashing below is frozen
here and must not follow later changes of challenge.platform.audit.service.
"""

import hashlib
import re
import uuid
from datetime import UTC, datetime

import msgspec
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import UUID, BigSerial, Text, Timestamptz, Varchar
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T13:11:44:691470"
VERSION = "1.38.0"
DESCRIPTION = "Audit log names people by reference; addresses move to audit_persons"

GENESIS_HASH = "0" * 64
ADVISORY_LOCK_KEY = 7_301_202_603
PAGE = 1000
ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Entry(Table, tablename="audit_log"):
    id = BigSerial(primary_key=True)
    created_at = Timestamptz()
    actor_id = UUID(null=True, default=None)
    actor_person = UUID(null=True, default=None)
    actor_label = Varchar(length=320, default="")
    action = Varchar(length=80)
    object_type = Varchar(length=50, default="")
    object_id = Varchar(length=80, default="")
    payload = Text(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class Person(Table, tablename="audit_persons"):
    id = UUID(primary_key=True)
    user_id = UUID(null=True, default=None)
    email = Varchar(length=320, null=True, default=None)
    erased_at = Timestamptz(null=True, default=None)


class Account(Table, tablename="users"):
    id = UUID(primary_key=True)
    email = Varchar(length=320)


def entry_hash(row: dict) -> str:
    person = row.get("actor_person")
    fields = [
        row["id"],
        row["created_at"].astimezone(UTC).isoformat(timespec="microseconds"),
        str(row["actor_id"]) if row["actor_id"] is not None else "",
        f"person:{person}" if person is not None else row["actor_label"],
        row["action"],
        row["object_type"],
        row["object_id"],
        row["payload"],
        row["prev_hash"],
    ]
    return hashlib.sha256(msgspec.json.encode(fields)).hexdigest()


def is_address(value) -> bool:
    return isinstance(value, str) and ADDRESS.fullmatch(value.strip()) is not None


async def entries():
    after = None
    while True:
        query = Entry.select().order_by(Entry.id).limit(PAGE)
        if after is not None:
            query = query.where(Entry.id > after)
        rows = await query
        for row in rows:
            yield row
        if len(rows) < PAGE:
            return
        after = rows[-1]["id"]


async def chain_intact() -> tuple[bool, int, str]:
    """(intact, entries or the id of the first broken one, last hash)."""
    prev, count = GENESIS_HASH, 0
    async for row in entries():
        count += 1
        if row["prev_hash"] != prev or entry_hash(row) != row["hash"]:
            return False, row["id"], prev
        prev = row["hash"]
    return True, count, prev


class People:
    def __init__(self) -> None:
        self.known: dict[str, uuid.UUID] = {}

    async def ref(self, email: str, user_id=None) -> uuid.UUID:
        email = email.strip().lower()
        if email in self.known:
            return self.known[email]
        row = await Person.select(Person.id).where(Person.email == email).first()
        if row is None:
            if user_id is None:
                account = await Account.select(Account.id).where(Account.email == email).first()
                user_id = account["id"] if account else None
            person_id = uuid.uuid4()
            await Person.insert(Person(id=person_id, email=email, user_id=user_id))
        else:
            person_id = row["id"]
        self.known[email] = person_id
        return person_id

    async def replace(self, value):
        if is_address(value):
            return f"person:{await self.ref(value)}"
        if isinstance(value, dict):
            return {k: await self.replace(v) for k, v in value.items()}
        if isinstance(value, list):
            return [await self.replace(v) for v in value]
        return value


async def reseal() -> None:
    engine = Entry._meta.db
    if isinstance(engine, PostgresEngine):
        await engine.run_ddl(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
    intact, count, old_head = await chain_intact()
    if not intact:
        print(f"audit log broken at entry {count}: left unchanged, the addresses in it stay")
        return
    if count == 0:
        return
    people, prev, rewritten = People(), GENESIS_HASH, 0
    async for row in entries():
        changed = row["prev_hash"] != prev
        if row["actor_person"] is None and is_address(row["actor_label"]):
            row["actor_label"] = row["actor_label"].strip().lower()
            row["actor_person"] = await people.ref(row["actor_label"], row["actor_id"])
            changed = True
        payload = msgspec.json.decode(row["payload"])
        replaced = await people.replace(payload)
        if replaced != payload:
            row["payload"] = msgspec.json.encode(replaced, order="sorted").decode()
            changed = True
        if changed:
            row["prev_hash"] = prev
            row["hash"] = entry_hash(row)
            rewritten += 1
            await Entry.update({
                Entry.actor_person: row["actor_person"], Entry.actor_label: row["actor_label"],
                Entry.payload: row["payload"], Entry.prev_hash: row["prev_hash"], Entry.hash: row["hash"],
            }).where(Entry.id == row["id"])
        prev = row["hash"]
    if not rewritten:
        return
    payload = msgspec.json.encode(
        {"entries": count, "rewritten": rewritten, "previous_head": old_head}, order="sorted").decode()
    now = datetime.now(UTC)
    note = {"created_at": now, "actor_id": None, "actor_person": None, "actor_label": "migration",
            "action": "audit.resealed", "object_type": "audit_log", "object_id": "", "payload": payload,
            "prev_hash": prev}
    rows = await Entry.insert(Entry(**note, hash=f"pending-{uuid.uuid4().hex}"))
    note["id"] = rows[0]["id"]
    await Entry.update({Entry.hash: entry_hash(note)}).where(Entry.id == note["id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await Entry.raw(
            "CREATE TABLE audit_persons (id UUID PRIMARY KEY, user_id UUID NULL,"
            " email VARCHAR(320) NULL UNIQUE, erased_at TIMESTAMPTZ NULL)")
        await Entry.raw("CREATE INDEX audit_persons_user_id ON audit_persons (user_id)")
        await Entry.raw("ALTER TABLE audit_log ADD COLUMN actor_person UUID NULL")
        await Entry.raw("CREATE INDEX audit_log_actor_person ON audit_log (actor_person)")
        await reseal()

    async def run_backwards():
        # Entries rewritten to references keep them: the addresses are not brought back.
        await Entry.raw("DROP INDEX audit_log_actor_person")
        await Entry.raw("ALTER TABLE audit_log DROP COLUMN actor_person")
        await Entry.raw("DROP TABLE audit_persons")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
