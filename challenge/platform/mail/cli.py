"""`challenge worker`: delivers the mail outbox (challenge/cli.py registers this command)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import click

from challenge.settings import Settings, settings_or_exit


async def _run(settings: Settings, once: bool, poll_interval: float) -> int:
    from challenge import db
    from challenge.platform.mail.worker import deliver_batch, new_worker_id, run_worker

    async with db.connected(settings):
        if await db.pending_migrations():
            await db.migrate()
        worker_id = new_worker_id()
        if once:
            total = 0
            # Failed mails are rescheduled into the future, so this ends when nothing is due.
            from challenge.platform.jobs.service import run_one

            while await run_one(settings, worker_id):
                pass
            while handled := await deliver_batch(settings, worker_id=worker_id):
                total += handled
            return total
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def stopping() -> None:
            from challenge.platform.shutdown import exit_within

            exit_within()  # a job in the middle of its work must not hold the exit up for long
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers
                loop.add_signal_handler(signum, stopping)
        click.echo(f"Worker {worker_id} running; SIGTERM or Ctrl-C stops it.")
        from challenge.platform.housekeeping import run_housekeeping
        from challenge.platform.jobs.service import run_jobs

        await asyncio.gather(
            run_worker(settings, stop=stop, worker_id=worker_id, poll_interval=poll_interval),
            run_jobs(settings, stop=stop, worker_id=worker_id, poll_interval=poll_interval),
            run_housekeeping(settings, stop=stop),
        )
        return 0


@click.command("worker")
@click.option(
    "--once", is_flag=True, help="Run the jobs and deliver the mail that are due now, then exit."
)
@click.option(
    "--poll-interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="Seconds between looks at the outbox when it is empty.",
)
def worker(once: bool, poll_interval: float) -> None:
    """Deliver the mail outbox and run scheduled jobs (several may run at once)."""
    settings = settings_or_exit()
    from challenge.platform.observability import configure_logging

    configure_logging(settings)
    from challenge.platform.datalock import hold_for_process

    hold_for_process(
        settings, "challenge worker"
    )  # a restore refuses while it runs; waits for one that runs
    handled = asyncio.run(_run(settings, once, poll_interval))
    if once:
        click.echo(f"Processed {handled} mail(s).")
    else:
        click.echo("Mail worker stopped.")
