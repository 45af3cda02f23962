"""Indexes for the ranking cache (both engines):

- one cached ranking per (call, round, challenge key, method): unique, so two requests
  computing the same ranking at once upsert rather than add a second row;
- the round's final reviews with what the cache's fingerprint aggregates (entry, updated_at,
  version): the fingerprint reads this index only, not the reviews' rows.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T08:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique cached ranking per call, round, challenge and method; fingerprint index"

CREATE = (
    "CREATE UNIQUE INDEX ranking_cache_key ON ranking_cache "
    '("call", round_number, challenge_key, method)',
    "CREATE INDEX reviews_round_status_stamp ON reviews "
    "(round, status, submission, updated_at, version)",
)
DROP = (
    "DROP INDEX reviews_round_status_stamp",
    "DROP INDEX ranking_cache_key",
)


class RankingCache(Table, tablename="ranking_cache"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        for statement in CREATE:
            await RankingCache.raw(statement)

    async def run_backwards():
        for statement in DROP:
            await RankingCache.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
