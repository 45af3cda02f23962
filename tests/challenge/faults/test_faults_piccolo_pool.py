"""A PostgreSQL connection killed inside a transaction (pg_terminate_backend from a second
connection) gives its pool slot back and leaves no dead current-transaction marker: the next
query works, the pool closes at once. Piccolo's own engine alone (1.38) leaks the slot; the
carried patch (challenge/platform/piccolo_postgres.py) is needed while that test still finds
the leak."""

import asyncio
import time

import asyncpg
import pytest
from piccolo.engine.postgres import PostgresEngine

from challenge.platform.dbfaults import is_transient
from challenge.platform.piccolo_postgres import HealingPostgresEngine

pytestmark = pytest.mark.postgres_only


async def _drop_inside_transactions(
    engine: PostgresEngine, database_url: str, rounds: int
) -> list[BaseException]:
    admin = await asyncpg.connect(database_url)
    errors = []
    try:
        for _ in range(rounds):
            try:
                async with engine.transaction():
                    pid = (await engine.run_ddl("SELECT pg_backend_pid() AS pid"))[0]["pid"]
                    await engine.run_ddl("CREATE TEMP TABLE IF NOT EXISTS scratch (n int)")
                    await engine.run_ddl("INSERT INTO scratch VALUES (1)")  # a write in flight
                    await admin.execute("SELECT pg_terminate_backend($1)", pid)
                    await engine.run_ddl("SELECT 1")
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
    finally:
        await admin.close()
    return errors


def _in_use(engine: PostgresEngine) -> int:
    return sum(1 for holder in engine.pool._holders if not holder.is_idle())


async def test_a_connection_killed_inside_a_transaction_is_given_back(database_url):
    engine = HealingPostgresEngine(config={"dsn": database_url}, acquire_timeout=3)
    await engine.start_connection_pool(min_size=1, max_size=2)
    try:
        errors = await _drop_inside_transactions(engine, database_url, rounds=5)
        assert len(errors) == 5 and all(is_transient(error) for error in errors), errors
        assert engine.current_transaction.get() is None
        assert _in_use(engine) == 0
        rows = await asyncio.wait_for(engine.run_ddl("SELECT 41 + 1 AS n"), 5)
        assert rows[0]["n"] == 42
        async with engine.transaction():  # and transactions work again
            assert (await engine.run_ddl("SELECT 1 AS one"))[0]["one"] == 1
    finally:
        started = time.monotonic()
        await asyncio.wait_for(engine.close_connection_pool(), 10)
        closed_in = time.monotonic() - started
    assert closed_in < 2


async def _rollback_fails(engine: PostgresEngine) -> BaseException:
    """A transaction whose body fails and whose ROLLBACK then raises, as on a connection the
    server has just terminated while asyncpg has not yet seen it close."""
    with pytest.raises(Exception) as raised:  # noqa: PT011 - which one is asserted by the callers
        async with engine.transaction() as transaction:

            class DeadRollback:
                async def rollback(self):
                    raise asyncpg.exceptions.InterfaceError(
                        "cannot call Transaction.rollback(): connection is closed"
                    )

            transaction.transaction = DeadRollback()
            await engine.run_ddl("SELECT 1")
            raise RuntimeError("the request failed")
    return raised.value


async def test_a_failing_rollback_gives_the_connection_back_and_clears_the_marker(database_url):
    engine = HealingPostgresEngine(config={"dsn": database_url}, acquire_timeout=3)
    await engine.start_connection_pool(min_size=1, max_size=1)
    try:
        error = await _rollback_fails(engine)
        assert str(error) == "the request failed"  # the caller's error, not the rollback's
        assert engine.current_transaction.get() is None
        assert _in_use(engine) == 0
        rows = await asyncio.wait_for(
            engine.run_ddl("SELECT 2 AS n"), 5
        )  # the one slot is free again
        assert rows[0]["n"] == 2
    finally:
        started = time.monotonic()
        await asyncio.wait_for(engine.close_connection_pool(), 10)
    assert time.monotonic() - started < 2


async def test_stock_piccolo_still_leaks_on_a_failing_rollback_so_the_carried_patch_is_needed(
    database_url,
):
    """When this fails, Piccolo has fixed the leak: drop challenge/platform/piccolo_postgres.py."""
    engine = PostgresEngine(config={"dsn": database_url})
    await engine.start_connection_pool(min_size=1, max_size=1)
    try:
        await _rollback_fails(engine)
        assert engine.current_transaction.get() is not None  # the dead transaction stays current
        assert (
            _in_use(engine) == 1
        )  # and its pool slot stays taken: Pool.close() would wait for ever
    finally:
        engine.current_transaction.set(None)
        engine.pool.terminate()
        engine.pool = None


async def test_a_read_whose_idle_connection_died_runs_once_more(database_url):
    engine = HealingPostgresEngine(config={"dsn": database_url}, acquire_timeout=3)
    await engine.start_connection_pool(min_size=1, max_size=1)
    admin = await asyncpg.connect(database_url)
    try:
        pid = (await engine.run_ddl("SELECT pg_backend_pid() AS pid"))[0]["pid"]
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
        # The pool has not noticed yet: the read goes to the dead connection, then once more.
        rows = await asyncio.wait_for(engine.run_ddl("SELECT pg_backend_pid() AS pid"), 5)
        assert rows[0]["pid"] != pid
    finally:
        await admin.close()
        engine.pool.terminate()
        engine.pool = None
