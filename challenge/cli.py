"""The `challenge` command line (API.md, command line)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click

from challenge.settings import Settings, settings_or_exit


async def _migrate(settings: Settings) -> int:
    from challenge import db

    async with db.connected(settings):
        pending = await db.pending_migrations()
        if pending:
            await db.migrate()
    return pending


async def _demo(settings: Settings) -> dict[str, int]:
    from challenge import db
    from challenge.demo import load_demo
    from challenge.domains import install_all

    install_all()  # `serve --demo` loads the demo before it assembles the app
    async with db.connected(settings):
        return await load_demo(base_url=settings.base_url, settings=settings)


# Commands that run domain code (jobs, periodic tasks, demo data, privacy hooks) outside the app:
# they install the domains first, as `challenge.app` does.
DOMAIN_COMMANDS = frozenset({"worker", "demo", "privacy"})


@click.group()
@click.version_option(package_name="smart-city-challenge")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Smart City Challenge portal."""
    if ctx.invoked_subcommand in DOMAIN_COMMANDS:
        from challenge.domains import install_all

        install_all()


def served_url(host: str, port: int) -> str:
    """The address `serve` answers on, as a browser on this machine reaches it (a wildcard host
    such as 0.0.0.0 becomes the loopback address)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:  # an IPv6 address literal
        shown = f"[{shown.strip('[]')}]"
    return f"http://{shown}:{port}"


def served_settings(settings: Settings, host: str, port: int) -> Settings:
    """Without CHALLENGE_BASE_URL the base URL (mail links, PDFs, calendars) follows the host and
    port actually served; a configured CHALLENGE_BASE_URL wins."""
    if settings.base_url_set:
        return settings
    import msgspec

    return msgspec.structs.replace(settings, base_url=served_url(host, port))


def _echo_demo_logins() -> None:
    from challenge.demo import DEMO_PASSWORD, DEMO_USERS

    click.echo(f"Demo logins (password {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {role:<10} {email}")
    click.echo("  teams      team01@demo.leipzig.de … team12@demo.leipzig.de (with proposals)")
    click.echo("  units      stadtgruen@, gesundheit@, wasserwerke@, verkehr@, lvb@demo.leipzig.de")
    click.echo("             (city units that pose the calls' challenges)")
    click.echo(
        "  jurors     m.vogt@htwk.example, d.sommer@wasserwerke.example, a.demir@smart-hub.example,"
    )
    click.echo("             h.lange@dresden.example (with reviews)")
    click.echo(
        "  past call  alumni01@demo.leipzig.de … alumni08@demo.leipzig.de (results published;"
    )
    click.echo("             alumni01 has a running partnership)")
    click.echo("  residents  anwohnerin.gohlis@, radfahrer.connewitz@demo… (/mitmachen)")
    click.echo("  staff, finance and admin set up two-factor login at their first sign-in")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", is_flag=True, help="Load demo data first (idempotent).")
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Deliver mail and run scheduled jobs in this process (turn off when `challenge worker` runs).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Server processes; with more than one, the worker runs once, as a process of its own.",
)
def serve(host: str, port: int, demo: bool, worker: bool, workers: int) -> None:
    """Migrate if needed, then serve the portal."""
    settings = served_settings(settings_or_exit(), host, port)
    from challenge.platform.observability import configure_logging

    configure_logging(settings)
    from challenge.platform.datalock import hold_for_process

    hold_for_process(
        settings, "challenge serve"
    )  # a restore refuses while it runs; waits for one that runs
    pending = asyncio.run(_migrate(settings))
    if pending:
        click.echo(f"Applied {pending} database migration(s).")
    if demo:
        asyncio.run(_demo(settings))
    click.echo(f"Smart City Challenge portal: {served_url(host, port)}/")
    if settings.base_url != served_url(host, port):
        click.echo(f"Links in mails and documents: {settings.base_url}/ (CHALLENGE_BASE_URL)")
    if demo:
        _echo_demo_logins()
    if workers > 1:
        _serve_processes(settings, host, port, workers=workers, worker=worker)
        return
    import uvicorn

    from challenge.app import create_app

    app = create_app(settings, run_worker=worker, freeze_heap=True)
    from challenge.platform.shutdown import GRACEFUL_HTTP, exit_within

    class BoundedServer(uvicorn.Server):
        """SIGTERM: requests in flight get GRACEFUL_HTTP seconds, the whole shutdown at most
        shutdown.DEADLINE (the database pool is closed with a timeout, then terminated)."""

        def handle_exit(self, sig, frame) -> None:
            exit_within()
            super().handle_exit(sig, frame)

    BoundedServer(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=settings.log_level,
            log_config=None,  # keep the portal's handlers (lines with request ids)
            proxy_headers=False,  # client IPs come from CHALLENGE_TRUSTED_PROXIES, not uvicorn
            server_header=False,
            timeout_graceful_shutdown=GRACEFUL_HTTP,
        )
    ).run()


def _serve_processes(
    settings: Settings, host: str, port: int, *, workers: int, worker: bool
) -> None:
    """``workers`` server processes from the app factory (``challenge.app.served_app``), and the
    outbox and jobs worker once, as a `challenge worker` process beside them (started again
    if it ends)."""
    import uvicorn

    from challenge.platform.processes import KeptRunning
    from challenge.platform.shutdown import GRACEFUL_HTTP

    os.environ["CHALLENGE_BASE_URL"] = settings.base_url  # the processes' links, as served here
    background = (
        KeptRunning([sys.executable, "-m", "challenge", "worker"]).start() if worker else None
    )
    try:
        uvicorn.run(
            "challenge.app:served_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level=settings.log_level,
            log_config=None,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=GRACEFUL_HTTP,
        )
    finally:
        if background is not None:
            background.stop(timeout=GRACEFUL_HTTP + 5)


@main.command()
def migrate() -> None:
    """Apply all database migrations (both apps)."""
    settings = settings_or_exit()
    pending = asyncio.run(_migrate(settings))
    click.echo(f"Applied {pending} migration(s)." if pending else "Database is up to date.")


@main.command()
def demo() -> None:
    """Load realistic demo data (idempotent)."""
    settings = settings_or_exit()
    asyncio.run(_migrate(settings))
    added = asyncio.run(_demo(settings))
    click.echo("Demo data loaded: " + ", ".join(f"{n} {kind}" for kind, n in added.items()))


@main.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(["applicant", "staff", "finance", "admin"]),
    default="applicant",
    show_default=True,
)
def users_create(email: str, name: str, role: str) -> None:
    """Create a verified user; password from CHALLENGE_NEW_PASSWORD or prompted."""
    from challenge import db
    from challenge.platform.accounts.services import create_verified_user
    from challenge.platform.problems import Problem

    settings = settings_or_exit()
    password = os.environ.get("CHALLENGE_NEW_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )

    async def run() -> None:
        async with db.connected(settings):
            if await db.pending_migrations():
                await db.migrate()
            await create_verified_user(email, name, password, role)

    try:
        asyncio.run(run())
    except Problem as exc:
        details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
        click.echo(f"challenge: {exc.detail}" + (f" ({details})" if details else ""), err=True)
        sys.exit(1)
    click.echo(f"Created {role} {email.strip().lower()}.")


@users.command("reset-2fa")
@click.option("--email", required=True)
def users_reset_2fa(email: str) -> None:
    """Reset a person's two-factor login (e.g. the last admin's, or after the secret key
    changed): secret and recovery codes deleted, sessions ended, API tokens revoked, mailed;
    audited with the actor "cli"."""
    from challenge import db
    from challenge.platform.accounts.two_factor_reset import cli_reset
    from challenge.platform.problems import Problem

    settings = settings_or_exit()

    async def run() -> None:
        async with db.connected(settings):
            await cli_reset(email, base_url=settings.base_url)

    try:
        asyncio.run(run())
    except Problem as exc:
        click.echo(f"challenge: {exc.detail}", err=True)
        sys.exit(1)
    click.echo(f"Two-factor login of {email.strip().lower()} reset.")


@main.command("backup")
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new or empty folder.",
)
def backup_command(target: Path) -> None:
    """Back up the embedded database and documents with a SHA-256 manifest."""
    from challenge.platform.backup import BackupError, backup

    settings = settings_or_exit()
    try:
        manifest = backup(settings, target)
    except BackupError as error:
        click.echo(f"challenge: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"Backup written to {target}: database and {len(manifest['files'])} document(s), manifest.json with SHA-256."
    )


@main.command("restore")
@click.option(
    "--from", "source", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--force",
    is_flag=True,
    help="Restore even while the portal or a worker runs (what they saved since the backup is lost).",
)
def restore_command(source: Path, force: bool) -> None:
    """Restore a backup: every checksum is verified before anything is replaced; refused while the
    portal or a worker runs, unless --force."""
    from challenge.platform.backup import BackupError, restore

    settings = settings_or_exit()
    try:
        manifest = restore(
            settings,
            source,
            force=force,
            warn=lambda message: click.echo(f"challenge: {message}", err=True),
        )
    except BackupError as error:
        click.echo(f"challenge: {error}; nothing was replaced", err=True)
        sys.exit(1)
    click.echo(
        f"Restored the backup of {manifest['created_at']}: database and {len(manifest['files'])} document(s)."
    )


@main.group()
def privacy() -> None:
    """Data protection: export (Art. 15/20 GDPR) and erase (Art. 17) a person's data."""


def _privacy_run(work):
    from challenge import db
    from challenge.platform.privacy import PrivacyError
    from challenge.platform.storage import storage_from_settings

    settings = settings_or_exit()

    async def run():
        async with db.connected(settings):
            return await work(storage_from_settings(settings))

    try:
        return asyncio.run(run())
    except PrivacyError as error:
        click.echo(f"challenge: {error}", err=True)
        sys.exit(1)


@privacy.command("export")
@click.option("--email", required=True)
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The ZIP file to write (default: privacy-export-<date>.zip here).",
)
def privacy_export(email: str, target: Path | None) -> None:
    """All personal data of a person and the files they uploaded, as a ZIP with JSON."""
    from challenge.platform import clock
    from challenge.platform.privacy import export

    data = _privacy_run(lambda storage: export(storage, email))
    target = target or Path(f"privacy-export-{clock.now().astimezone().date().isoformat()}.zip")
    target.write_bytes(data)
    click.echo(f"Wrote {target} ({len(data)} bytes).")


@privacy.command("erase")
@click.option("--email", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def privacy_erase(email: str, yes: bool) -> None:
    """Remove or pseudonymise a person's data; say what was kept and why."""
    from challenge.platform.privacy import erase

    if not yes:
        click.confirm(f"Erase the personal data of {email}? This cannot be undone", abort=True)
    settings = settings_or_exit()
    report = _privacy_run(lambda storage: erase(storage, email, mail_dir=settings.mail_dir))
    click.echo(
        "Removed: "
        + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in report["removed"].items())
    )
    for line in report["pseudonymised"]:
        click.echo(f"Pseudonymised: {line}")
    for kind, why in report["retained"].items():
        click.echo(f"Kept: {kind} — {why}")


def _register_platform_commands() -> None:
    from challenge.platform.audit.cli import audit
    from challenge.platform.mail.cli import worker

    main.add_command(audit)
    main.add_command(worker)


_register_platform_commands()
