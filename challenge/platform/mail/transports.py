"""Mail transports: an .eml spool folder (embedded default) and SMTP (CHALLENGE_SMTP_URL), and the
message each outbox row becomes: From CHALLENGE_MAIL_FROM (else noreply@ the portal's host),
``Message-ID: <outbox id@mail domain>``, ``Auto-Submitted: auto-generated`` and the row's extra
headers from an allow-list (threading and list headers). Nobody is asked to reply by mail: the
portal reads no mail, so no Reply-To is set (the From is a no-reply address) and thread mails link
to the thread instead."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID

import aiosmtplib

from challenge.platform import clock
from challenge.settings import Settings

SENDER_NAME = "Smart City Challenge"
SMTP_TIMEOUT = 30  # seconds per SMTP command; a hung server must not outlive the claim lease
# Extra headers an outbox row may carry (OutboxMail.headers); anything else refuses the mail.
EXTRA_HEADERS = {
    name.lower(): name
    for name in (
        "In-Reply-To",
        "References",
        "Reply-To",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "List-Id",
        "Auto-Submitted",
    )
}
HEADER_LINE_MAX = 998  # RFC 5322 2.1.1, with the name
# Extra headers are written as given (set_raw, one line): folding a long List-Unsubscribe URL
# would turn it into RFC 2047 encoded words, which no mail client reads as a URL.
MAIL_POLICY = default_policy.clone(refold_source="none")


class PermanentDeliveryError(Exception):
    """The receiving side refused the mail for good (e.g. unknown recipient): do not retry."""


class HeaderRefused(PermanentDeliveryError):
    """An outbox row asks for a header outside EXTRA_HEADERS, or one that is not one ASCII line:
    the mail is not sent (retrying would not change it)."""


def relay_unreachable(error: BaseException) -> bool:
    """The mail server could not be reached or dropped the connection: nothing is wrong with
    the mail itself, so it is retried soon (and never given up), and the rest of the batch waits."""
    return isinstance(
        error,
        (
            aiosmtplib.SMTPConnectError,
            aiosmtplib.SMTPServerDisconnected,
            aiosmtplib.SMTPTimeoutError,
            ConnectionError,
            TimeoutError,
            OSError,
        ),
    )


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class OutgoingMail:
    """What the worker hands to build_message: the fields of one outbox row."""

    id: UUID
    to_address: str
    subject: str
    body_text: str
    body_html: str
    created_at: datetime
    headers: str | dict = "{}"  # OutboxMail.headers: JSON of extra header lines


def _mail_domain(base_url: str) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{host}]"  # an address literal, as RFC 5321 writes IP hosts


def sender_address(settings: Settings) -> Address:
    """The From address: CHALLENGE_MAIL_FROM (named "Smart City Challenge" unless it names
    itself), else noreply@ the host of CHALLENGE_BASE_URL."""
    if settings.mail_from:
        (address,) = default_policy.header_factory("From", settings.mail_from).addresses
        if address.display_name:
            return Address(address.display_name, addr_spec=address.addr_spec)
        return Address(SENDER_NAME, addr_spec=address.addr_spec)
    return Address(SENDER_NAME, addr_spec=f"noreply@{_mail_domain(settings.base_url)}")


def extra_headers(raw: str | dict | None) -> dict[str, str]:
    """A row's extra headers by their canonical names; HeaderRefused for any name outside the
    allow-list or a value that is not one ASCII line of allowed length."""
    try:
        headers = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except ValueError as exc:
        raise HeaderRefused(f"extra headers are not JSON: {exc}") from None
    if not isinstance(headers, dict):
        raise HeaderRefused("extra headers are not an object")
    checked: dict[str, str] = {}
    for name, value in headers.items():
        canonical = EXTRA_HEADERS.get(str(name).lower())
        if canonical is None:
            raise HeaderRefused(f"header {str(name)[:60]!r} is not allowed")
        text = str(value)
        if (
            not text.strip()
            or not text.isascii()
            or any(c in text for c in "\r\n\0")
            or len(canonical) + 2 + len(text) > HEADER_LINE_MAX
        ):
            raise HeaderRefused(f"header {canonical} is not one ASCII line")
        checked[canonical] = text.strip()
    return checked


def build_message(mail: OutgoingMail, sender: Address | str) -> EmailMessage:
    """An RFC 5322 message with a plain-text part and, when present, an HTML alternative."""
    if isinstance(sender, str):
        sender = Address(SENDER_NAME, addr_spec=sender)
    extra = extra_headers(mail.headers)
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    # The same id on every attempt lets receivers drop a copy a retry might send twice.
    message["Message-ID"] = f"<{mail.id}@{sender.domain.strip('[]')}>"
    if "Auto-Submitted" not in extra:
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    for name, value in extra.items():
        message.set_raw(name, value)
    # Quoted-printable keeps every line 7-bit and short, whatever relay sits in between.
    message.set_content(mail.body_text, cte="quoted-printable")
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html", cte="quoted-printable")
    return message


class SpoolTransport:
    """Writes each mail as ``<created>-<id>.eml`` into a folder (embedded mode, no SMTP)."""

    def __init__(self, mail_dir: Path) -> None:
        self.mail_dir = Path(mail_dir)

    def _write(self, message: EmailMessage) -> Path:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        # Named by date and Message-ID: sorted by time, and a repeated delivery of the same
        # outbox row replaces its file instead of adding a second copy.
        local = str(message.get("Message-ID", "")).strip("<>").partition("@")[0]
        local = re.sub(r"[^A-Za-z0-9-]", "", local) or secrets.token_hex(16)
        date = message.get("Date")
        stamp = parsedate_to_datetime(str(date)) if date else clock.now()
        target = self.mail_dir / f"{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}-{local}.eml"
        # Write a complete file, then rename: a reader listing the folder never sees half a mail.
        tmp = self.mail_dir / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            with tmp.open("wb") as handle:
                handle.write(message.as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    async def send(self, message: EmailMessage) -> None:
        """Write the message into the spool folder atomically."""
        await asyncio.to_thread(self._write, message)


class SmtpTransport:
    """Sends through an SMTP server: ``smtp://user:pw@host:port?starttls=1`` or ``smtps://…``.

    ``starttls=1`` requires STARTTLS, ``starttls=0`` never uses it; without the parameter
    STARTTLS is used when the server offers it. ``smtps`` is TLS from the first byte.
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("expected smtp://user:password@host:port or smtps://…")
        self.use_tls = parts.scheme == "smtps"
        self.hostname = parts.hostname
        self.port = parts.port or (465 if self.use_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        flag = parse_qs(parts.query).get("starttls", [None])[-1]
        self.start_tls: bool | None = None
        if flag is not None and not self.use_tls:
            self.start_tls = flag.lower() in ("1", "true", "yes", "on")

    async def send(self, message: EmailMessage) -> None:
        """Deliver one message; raise PermanentDeliveryError when the recipient is refused."""
        try:
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,
                timeout=SMTP_TIMEOUT,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(error.code >= 500 for error in exc.recipients):
                raise PermanentDeliveryError(str(exc)) from exc
            raise


def transport_from_settings(settings: Settings) -> Transport:
    """SMTP when CHALLENGE_SMTP_URL is set, else the spool folder ``<data dir>/mail``."""
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url)
    return SpoolTransport(settings.mail_dir)
