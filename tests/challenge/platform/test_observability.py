"""Request ids, JSON log lines with them, and the outbox and job metrics."""

import json
import logging

from challenge.platform import metrics
from challenge.platform.jobs import service as jobs
from challenge.platform.observability import JsonFormatter, request_id
from tests.challenge.platform.jobs.test_jobs import counting_handler
from tests.conftest import http_client
from tests.support.domains import add_domain


async def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(app):
    client = http_client(app)
    first, second = await client.get("/impressum"), await client.get("/impressum")
    assert (
        len(first.headers["x-request-id"]) == 24
        and first.headers["x-request-id"] != second.headers["x-request-id"]
    )
    kept = await client.get("/api/v1/calls", headers={"x-request-id": "lb-4f2a9c31-7d"})
    assert kept.headers["x-request-id"] == "lb-4f2a9c31-7d"
    for bad in ("kurz", "mit leerzeichen und mehr", "x" * 65, "inject\r\nSet-Cookie: a=b"[:40]):
        replaced = await client.get(
            "/api/v1/calls", headers={"x-request-id": bad.replace("\r\n", " ")}
        )
        assert replaced.headers["x-request-id"] != bad
    problem = await client.get("/api/v1/calls/gibt-es-nicht")
    assert problem.status_code == 404 and problem.headers["x-request-id"]


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord(
        "challenge.test", logging.WARNING, __file__, 1, "Zahlung %s abgelehnt", ("K-1",), None
    )
    record.status = 422
    token = request_id.set("req-0123456789")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "Zahlung K-1 abgelehnt" and line["level"] == "warning"
    assert (
        line["request_id"] == "req-0123456789"
        and line["status"] == 422
        and line["logger"] == "challenge.test"
    )


async def test_metrics_show_outbox_depth_and_jobs(app, settings, monkeypatch):
    add_domain(monkeypatch, job_handlers={"test_count": counting_handler})
    await jobs.submit("test_count", "metrics-test")
    while await jobs.run_one(settings):
        pass
    await metrics.refresh()
    text = (
        await http_client(app, ip="127.0.0.1").get("/metrics")
    ).text  # an operator on the machine
    assert 'challenge_outbox_mails{status="pending"}' in text
    assert 'challenge_jobs{kind="test_count",status="done"}' in text
    assert 'challenge_job_last_run_seconds{kind="test_count"}' in text


def test_libraries_that_narrate_at_info_stay_quiet(settings, monkeypatch):
    """WeasyPrint logs every rendering step and pikepdf its logger bridge at INFO: with the
    portal at INFO they buried its own lines (the demo logins among them)."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    from challenge.platform.observability import configure_logging

    configure_logging(settings)
    for name in ("weasyprint.progress", "pikepdf._core", "fontTools.subset"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    assert logging.getLogger("challenge.platform.mail.worker").isEnabledFor(logging.INFO)
