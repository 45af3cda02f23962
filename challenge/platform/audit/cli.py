"""`challenge audit …`: checking the audit log's hash chain from the command line."""

from __future__ import annotations

import asyncio
import sys

import click

from challenge.settings import Settings, settings_or_exit


async def _verify(settings: Settings):
    from challenge import db
    from challenge.platform.audit.service import verify

    async with db.connected(settings):
        if await db.pending_migrations():
            await db.migrate()
        return await verify()


@click.group()
def audit() -> None:
    """The append-only, hash-chained audit log."""


@audit.command("verify")
def verify_command() -> None:
    """Recompute the chain; exit 1 naming the first broken entry."""
    # Imported here: challenge.cli imports this module to register the group.
    result = asyncio.run(_verify(settings_or_exit()))
    if result.ok:
        click.echo(f"audit log intact: {result.entries} entries")
        return
    click.echo(f"audit log broken at entry {result.first_broken_id}: {result.reason}")
    sys.exit(1)
