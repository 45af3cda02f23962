"""Background jobs: one active job per kind and subject, progress, failure, a dead worker's
job taken over after its lease, and one claim per job with two workers at once."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.platform.jobs import service as jobs
from challenge.platform.jobs.tables import Job
from tests.support.domains import add_domain

RUNS: list[str] = []


async def counting_handler(settings, job, progress):
    await progress(0, 3)
    for done in range(1, 4):
        await asyncio.sleep(0.01)
        await progress(done)
    RUNS.append(job["subject"])


async def failing_handler(settings, job, progress):
    raise RuntimeError("Speicher nicht erreichbar")


@pytest.fixture(autouse=True)
def test_handlers(monkeypatch):
    add_domain(
        monkeypatch, job_handlers={"test_count": counting_handler, "test_fail": failing_handler}
    )


async def drain(settings, worker_id=None):
    while await jobs.run_one(settings, worker_id):
        pass


async def test_a_job_runs_once_with_progress_and_one_active_job_per_subject(app, settings):
    subject = f"test:{uuid.uuid4()}"
    first = await jobs.submit("test_count", subject)
    assert (await jobs.submit("test_count", subject))["id"] == first["id"]
    await drain(settings)
    done = await jobs.get(first["id"])
    assert (done["status"], done["done"], done["total"]) == ("done", 3, 3)
    assert RUNS.count(subject) == 1
    assert (await jobs.submit("test_count", subject))["id"] != first[
        "id"
    ]  # finished: a new one may start


async def test_a_failing_job_is_marked_failed_with_its_error(app, settings):
    job = await jobs.submit("test_fail", f"test:{uuid.uuid4()}")
    await drain(settings)
    failed = await jobs.get(job["id"])
    assert failed["status"] == "failed" and "Speicher nicht erreichbar" in failed["error"]


async def test_a_dead_workers_job_is_taken_over_after_its_lease(app, settings):
    subject = f"test:{uuid.uuid4()}"
    job = await jobs.submit("test_count", subject)
    await Job.update(
        {
            Job.status: "running",
            Job.claimed_by: "dead-worker",
            Job.claimed_until: datetime.now(UTC) + timedelta(minutes=1),
        }
    ).where(Job.id == job["id"])
    await drain(settings)
    assert (await jobs.get(job["id"]))["status"] == "running"  # lease still valid: left alone
    await Job.update({Job.claimed_until: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Job.id == job["id"]
    )
    await drain(settings)
    taken = await jobs.get(job["id"])
    assert (
        taken["status"] == "done"
        and taken["claimed_by"] != "dead-worker"
        and taken["attempts"] == 1
    )
    assert RUNS.count(subject) == 1


async def test_two_workers_claim_each_job_once(app, settings):
    subjects = [f"test:{uuid.uuid4()}" for _ in range(6)]
    for subject in subjects:
        await jobs.submit("test_count", subject)
    await asyncio.gather(drain(settings, "worker-a"), drain(settings, "worker-b"))
    assert all(RUNS.count(s) == 1 for s in subjects)
    rows = await Job.select(Job.status, Job.attempts).where(Job.subject.is_in(subjects))
    assert {(r["status"], r["attempts"]) for r in rows} == {("done", 1)}


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError):
        asyncio.run(jobs.submit("no_such_kind", "x"))
