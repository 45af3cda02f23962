"""Scale-out figures on this machine: 100 applicant flows at once (draft, 100 KB PDF, submit)
against one replica and against two, and the workers' mail throughput (one worker vs two), on
PostgreSQL with S3 (moto) and SMTP. Run:
CHALLENGE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python -m tests.benchmarks.scale_out"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

from tests.challenge.platform.mail.test_mail import Inbox, start_smtp
from tests.support.scale_out import run_scale_out

FLOWS = 100


async def one(replicas: int) -> None:
    inbox = Inbox()
    controller = start_smtp(inbox)
    try:
        outcome = await run_scale_out(
            replicas=replicas,
            workers=replicas,
            flows=FLOWS,
            inbox=inbox,
            smtp_url=f"smtp://127.0.0.1:{controller.port}",
        )
    finally:
        controller.stop()
    print(
        f"{replicas} replica(s), {replicas} worker(s): {FLOWS} flows in {outcome.seconds:.2f} s = "
        f"{FLOWS / outcome.seconds:.1f} flows/s, failures {len(outcome.failures)}; "
        f"{sum(outcome.mails.values())} mails in {outcome.mail_seconds:.2f} s = "
        f"{sum(outcome.mails.values()) / outcome.mail_seconds:.1f} mails/s; stored {outcome.submitted}, "
        f"each mail once: {set(outcome.mails.values()) == {1}}"
    )


def main() -> None:
    """Each configuration in its own process (a fresh database per run)."""
    rates, mails = {}, {}
    for replicas in (1, 2):
        out = (
            subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.scale_out", str(replicas)],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        print(out)
        rates[replicas] = float(re.search(r"= ([0-9.]+) flows/s", out).group(1))
        mails[replicas] = float(re.search(r"= ([0-9.]+) mails/s", out).group(1))
    print(
        f"two replicas vs one: {rates[2] / rates[1]:.2f}x the flows per second "
        f"(2 cores shared by the servers, the workers, PostgreSQL, moto and this client)"
    )
    # the same figures in the form python -m tests.benchmarks collects (no target was set for them)
    for replicas, label in ((1, "one replica and one worker"), (2, "two replicas and two workers")):
        print(f"applicant flows at once with {label}: {rates[replicas]:.1f} flows/s   target —")
        print(
            f"mails delivered to a local SMTP server with {label}: {mails[replicas]:.1f} mails/s   target —"
        )
    print(f"flows per second, two replicas over one: {rates[2] / rates[1]:.2f}   target —")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(one(int(sys.argv[1])))
    else:
        main()
