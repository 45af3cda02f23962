"""The request path (issue 25): SQLite's persistent connections, PostgreSQL's pool without the
reset round trip, the session read in one query, the page cache's stored gzip body, the heap
frozen in a served process."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
from datetime import UTC, datetime

import pytest

from challenge import db
from challenge.platform.piccolo_sqlite import PooledSQLiteEngine
from tests.support.databases import PG_URL
from tests.support.factories import make_call, make_team, make_unit
from tests.support.web import make_user


def _pool_threads(engine: PooledSQLiteEngine) -> int:
    prefix = f"sqlite-pool-{id(engine):x}"
    return sum(1 for t in threading.enumerate() if t.name.startswith(prefix))


async def _notes(tmp_path) -> PooledSQLiteEngine:
    path = str(tmp_path / "pool.sqlite3")
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        setup.executemany("INSERT INTO notes (text) VALUES (?)", [(f"n{i}",) for i in range(40)])
    return PooledSQLiteEngine(path=path, pool_size=2, timeout=30)


async def test_sqlite_reads_reuse_a_few_connections(tmp_path, monkeypatch):
    engine = await _notes(tmp_path)
    opened = []
    real_connect = sqlite3.connect

    def counting_connect(*args, **kwargs):
        opened.append(kwargs.get("database"))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    reads = await asyncio.gather(
        *(
            engine._run_in_new_connection("SELECT text FROM notes WHERE id = ?", [i])
            for i in range(1, 41)
        )
    )
    assert [r[0]["text"] for r in reads] == [f"n{i}" for i in range(40)]
    assert 1 <= len(opened) <= 2  # 40 reads, at most one connection per pool thread
    # a write outside a transaction has a connection of its own, and the next read sees it
    await engine._run_in_new_connection("INSERT INTO notes (text) VALUES ('neu')")
    async with engine.transaction():
        await engine.run_ddl("INSERT INTO notes (text) VALUES ('in a transaction')")
    rows = await engine._run_in_new_connection("SELECT count(*) AS n FROM notes")
    assert rows == [{"n": 42}]
    assert _pool_threads(engine) >= 1
    await engine.close_pool()
    assert _pool_threads(engine) == 0  # closed with the app: no thread keeps the process alive
    # used again after closing, the pool opens again
    assert await engine._run_in_new_connection("SELECT 1 AS one") == [{"one": 1}]
    await engine.close_pool()


async def test_a_write_waiting_for_the_writer_lock_does_not_hold_up_reads(tmp_path):
    engine = await _notes(tmp_path)
    blocker = sqlite3.connect(engine.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's single write lock
    try:
        waiting = [
            asyncio.ensure_future(
                engine._run_in_new_connection("UPDATE notes SET text = 'x' WHERE id = ?", [i])
            )
            for i in range(1, 6)
        ]
        reads = await asyncio.wait_for(
            asyncio.gather(
                *(
                    engine._run_in_new_connection("SELECT count(*) AS n FROM notes")
                    for _ in range(8)
                )
            ),
            timeout=10,
        )
        assert reads == [[{"n": 40}]] * 8 and not any(w.done() for w in waiting)
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    await asyncio.gather(*waiting)
    rows = await engine._run_in_new_connection("SELECT count(*) AS n FROM notes WHERE text = 'x'")
    assert rows == [{"n": 5}]
    await engine.close_pool()


async def test_a_failing_statement_leaves_the_pooled_connection_usable(tmp_path):
    engine = PooledSQLiteEngine(path=str(tmp_path / "pool.sqlite3"), pool_size=1, timeout=30)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await engine._run_in_new_connection("SELECT * FROM missing_table")
        assert await engine._run_in_new_connection("SELECT 2 AS two") == [{"two": 2}]
    finally:
        await engine.close_pool()


@pytest.mark.postgres_only
async def test_postgres_pool_gives_connections_back_without_the_reset_round_trip():
    from challenge.platform.piccolo_postgres import HealingPostgresEngine, keep_session

    engine = HealingPostgresEngine(config={"dsn": PG_URL, "timeout": 5})
    await engine.start_connection_pool(min_size=1, max_size=1)
    try:
        assert engine.pool._reset is keep_session
        connection = await engine.acquire()
        await connection.execute("BEGIN")
        await connection.execute("CREATE TEMP TABLE left_open (id int)")
        await engine.pool.release(connection)  # a transaction left open by a fault …
        connection = await engine.acquire()
        try:
            # … is still rolled back by asyncpg before the connection is used again
            assert not connection.is_in_transaction()
            assert await connection.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
        finally:
            await engine.pool.release(connection)
        assert [dict(r) for r in await engine._run_in_pool("SELECT 3 AS three")] == [{"three": 3}]
    finally:
        await engine.close_connection_pool()


async def test_a_signed_in_request_reads_session_roles_and_areas_in_one_query(app, monkeypatch):
    from challenge.calls.tables import Call
    from challenge.jury.tables import Juror
    from challenge.platform.accounts.sessions import create_session, resolve_session

    user = await make_user(roles=("staff", "finance"))
    await make_team(user["id"])
    await make_unit(members=(user["id"],))
    call = await make_call()
    call_id = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    await Juror(call=call_id, user=user["id"], invited_at=datetime.now(UTC)).save()
    plain = await make_user()
    tokens = [await create_session(u["id"], max_days=1) for u in (user, plain)]

    engine_class = type(db.current_engine())
    statements = []
    real = engine_class.run_querystring

    async def counted(self, querystring, *args, **kwargs):
        statements.append(str(querystring))
        return await real(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    identity = await resolve_session(tokens[0], idle_hours=8)
    assert len(statements) == 1
    assert identity.id == user["id"] and identity.email == user["email"]
    assert identity.roles == {"staff", "finance"}
    assert identity.areas == {"team", "unit", "jury"}
    statements.clear()
    other = await resolve_session(tokens[1], idle_hours=8)
    assert len(statements) == 1
    assert other.roles == frozenset() and other.areas == frozenset()
    assert await resolve_session("no-such-token", idle_hours=8) is None


async def test_the_page_cache_keeps_gzip_and_plain_bodies_apart(app, tmp_path, database_url):
    from tests.conftest import make_settings, other_app

    settings = make_settings(tmp_path / "cached", database_url, page_cache="true")
    call = await make_call(title="Komprimiert")
    async with other_app(app, settings) as client:
        path = f"/calls/{call['slug']}"
        first = await client.get(path, headers={"Accept-Encoding": "gzip"})
        assert first.headers["content-encoding"] == "gzip"
        plain = await client.get(path, headers={"Accept-Encoding": "identity"})
        # a client without gzip never gets the stored gzip body
        assert "content-encoding" not in plain.headers
        assert "Komprimiert" in plain.content.decode()
        again = await client.get(path, headers={"Accept-Encoding": "gzip"})
        assert again.headers["content-encoding"] == "gzip"
        assert "Komprimiert" in again.text  # httpx decodes the stored gzip body


async def test_a_served_app_freezes_its_heap_once_started(app, settings):
    from litestar.testing import AsyncTestClient

    from challenge.app import create_app

    gc.unfreeze()
    try:
        served = create_app(settings, freeze_heap=True)
        async with AsyncTestClient(served) as client:
            assert (await client.get("/healthz")).status_code == 200
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        db.use(app.state.engine)


async def test_a_call_read_by_raw_sql_equals_piccolos_select(app):
    from challenge.calls.services import get_call
    from challenge.calls.tables import Call

    call = await make_call(title="Gleich", categories=["Mobilität", "Energie"])
    expected = await Call.select().output(load_json=True).where(Call.slug == call["slug"]).first()
    got = await get_call(call["slug"], include_drafts=False)
    assert got == expected
    assert got["categories"] == ["Mobilität", "Energie"]  # JSON decoded


def _representative_queries() -> list[str]:
    """Queries reading through foreign keys, one to three joins deep."""
    from challenge.jury.tables import Assignment, Juror
    from challenge.submissions.tables import Submission
    from partnerships.tables import Milestone

    return [
        str(
            Juror.select(Juror.call.slug, Juror.call.title.as_alias("title"), Juror.user)
            .where(Juror.call.status.is_in(["published", "closed"]) & (Juror.user == 1))
            .order_by(Juror.call.jury_ends_at)
        ),
        str(
            Assignment.select(
                Assignment.submission.call.slug,
                Assignment.submission.challenge.key.as_alias("challenge"),
                Assignment.juror.name,
            ).where(Assignment.round.number == 1)
        ),
        str(Submission.select(*Submission.organisation.all_columns()).where(Submission.id == 1)),
        str(
            Milestone.select(Milestone.partnership.organisation.name, Milestone.amount_cents).where(
                Milestone.partnership.status.is_in(["active"])
            )
        ),
    ]


def test_foreign_key_reads_build_the_same_sql_as_piccolo():
    from challenge.jury.tables import Juror
    from challenge.platform import piccolo_speed

    fast = _representative_queries()
    piccolo_speed.uninstall()
    try:
        assert _representative_queries() == fast
    finally:
        piccolo_speed.install()
    assert Juror.call.is_in is not None  # a method read on a foreign key is still bound
    joined = Juror.call.slug
    assert joined._meta.call_chain and joined._meta.call_chain[0]._meta.name == "call"


async def test_compressed_formats_are_not_gzipped_again(client):
    from challenge.calls.tables import Call

    call = await make_call(title="Als PDF")
    await Call.update({Call.status: "published"}).where(Call.slug == call["slug"])
    pdf = await client.get(f"/calls/{call['slug']}/call.pdf", headers={"Accept-Encoding": "gzip"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "content-encoding" not in pdf.headers
    page = await client.get(f"/calls/{call['slug']}", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"  # pages still are
