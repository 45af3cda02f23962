"""Scale-out works on one machine: two replicas and two workers on one PostgreSQL and one S3
server; 100 applicant flows at once spread over both replicas; every submission stored once,
every mail sent exactly once, a session made on one replica valid on the other."""

import pytest

from tests.challenge.platform.mail.test_mail import Inbox, start_smtp
from tests.support.scale_out import run_scale_out

pytestmark = (
    pytest.mark.postgres_only
)  # the SQLite run deselects it (tests/conftest.py); .ci/run's PostgreSQL run has it


async def test_two_replicas_and_two_workers_store_once_and_mail_once():
    inbox = Inbox()
    controller = start_smtp(inbox)
    try:
        outcome = await run_scale_out(
            replicas=2,
            workers=2,
            flows=100,
            inbox=inbox,
            smtp_url=f"smtp://127.0.0.1:{controller.port}",
        )
    finally:
        controller.stop()
    assert outcome.failures == []
    assert outcome.session_shared
    assert outcome.submitted == outcome.unique_references == 100
    assert outcome.documents == outcome.s3_objects == 100
    assert len(outcome.mails) == 100 and set(outcome.mails.values()) == {
        1
    }  # each applicant one receipt mail
    assert (
        outcome.outbox["sent"] == 100
        and outcome.outbox["pending"] == outcome.outbox["sending"] == 0
    )
