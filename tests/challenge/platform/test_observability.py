"""Request ids, JSON log lines with them, and the outbox and job metrics."""

import io
import json
import logging

import msgspec

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


class _Stream(io.StringIO):
    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def _one_line(settings, stream) -> str:
    from challenge.platform.observability import configure_logging

    configure_logging(settings, stream)
    logging.getLogger("challenge.test").warning("Demo-Zugänge: %s", "staff@demo.leipzig.de")
    return stream.getvalue().strip()


def test_log_lines_are_text_on_a_terminal_and_json_otherwise(settings, monkeypatch):
    """Unset CHALLENGE_LOG_FORMAT: a person at a terminal reads lines, a collector gets JSON."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    unset = msgspec.structs.replace(settings, log_format=None)
    on_terminal = _one_line(unset, _Stream(terminal=True))
    assert on_terminal.endswith("WARNING challenge.test: Demo-Zugänge: staff@demo.leipzig.de")
    assert not on_terminal.startswith("{")
    piped = json.loads(_one_line(unset, _Stream(terminal=False)))
    assert piped["message"] == "Demo-Zugänge: staff@demo.leipzig.de"


def test_an_explicit_log_format_wins_over_the_terminal(settings, monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    as_json = msgspec.structs.replace(settings, log_format="json")
    assert json.loads(_one_line(as_json, _Stream(terminal=True)))["level"] == "warning"
    as_text = msgspec.structs.replace(settings, log_format="text")
    assert "WARNING challenge.test:" in _one_line(as_text, _Stream(terminal=False))


def test_log_format_setting_is_unset_unless_given():
    from challenge.settings import load_settings

    assert load_settings({}).log_format is None
    assert load_settings({"CHALLENGE_LOG_FORMAT": "JSON"}).log_format == "json"
    assert load_settings({"CHALLENGE_LOG_FORMAT": "text"}).log_format == "text"
