"""Migrations run forwards on the session's engine (SQLite or PostgreSQL) and via the CLI."""

import subprocess
import sys
import uuid

import pytest

from challenge import db
from challenge.calls.tables import Call
from challenge.paths import PACKAGE_DIR
from challenge.platform.accounts.tables import RoleGrant, User

MIGRATION_FILES = [
    *PACKAGE_DIR.glob("piccolo_migrations/challenge_*.py"),
    *(PACKAGE_DIR.parent / "partnerships").glob("piccolo_migrations/partnerships_*.py"),
]


async def test_migrations_leave_nothing_pending(app):
    assert await db.pending_migrations() == 0


async def test_migrated_tables_accept_rows(app):
    user = User(email=f"m-{uuid.uuid4().hex[:8]}@example.org", name="Migration Test")
    await user.save()
    assert await User.exists().where(User.id == user.id)
    assert await Call.count() >= 0


async def test_role_grant_is_unique_per_user_and_role(app):
    user = User(email=f"r-{uuid.uuid4().hex[:8]}@example.org", name="Role Test")
    await user.save()
    await RoleGrant(user=user.id, role="staff").save()
    with pytest.raises(Exception, match="(?i)unique"):
        await RoleGrant(user=user.id, role="staff").save()
    assert await RoleGrant.count().where(RoleGrant.user == user.id) == 1


async def test_migrating_twice_changes_nothing(app):
    await db.migrate()
    assert await db.pending_migrations() == 0


def test_cli_migrate_on_a_fresh_database(cli_env):
    run = [sys.executable, "-m", "challenge", "migrate"]
    first = subprocess.run(run, env=cli_env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert f"Applied {len(MIGRATION_FILES)} migration(s)." in first.stdout
    second = subprocess.run(run, env=cli_env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "Database is up to date." in second.stdout
