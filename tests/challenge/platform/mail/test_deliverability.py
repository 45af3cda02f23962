"""Mail deliverability (issue 20, point 6) and relay protection: CHALLENGE_MAIL_FROM as the sender,
Message-ID from the outbox id, the allow-listed extra headers written as they are (a folded
List-Unsubscribe would be unreadable), and CHALLENGE_MAIL_RATE_PER_MINUTE over several workers,
counted on the injected clock — against the session database, the spool and a real SMTP server."""

from __future__ import annotations

import asyncio
import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.platform.mail.outbox import enqueue
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.mail.transports import sender_address
from challenge.platform.mail.worker import deliver_batch
from challenge.settings import SettingsError, load_settings
from tests.challenge.platform.mail.test_mail import (
    FAR_FUTURE,
    Inbox,
    address,
    start_smtp,
    verify_context,
)
from tests.conftest import make_settings

UNSUBSCRIBE = "http://portal.test/unsubscribe/" + "x" * 43
ANNOUNCEMENT_HEADERS = {
    "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "List-Id": "Smart City Challenge <announcements.portal.test>",
}


def raw_mails(folder) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.glob("*.eml"))]


async def test_mail_from_setting_is_the_sender_and_names_the_message_id(
    settings, drained, tmp_path
):
    named = make_settings(
        tmp_path / "named",
        settings.database_url,
        mail_from="Stadt Beispiel <challenge@mail.stadt.example>",
    )
    plain = make_settings(
        tmp_path / "plain", settings.database_url, mail_from="noreply@stadt.example"
    )
    assert str(sender_address(plain)) == "Smart City Challenge <noreply@stadt.example>"
    recipient = address("from")
    mail_id = await enqueue(recipient, "verify_email", locale="de", context=verify_context())
    assert await deliver_batch(named, worker_id="from-test") == 1
    (raw,) = raw_mails(named.mail_dir)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["From"] == "Stadt Beispiel <challenge@mail.stadt.example>"
    assert message["Message-ID"] == f"<{mail_id}@mail.stadt.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] is None  # the portal reads no mail: nobody is asked to reply


@pytest.mark.parametrize(
    "value",
    ["a@stadt.example, b@stadt.example", "kein-absender", "a@b@stadt.example", "<>"],
)
def test_mail_from_must_be_one_address(value, tmp_path):
    with pytest.raises(SettingsError, match="CHALLENGE_MAIL_FROM"):
        load_settings({"CHALLENGE_DATA_DIR": str(tmp_path), "CHALLENGE_MAIL_FROM": value})


def test_mail_rate_is_a_whole_number_of_zero_or_more(tmp_path):
    env = {"CHALLENGE_DATA_DIR": str(tmp_path)}
    assert load_settings(env).mail_rate_per_minute == 600
    assert load_settings({**env, "CHALLENGE_MAIL_RATE_PER_MINUTE": "0"}).mail_rate_per_minute == 0
    with pytest.raises(SettingsError, match="CHALLENGE_MAIL_RATE_PER_MINUTE"):
        load_settings({**env, "CHALLENGE_MAIL_RATE_PER_MINUTE": "-5"})


async def test_extra_headers_arrive_unfolded_and_well_formed(settings, drained, tmp_path):
    spool = make_settings(tmp_path / "data", settings.database_url)
    recipient = address("headers")
    thread = f"<thread-{uuid.uuid4()}@portal.test>"
    headers = {**ANNOUNCEMENT_HEADERS, "In-Reply-To": thread, "References": thread}
    await enqueue(recipient, "verify_email", locale="de", context=verify_context(), headers=headers)
    assert await deliver_batch(spool, worker_id="headers-test") == 1
    (raw,) = raw_mails(spool.mail_dir)
    head = raw.split(b"\n\n", 1)[0].decode("ascii")
    # written as one line each, never as RFC 2047 encoded words
    assert f"\nList-Unsubscribe: <{UNSUBSCRIBE}>" in head
    assert "\nList-Unsubscribe-Post: List-Unsubscribe=One-Click" in head
    encoded = [line for line in head.splitlines() if "=?" in line]
    assert all(line.startswith(("Subject:", " ")) for line in encoded)  # only the subject
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["In-Reply-To"] == thread and message["References"] == thread
    assert message["List-Id"] == ANNOUNCEMENT_HEADERS["List-Id"]
    assert message.get_all("Auto-Submitted") == ["auto-generated"]
    assert all(len(line) <= 998 for line in raw.splitlines())


async def test_a_header_outside_the_allow_list_refuses_the_mail(settings, drained, tmp_path):
    spool = make_settings(tmp_path / "data", settings.database_url)
    recipient = address("bcc")
    await enqueue(
        recipient,
        "verify_email",
        locale="de",
        context=verify_context(),
        headers={"Bcc": "everyone@example.org"},
    )
    assert await deliver_batch(spool, worker_id="refuse-test") == 1
    row = await OutboxMail.select().where(OutboxMail.to_address == recipient).first()
    assert row["status"] == "failed" and row["attempts"] == 1  # not retried: it cannot change
    assert "Bcc" in row["last_error"]
    assert raw_mails(spool.mail_dir) == []


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = start_smtp(inbox)
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


async def test_rate_limit_holds_across_workers_on_the_clock(settings, drained, smtp_inbox):
    limited = make_settings(
        settings.data_dir / f"rate-{uuid.uuid4().hex[:6]}",
        settings.database_url,
        smtp_url=smtp_inbox.url,
        mail_rate_per_minute="5",
    )
    recipients = [address(f"rate{i}") for i in range(12)]
    for recipient in recipients:
        await enqueue(recipient, "verify_email", locale="en", context=verify_context())
    # a moment of its own, so no other test's claims share the window
    start = datetime(2031, 5, 4, 9, 0, tzinfo=UTC) + timedelta(minutes=uuid.uuid4().int % 10**5)

    async def two_workers(at: datetime) -> int:
        taken = await asyncio.gather(
            deliver_batch(limited, worker_id="rate-a", limit=4, now=at),
            deliver_batch(limited, worker_id="rate-b", limit=4, now=at),
        )
        return sum(taken)

    assert await two_workers(start) == 5  # 4 + 1: the second worker gets what is left
    assert await two_workers(start + timedelta(seconds=59)) == 0
    assert await two_workers(start + timedelta(seconds=60)) == 5  # the window has moved on
    assert await two_workers(start + timedelta(seconds=90)) == 0
    assert await two_workers(start + timedelta(seconds=125)) == 2  # the rest
    delivered = [rcpts[0] for rcpts, _ in smtp_inbox.messages if rcpts[0] in recipients]
    assert sorted(delivered) == sorted(recipients)  # each exactly once


async def test_no_limit_with_zero_or_without_a_relay(settings, drained, smtp_inbox, tmp_path):
    unlimited = make_settings(
        tmp_path / "data", settings.database_url, smtp_url=smtp_inbox.url, mail_rate_per_minute="0"
    )
    spool = make_settings(tmp_path / "spool", settings.database_url, mail_rate_per_minute="1")
    for _ in range(6):
        await enqueue(address("free"), "verify_email", locale="en", context=verify_context())
    at = datetime(2032, 1, 1, tzinfo=UTC)
    assert await deliver_batch(unlimited, worker_id="free-a", limit=3, now=at) == 3
    assert await deliver_batch(spool, worker_id="free-b", limit=3, now=at) == 3  # no relay


async def test_mails_with_legal_weight_go_before_waiting_announcements(settings, drained, tmp_path):
    """A large announcement waiting for the relay never holds up a password reset: transactional
    mails are claimed first, thread mails next, announcements last (each oldest first)."""
    spool = make_settings(tmp_path / "data", settings.database_url)
    announced = [address(f"announce{i}") for i in range(3)]
    for recipient in announced:
        await enqueue(
            recipient,
            "verify_email",
            locale="de",
            context=verify_context(),
            headers=ANNOUNCEMENT_HEADERS,
            category="announcement",
        )
    threaded = address("thread")
    await enqueue(
        threaded, "verify_email", locale="de", context=verify_context(), category="thread"
    )
    urgent = address("reset")
    await enqueue(urgent, "verify_email", locale="de", context=verify_context())
    everyone = [urgent, threaded, *announced]

    async def sent() -> set[str]:
        rows = await OutboxMail.select(OutboxMail.to_address).where(
            OutboxMail.to_address.is_in(everyone) & (OutboxMail.status == "sent")
        )
        return {row["to_address"] for row in rows}

    order: list[str] = []
    while await deliver_batch(spool, worker_id="order", limit=1, now=FAR_FUTURE):
        order += sorted(await sent() - set(order))
    assert order[:2] == [urgent, threaded] and set(order[2:]) == set(announced)
