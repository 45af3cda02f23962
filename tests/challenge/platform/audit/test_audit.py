"""The hash-chained audit log: appending, transactions, concurrency, listing, verifying.

Tampering happens only in a fresh database (the `cli_env` fixture), written by a subprocess
and checked with `audit verify` as a user would; the session database stays intact.
"""

import asyncio
import contextlib
import re
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import asyncpg
import pytest
from piccolo.engine.postgres import PostgresEngine

from challenge import db
from challenge.platform.accounts.tables import User
from challenge.platform.audit import service
from challenge.platform.audit.service import entry_hash, list_entries, record, verify
from challenge.platform.audit.tables import AuditEntry

SEED = """
import asyncio, sys
from challenge import db
from challenge.platform.audit.service import record
from challenge.settings import load_settings, prepare

async def main():
    async with db.connected(prepare(load_settings())):
        await db.migrate()
        for n in range(int(sys.argv[1])):
            await record("test.seeded", object_type="thing", object_id=str(n), payload={"n": n})

asyncio.run(main())
"""
VERIFY = "from challenge.platform.audit.cli import audit; audit()"


def python(env, code, *args):
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def seeded_env(cli_env):
    """A fresh database holding five audit entries written by another process."""
    seeded = python(cli_env, SEED, "5")
    assert seeded.returncode == 0, seeded.stderr
    return cli_env


async def raw(env, sql, *args):
    """SQL run straight on the database, as someone bypassing the portal would."""
    url = env["CHALLENGE_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            rows = conn.execute(sql, args).fetchall()
            conn.commit()
        return rows
    numbers = iter(range(1, len(args) + 1))
    conn = await asyncpg.connect(url)
    try:
        return [
            tuple(r)
            for r in await conn.fetch(re.sub(r"\?", lambda _: f"${next(numbers)}", sql), *args)
        ]
    finally:
        await conn.close()


async def entry_ids(env) -> list[int]:
    return [row[0] for row in await raw(env, "SELECT id FROM audit_log ORDER BY id")]


async def test_record_appends_entries_that_form_a_valid_chain(app):
    before = await verify()
    ids = [await record("test.chained", object_id=str(n), payload={"n": n}) for n in range(3)]
    after = await verify()
    assert before.ok and after.ok
    assert after.entries == before.entries + 3
    rows = await AuditEntry.select().where(AuditEntry.id.is_in(ids)).order_by(AuditEntry.id)
    assert [row["id"] for row in rows] == sorted(ids)
    assert rows[1]["prev_hash"] == rows[0]["hash"] and rows[2]["prev_hash"] == rows[1]["hash"]


async def test_verify_walks_a_log_longer_than_one_page(app, monkeypatch):
    await record("test.paged")
    monkeypatch.setattr(service, "VERIFY_PAGE_SIZE", 2)
    result = await verify()
    assert result.ok
    assert result.entries == await AuditEntry.count()


async def test_record_inside_a_failing_transaction_leaves_no_entry(app):
    marker = uuid.uuid4().hex
    with pytest.raises(RuntimeError, match="change failed"):
        async with db.write_transaction():
            await record("test.rolled_back", object_id=marker)
            raise RuntimeError("change failed")
    assert not await AuditEntry.exists().where(AuditEntry.object_id == marker)
    assert (await verify()).ok


async def test_record_commits_together_with_the_change_it_describes(app):
    async with db.write_transaction():
        user = User(email=f"audit-{uuid.uuid4().hex[:8]}@example.org", name="Audit Test")
        await user.save()
        entry_id = await record("user.created", actor=user, object_type="user", object_id=user.id)
    entry = await AuditEntry.select().where(AuditEntry.id == entry_id).first()
    assert entry["actor_id"] == user.id
    assert entry["actor_label"] == user.email
    assert entry["object_id"] == str(user.id)


async def test_record_stores_the_payload_as_canonical_json(app):
    some_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    when = datetime(2026, 3, 1, 9, 30, 0, 250000, tzinfo=UTC)
    entry_id = await record(
        "test.payload",
        actor_label="system job",
        payload={"z": 1, "id": some_id, "when": when, "name": "Straße"},
    )
    entry = await AuditEntry.select().where(AuditEntry.id == entry_id).first()
    assert entry["payload"] == (
        '{"id":"12345678-1234-5678-1234-567812345678","name":"Straße","when":"2026-03-01T09:30:00.250000Z","z":1}'
    )
    assert entry["actor_id"] is None and entry["actor_label"] == "system job"


async def test_concurrent_records_keep_one_valid_chain(app):
    before = await AuditEntry.count()
    open_now = 0
    most_open = 0

    async def append(n: int) -> int:
        nonlocal open_now, most_open
        async with db.write_transaction():
            open_now += 1
            most_open = max(most_open, open_now)
            try:
                await AuditEntry.count()  # widens the window in which transactions overlap
                return await record("test.concurrent", object_id=str(n), payload={"n": n})
            finally:
                open_now -= 1

    ids = await asyncio.gather(*(append(n) for n in range(20)))
    assert len(set(ids)) == 20
    assert await AuditEntry.count() == before + 20
    result = await verify()
    assert result.ok, result
    assert result.entries == before + 20
    if isinstance(db.current_engine(), PostgresEngine):
        # SQLite queues writers at BEGIN IMMEDIATE; on PostgreSQL they really overlap.
        assert most_open > 1


async def test_list_entries_filters_and_pages_newest_first(app):
    kind = f"thing-{uuid.uuid4().hex[:8]}"
    actor = SimpleNamespace(id=uuid.uuid4(), email="filter@example.org")
    ids = [
        await record(
            "thing.created" if n == 0 else "thing.updated",
            actor=actor if n % 2 else None,
            object_type=kind,
            object_id=f"obj-{n % 2}",
            payload={"n": n},
        )
        for n in range(5)
    ]
    first, total = await list_entries(object_type=kind, per_page=2)
    assert total == 5
    assert [row["id"] for row in first] == [ids[4], ids[3]]
    assert first[0]["payload"] == {"n": 4}
    last, _ = await list_entries(object_type=kind, per_page=2, page=3)
    assert [row["id"] for row in last] == [ids[0]]
    updated, total_updated = await list_entries(object_type=kind, action="thing.updated")
    assert total_updated == 4 and ids[0] not in {row["id"] for row in updated}
    by_actor, total_by_actor = await list_entries(object_type=kind, actor_id=str(actor.id))
    assert total_by_actor == 2 and all(
        row["actor_label"] == "filter@example.org" for row in by_actor
    )
    by_object, _ = await list_entries(object_type=kind, object_id="obj-0")
    assert [row["id"] for row in by_object] == [ids[4], ids[2], ids[0]]


def test_cli_verify_reports_an_intact_log(cli_env):
    empty = python(cli_env, VERIFY, "verify")
    assert empty.returncode == 0, empty.stderr
    assert "audit log intact: 0 entries" in empty.stdout
    assert python(cli_env, SEED, "5").returncode == 0
    seeded = python(cli_env, VERIFY, "verify")
    assert seeded.returncode == 0, seeded.stderr
    assert "audit log intact: 5 entries" in seeded.stdout


async def test_the_first_entry_links_to_the_all_zero_hash(seeded_env):
    first = await raw(seeded_env, "SELECT prev_hash FROM audit_log ORDER BY id LIMIT 1")
    assert first[0][0] == "0" * 64


async def test_cli_verify_names_the_entry_whose_payload_was_changed(seeded_env):
    ids = await entry_ids(seeded_env)
    await raw(seeded_env, "UPDATE audit_log SET payload = ? WHERE id = ?", '{"n":999}', ids[2])
    result = python(seeded_env, VERIFY, "verify")
    assert result.returncode == 1
    assert f"audit log broken at entry {ids[2]}: hash mismatch" in result.stdout


async def test_cli_verify_names_the_entry_after_a_deleted_one(seeded_env):
    ids = await entry_ids(seeded_env)
    await raw(seeded_env, "DELETE FROM audit_log WHERE id = ?", ids[2])
    result = python(seeded_env, VERIFY, "verify")
    assert result.returncode == 1
    assert f"audit log broken at entry {ids[3]}: broken link" in result.stdout


async def test_cli_verify_catches_a_rehashed_entry_at_the_next_link(seeded_env):
    ids = await entry_ids(seeded_env)
    names = (
        "id created_at actor_id actor_label action object_type object_id payload prev_hash".split()
    )
    values = await raw(seeded_env, f"SELECT {', '.join(names)} FROM audit_log WHERE id = ?", ids[2])
    row = dict(zip(names, values[0], strict=True))
    if isinstance(row["created_at"], str):  # SQLite hands back the stored text
        row["created_at"] = datetime.fromisoformat(row["created_at"])
    row["payload"] = '{"n":999}'
    forged = entry_hash(**row)
    await raw(
        seeded_env,
        "UPDATE audit_log SET payload = ?, hash = ? WHERE id = ?",
        row["payload"],
        forged,
        ids[2],
    )
    result = python(seeded_env, VERIFY, "verify")
    assert result.returncode == 1
    assert f"audit log broken at entry {ids[3]}: broken link" in result.stdout
