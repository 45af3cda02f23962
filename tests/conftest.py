"""Test fixtures: one fresh database per test session (SQLite file, or PostgreSQL when
CHALLENGE_TEST_DATABASE_URL is set), migrated with the real migrations; an async client.

Each pytest-xdist worker is a session of its own: its own SQLite file or PostgreSQL database,
its own data folder and moto server. Passwords are hashed with cheap argon2 parameters here
(see `cheap_password_hashing`); the `browser` and `slow` markers are put on at collection
(tests/support/selection.py)."""

from __future__ import annotations

import contextlib
import os
import random
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from litestar import Litestar

from challenge import db
from challenge.app import create_app
from challenge.platform.accounts import passwords
from challenge.settings import Settings, load_settings, prepare
from tests.support import selection
from tests.support.databases import PG_URL, create_database, drop_database

ENGINE = "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config) -> str:
    return f"challenge test database engine: {ENGINE}"


def make_settings(data_dir: Path, database_url: str, **extra: str) -> Settings:
    env = {
        "CHALLENGE_DATA_DIR": str(data_dir),
        "CHALLENGE_DATABASE_URL": database_url,
        "CHALLENGE_BASE_URL": "http://portal.test",
        "CHALLENGE_PAGE_CACHE": "false",  # tests change data and look at pages at once
        # staff sign in with the password alone in most tests; the two-factor tests turn the
        # production default (true) back on with require_2fa_internal="true"
        "CHALLENGE_REQUIRE_2FA_INTERNAL": "false",
        **{f"CHALLENGE_{key.upper()}": value for key, value in extra.items()},
    }
    return prepare(load_settings(env))


# argon2 at the production parameters costs 0.1–0.2 s of CPU a hash, and the tests create and log
# in thousands of people: that was half the suite's CPU time. The tests hash with the cheapest
# parameters instead (production's stay untouched in passwords.py); subprocesses the tests start
# (`challenge serve`, `challenge demo`) hash as in production.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PRODUCTION_HASHER = passwords.HASHER


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    passwords.HASHER = TEST_HASHER
    passwords._dummy_hash.cache_clear()  # the timing equaliser is hashed with HASHER
    yield
    passwords.HASHER = PRODUCTION_HASHER
    passwords._dummy_hash.cache_clear()


@pytest.fixture(autouse=True)
def production_password_hashing(request, cheap_password_hashing) -> Iterator[None]:
    """The tests about hashing itself (selection.PRODUCTION_HASHING) get the real parameters."""
    if getattr(request.node, "originalname", request.node.name) not in selection.PRODUCTION_HASHING:
        yield
        return
    passwords.HASHER = PRODUCTION_HASHER
    passwords._dummy_hash.cache_clear()
    try:
        yield
    finally:
        passwords.HASHER = TEST_HASHER
        passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = create_database(tmp_path_factory.mktemp("db"))
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def settings(tmp_path_factory, database_url) -> Settings:
    return make_settings(tmp_path_factory.mktemp("data"), database_url)


def http_client(application: Litestar, ip: str | None = None) -> httpx.AsyncClient:
    """An HTTP client calling the app in this event loop (the loop the database pool uses).

    Each client comes from its own IP address, as separate visitors would, so per-IP rate
    limits of one test do not spill into the next.
    """
    ip = ip or f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application, client=(ip, 40000)),
        base_url="http://portal.test",
    )


@pytest.fixture(scope="session")
async def app(settings) -> AsyncIterator[Litestar]:
    application = create_app(settings)
    # The app's lifespan only opens the database pool; entering it here would tie it to
    # one task, and pytest finalises session fixtures in another.
    await db.start(application.state.engine)
    await db.migrate()
    yield application
    await db.stop(application.state.engine)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as test_client:
        yield test_client


@contextlib.asynccontextmanager
async def other_app(
    main_app: Litestar, settings: Settings, ip: str | None = None, **kwargs
) -> AsyncIterator[httpx.AsyncClient]:
    """A second app (other settings) for one test; the main app's engine is restored after."""
    application = create_app(settings, **kwargs)
    # As for the session app: open the pool directly, since fixtures may finish in another task.
    await db.start(application.state.engine)
    try:
        async with http_client(application, ip=ip) as test_client:
            yield test_client
    finally:
        await db.stop(application.state.engine)
        db.use(main_app.state.engine)


@pytest.fixture(scope="session")
def moto_s3():
    """moto's S3 server over HTTP for the whole test run, with the test bucket."""
    from tests.support.s3 import MotoS3

    server = MotoS3()
    server.start()
    server.create_bucket()
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3"])
def storage_settings(request, tmp_path, database_url):
    """Settings for each storage backend (same database): the local folder and S3 over HTTP."""
    if request.param == "local":
        return make_settings(tmp_path / "data", database_url, upload_max_mb="2")
    moto = request.getfixturevalue("moto_s3")
    return make_settings(
        tmp_path / "data",
        database_url,
        upload_max_mb="2",
        **moto.settings_env(prefix=f"t{random.randint(0, 10**9)}/"),
    )


@pytest.fixture
async def deliver_mail(app, settings):
    """Deliver what the outbox holds into the settings' mail spool, like the worker does."""
    from challenge.platform.mail.worker import deliver_batch

    async def deliver() -> int:
        total = 0
        while sent := await deliver_batch(settings, worker_id="test", limit=100):
            total += sent
        return total

    return deliver


@pytest.fixture
def fresh_database_url(tmp_path) -> Iterator[str]:
    """An empty, unmigrated database of the session's engine, dropped afterwards."""
    url = create_database(tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
def cli_env(tmp_path, fresh_database_url) -> dict[str, str]:
    """Environment for running `challenge …` in a subprocess against a fresh database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATA_DIR=str(tmp_path / "var"),
        CHALLENGE_DATABASE_URL=fresh_database_url,
    )
    return env


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Put the `browser` and `slow` markers on (before `-m` selects); postgres_only below."""
    collected = set()
    for item in items:
        name = getattr(item, "originalname", item.name)
        collected.add((item.path.name, name))
        for marker in selection.markers_for(
            item.path.name, name, getattr(item, "fixturenames", [])
        ):
            item.add_marker(marker)
    if config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.option.keyword:
        for entry in selection.unmatched(collected):
            warnings.warn(
                pytest.PytestWarning(
                    f"tests/support/selection.py: {entry!r} names no test (renamed or moved?)"
                ),
                stacklevel=1,
            )
    # Tests marked postgres_only or faults (several server processes on one database) run in the
    # PostgreSQL run only; on SQLite they are deselected, not skipped.
    if PG_URL:
        return
    keep, dropped = [], []
    for item in items:
        postgres = item.get_closest_marker("postgres_only") or item.get_closest_marker("faults")
        (dropped if postgres else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
