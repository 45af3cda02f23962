"""The mail outbox: enqueue in the caller's transaction, spool and SMTP delivery, retries,
leases and concurrent workers — against the session database and real SMTP servers."""

from __future__ import annotations

import asyncio
import email
import email.policy
import signal
import socket
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from challenge.db import write_transaction
from challenge.platform.mail.outbox import enqueue, render_mail
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.mail.transports import SmtpTransport, SpoolTransport
from challenge.platform.mail.worker import (
    BACKOFF,
    MAX_ATTEMPTS,
    _record,
    deliver_batch,
    outbox_stats,
    run_worker,
)
from tests.conftest import make_settings

FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
TEMPLATES = {
    "verify_email": {"name": "Anna Schmidt", "link": "http://portal.test/account/verify?token=abc"},
    "register_existing": {
        "name": "Anna Schmidt",
        "login_link": "http://portal.test/login",
        "reset_link": "http://portal.test/account/reset",
    },
    "password_reset": {
        "name": "Anna Schmidt",
        "link": "http://portal.test/account/reset?token=abc",
        "valid_minutes": 60,
    },
    "password_reset_unknown": {"register_link": "http://portal.test/register"},
    "password_changed": {"name": "Anna Schmidt", "reset_link": "http://portal.test/account/reset"},
}


def address(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.org"


def verify_context(name: str = "Anna Schmidt") -> dict:
    return {**TEMPLATES["verify_email"], "name": name, "base_url": "http://portal.test"}


async def rows_for(*recipients: str) -> list[dict]:
    return await OutboxMail.select().where(OutboxMail.to_address.is_in(list(recipients)))


async def row_for(recipient: str) -> dict:
    (row,) = await rows_for(recipient)
    return row


class Inbox:
    """An aiosmtpd handler keeping what arrives; ``refuse`` rejects every recipient (for good,
    or with ``reply`` e.g. a temporary 4xx)."""

    def __init__(self, refuse: bool = False, reply: str = "550 5.1.1 No such mailbox here") -> None:
        self.refuse = refuse
        self.reply = reply
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, recipients) -> list[email.message.EmailMessage]:
        return [m for rcpts, m in self.messages if set(rcpts) & set(recipients)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp(inbox: Inbox):
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = start_smtp(inbox)
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


@pytest.fixture
def refused_smtp_url():
    """An SMTP URL whose port is bound but not listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"smtp://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def busy_smtp_url():
    """An SMTP server that answers every recipient with a temporary refusal (451)."""
    controller = start_smtp(Inbox(refuse=True, reply="451 4.3.0 Try again later"))
    yield f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


async def drain(settings, directory) -> None:
    while await deliver_batch(
        settings, worker_id="drain", limit=200, now=FAR_FUTURE, transport=SpoolTransport(directory)
    ):
        pass


@pytest.fixture(scope="module", autouse=True)
async def leave_nothing_pending(app, settings, tmp_path_factory):
    """Later test modules deliver the shared outbox too: hand them an empty one."""
    yield
    await drain(settings, tmp_path_factory.mktemp("drained"))


async def test_enqueue_inside_a_failing_transaction_leaves_no_mail(app):
    lost, kept = address("lost"), address("kept")
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await enqueue(lost, "verify_email", locale="de", context=verify_context())
            raise RuntimeError("the change fails after the mail was written")
    async with write_transaction():
        mail_id = await enqueue(kept, "verify_email", locale="de", context=verify_context())
    assert await rows_for(lost) == []
    row = await row_for(kept)
    assert row["id"] == mail_id
    assert row["status"] == "pending" and row["attempts"] == 0
    assert row["subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert row["next_attempt_at"] <= datetime.now(UTC)


async def test_enqueue_escapes_html_but_not_plain_text(app):
    recipient = address("escape")
    await enqueue(recipient, "verify_email", locale="en", context=verify_context("<Anna & Co>"))
    row = await row_for(recipient)
    assert "Hello <Anna & Co>," in row["body_text"]
    assert "Hello &lt;Anna &amp; Co&gt;," in row["body_html"]
    assert "<Anna" not in row["body_html"]


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_mail_templates_render_every_link_in_both_parts(template, locale):
    context = TEMPLATES[template]
    subject, text, html = render_mail(template, locale=locale, context=context)
    _, english, _ = render_mail(template, locale="en", context=context)
    assert subject and "\n" not in subject
    assert f'<html lang="{locale}">' in html and f"<title>{subject}</title>" in html
    for key, value in context.items():
        if key.endswith("link"):
            assert value in text and f'href="{value}"' in html
    assert (text != english) == (locale == "de")  # every German line is translated
    assert all(len(line) <= 76 or "://" in line for line in text.splitlines())


async def test_spool_transport_writes_german_and_english_eml(settings, drained, tmp_path):
    spool = make_settings(tmp_path / "data", settings.database_url)
    german, english = address("de"), address("en")
    await enqueue(german, "verify_email", locale="de", context=verify_context())
    await enqueue(english, "verify_email", locale="en", context=verify_context())
    assert await deliver_batch(spool, worker_id="spool-test") == 2
    files = sorted(spool.mail_dir.iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]  # no temporary files left behind
    parsed = {}
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        parsed[message["To"]] = message
        assert message["From"] == "Smart City Challenge <noreply@portal.test>"
        assert message["Date"] and message["Message-ID"].endswith("@portal.test>")
    de_text = parsed[german].get_body(("plain",)).get_content()
    de_html = parsed[german].get_body(("html",)).get_content()
    assert parsed[german]["Subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "vielen Dank für Ihre Registrierung" in de_text
    assert "vielen Dank für Ihre Registrierung" in de_html
    assert "http://portal.test/account/verify?token=abc" in de_text
    en_text = parsed[english].get_body(("plain",)).get_content()
    assert parsed[english]["Subject"] == "Please confirm your e-mail address"
    assert "Thank you for registering" in en_text
    assert "Thank you for registering" in parsed[english].get_body(("html",)).get_content()
    row = await row_for(german)
    assert row["status"] == "sent" and row["sent_at"] is not None
    assert row["claimed_by"] == "spool-test"


def test_smtp_url_is_parsed_with_credentials_and_tls_mode():
    implicit = SmtpTransport("smtps://user%40city:p%3Aw@mail.example")
    assert (implicit.hostname, implicit.port, implicit.use_tls) == ("mail.example", 465, True)
    assert (implicit.username, implicit.password) == ("user@city", "p:w")
    required = SmtpTransport("smtp://u:p@mail.example:587?starttls=1")
    assert (required.port, required.use_tls, required.start_tls) == (587, False, True)
    assert SmtpTransport("smtp://mail.example?starttls=0").start_tls is False
    assert SmtpTransport("smtp://mail.example").start_tls is None  # STARTTLS when offered
    with pytest.raises(ValueError):
        SmtpTransport("http://mail.example")


async def test_smtp_delivery_reaches_a_real_server(settings, drained, smtp_inbox, tmp_path):
    smtp = make_settings(tmp_path / "data", settings.database_url, smtp_url=smtp_inbox.url)
    recipient = address("smtp")
    await enqueue(
        recipient,
        "password_reset",
        locale="en",
        context={**TEMPLATES["password_reset"], "base_url": "http://portal.test"},
    )
    assert await deliver_batch(smtp, worker_id="smtp-test") == 1
    (message,) = smtp_inbox.to([recipient])
    assert smtp_inbox.messages[-1][0] == [recipient]
    assert message["Subject"] == "Reset your password"
    assert "valid for 60 minutes" in message.get_body(("plain",)).get_content()
    row = await row_for(recipient)
    assert row["status"] == "sent" and row["attempts"] == 0 and row["last_error"] == ""
    assert list(smtp.mail_dir.iterdir()) == []  # SMTP configured: nothing spooled


async def test_smtp_failure_schedules_a_retry_with_backoff(
    settings, drained, busy_smtp_url, tmp_path
):
    smtp = make_settings(tmp_path / "data", settings.database_url, smtp_url=busy_smtp_url)
    recipient = address("retry")
    await enqueue(recipient, "verify_email", locale="de", context=verify_context())
    start = datetime.now(UTC)
    assert await deliver_batch(smtp, worker_id="retry-test", now=start) == 1
    row = await row_for(recipient)
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["last_error"] and len(row["last_error"]) <= 500
    assert row["next_attempt_at"] == start + BACKOFF[0] > datetime.now(UTC)
    # not retried before the backoff has passed
    assert await deliver_batch(smtp, worker_id="retry-test", now=start + timedelta(seconds=30)) == 0
    assert (await row_for(recipient))["attempts"] == 1
    later = start + BACKOFF[0] + timedelta(seconds=1)
    assert await deliver_batch(smtp, worker_id="retry-test", now=later) == 1
    row = await row_for(recipient)
    assert row["attempts"] == 2 and row["next_attempt_at"] == later + BACKOFF[1]


async def test_smtp_failure_after_max_attempts_marks_failed(
    settings, drained, busy_smtp_url, tmp_path
):
    smtp = make_settings(tmp_path / "data", settings.database_url, smtp_url=busy_smtp_url)
    recipient = address("failed")
    await enqueue(recipient, "verify_email", locale="en", context=verify_context())
    when = datetime.now(UTC)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await deliver_batch(smtp, worker_id="fail-test", now=when) == 1
        row = await row_for(recipient)
        assert row["attempts"] == attempt
        when = row["next_attempt_at"] + timedelta(seconds=1)
    assert row["status"] == "failed"
    assert await deliver_batch(smtp, worker_id="fail-test", now=FAR_FUTURE) == 0
    assert (await row_for(recipient))["attempts"] == MAX_ATTEMPTS


async def test_smtp_refused_recipient_fails_at_once(settings, drained, tmp_path):
    inbox = Inbox(refuse=True)
    controller = start_smtp(inbox)
    try:
        smtp = make_settings(
            tmp_path / "data", settings.database_url, smtp_url=f"smtp://127.0.0.1:{controller.port}"
        )
        recipient = address("unknown")
        await enqueue(recipient, "verify_email", locale="de", context=verify_context())
        assert await deliver_batch(smtp, worker_id="refuse-test") == 1
    finally:
        controller.stop()
    row = await row_for(recipient)
    assert row["status"] == "failed" and row["attempts"] == 1
    assert "550" in row["last_error"]
    assert inbox.messages == []


async def test_two_workers_deliver_each_mail_exactly_once(settings, drained, smtp_inbox, tmp_path):
    smtp = make_settings(tmp_path / "data", settings.database_url, smtp_url=smtp_inbox.url)
    recipients = [address(f"many{i}") for i in range(30)]
    for recipient in recipients:
        await enqueue(recipient, "verify_email", locale="de", context=verify_context())
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(
            run_worker(smtp, stop=stop, worker_id=name, poll_interval=0.01, limit=3)
        )
        for name in ("worker-a", "worker-b")
    ]
    try:
        async with asyncio.timeout(60):
            while any(r["status"] != "sent" for r in await rows_for(*recipients)):
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*workers)
    delivered = [rcpts[0] for rcpts, _ in smtp_inbox.messages if rcpts[0] in recipients]
    assert sorted(delivered) == sorted(recipients)  # each exactly once
    rows = await rows_for(*recipients)
    assert {row["status"] for row in rows} == {"sent"}
    assert {row["claimed_by"] for row in rows} <= {"worker-a", "worker-b"}
    assert all(row["attempts"] == 0 for row in rows)


async def test_expired_lease_is_claimed_again(settings, drained, tmp_path):
    spool = make_settings(tmp_path / "data", settings.database_url)
    recipient = address("lease")
    mail_id = await enqueue(recipient, "verify_email", locale="en", context=verify_context())
    now = datetime.now(UTC)
    # a worker claimed the mail and died: its lease runs for four more minutes
    await OutboxMail.update(
        {
            OutboxMail.status: "sending",
            OutboxMail.claimed_by: "dead-worker",
            OutboxMail.claimed_until: now + timedelta(minutes=4),
        }
    ).where(OutboxMail.id == mail_id)
    assert await deliver_batch(spool, worker_id="live-worker", now=now) == 0
    assert await deliver_batch(spool, worker_id="live-worker", now=now + timedelta(minutes=5)) == 1
    row = await row_for(recipient)
    assert row["status"] == "sent" and row["claimed_by"] == "live-worker"
    assert len(list(spool.mail_dir.glob("*.eml"))) == 1
    # the dead worker waking up cannot overwrite the outcome
    await _record(row, "dead-worker", now, RuntimeError("late failure"))
    row = await row_for(recipient)
    assert row["status"] == "sent" and row["last_error"] == ""


async def test_outbox_stats_count_mails_by_status(settings, drained, tmp_path):
    before = await outbox_stats()
    assert before["pending"] == 0 and before["oldest_pending_seconds"] is None
    for _ in range(2):
        await enqueue(address("stats"), "verify_email", locale="de", context=verify_context())
    stats = await outbox_stats(now=datetime.now(UTC) + timedelta(seconds=90))
    assert stats["pending"] == 2 and 90 <= stats["oldest_pending_seconds"] < 120
    await deliver_batch(make_settings(tmp_path / "data", settings.database_url), worker_id="stats")
    after = await outbox_stats()
    assert after["sent"] == before["sent"] + 2 and after["pending"] == 0


def run_python(env, code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


WORKER = "from challenge.platform.mail.cli import worker; worker(prog_name='challenge worker')"
ENQUEUE = """
    import asyncio
    from challenge import db
    from challenge.platform.mail.outbox import enqueue
    from challenge.settings import load_settings, prepare

    async def main():
        async with db.connected(prepare(load_settings())):
            await enqueue("cli@example.org", "password_changed", locale="de",
                          context={"name": "Anna", "reset_link": "http://portal.test/reset"})

    asyncio.run(main())
"""


def test_worker_once_migrates_and_delivers_into_the_spool(cli_env, tmp_path):
    first = run_python(cli_env, WORKER, "--once")
    assert first.returncode == 0, first.stderr
    assert "Processed 0 mail(s)." in first.stdout
    queued = run_python(cli_env, ENQUEUE)
    assert queued.returncode == 0, queued.stderr
    second = run_python(cli_env, WORKER, "--once")
    assert second.returncode == 0, second.stderr
    assert "Processed 1 mail(s)." in second.stdout
    (eml,) = (tmp_path / "var" / "mail").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Ihr Passwort wurde geändert"


def test_worker_stops_cleanly_on_sigterm(cli_env):
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, "--poll-interval", "0.2"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "running" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Mail worker stopped." in out
