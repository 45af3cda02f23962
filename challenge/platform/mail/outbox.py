"""Writing mails into the transactional outbox; the worker (worker.py) delivers them.

Template convention: each mail ``<template>`` has ``templates/mail/<template>.txt`` and
``templates/mail/<template>.html``. The rendered text template's first line is the subject,
followed by one blank line, then the plain-text body (``mail/_layout.txt`` puts its
``{% block subject %}`` on that first line). The HTML template gets the subject as
``subject``. Links in mails are built by the caller from ``settings.base_url`` and passed in
the context (``base_url`` too, for the footer) — never from a request's Host header.
"""

from __future__ import annotations

import json
import textwrap
from uuid import UUID

from challenge.platform import clock
from challenge.platform.i18n import DEFAULT_LOCALE, LOCALES
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.templating import render

SUBJECT_MAX = 300  # OutboxMail.subject is a Varchar(300)
WRAP_WIDTH = 72


def _wrap(text: str) -> str:
    """Wrap long prose lines for plain-text readers; lines with URLs stay whole (clickable)."""
    lines: list[str] = []
    for line in text.splitlines():
        if len(line) > WRAP_WIDTH + 4 and "://" not in line:
            lines.append(
                textwrap.fill(line, WRAP_WIDTH, break_long_words=False, break_on_hyphens=False)
            )
        else:
            # "-- " (with its space) is the signature delimiter mail readers recognise.
            lines.append(line if line == "-- " else line.rstrip())
    return "\n".join(lines).strip() + "\n"


def render_mail(template: str, *, locale: str, context: dict) -> tuple[str, str, str]:
    """Render a mail template as (subject, plain text, HTML) in the given locale."""
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    values = {k: v for k, v in context.items() if k not in ("locale", "subject")}
    rendered = render(f"mail/{template}.txt", locale=locale, **values)
    first, _, body = rendered.lstrip("\n").partition("\n")
    # A header value must be one line: a stray newline from a context value cannot inject one.
    subject = " ".join(first.split())[:SUBJECT_MAX]
    if not subject:
        raise ValueError(f"mail/{template}.txt renders no subject on its first line")
    html = render(f"mail/{template}.html", locale=locale, subject=subject, **values)
    return subject, _wrap(body), html


MAIL_CATEGORIES = ("transactional", "thread", "digest", "announcement")


async def enqueue(
    to: str,
    template: str,
    *,
    locale: str,
    context: dict,
    headers: dict[str, str] | None = None,
    category: str = "transactional",
) -> UUID:
    """Render a mail and add it to the outbox, inside the caller's transaction if one is open.

    ``headers`` are extra header lines for the transport (In-Reply-To, References, Reply-To,
    List-Unsubscribe, …); ``category`` says what the mail is (MAIL_CATEGORIES): transactional
    mails carry legal or account weight and are always sent."""
    if category not in MAIL_CATEGORIES:
        raise ValueError(f"unknown mail category: {category!r}")
    extra = {str(k): " ".join(str(v).split()) for k, v in (headers or {}).items()}
    to = to.strip()
    if not to or "@" not in to or any(c in to for c in "\r\n,;<>"):
        raise ValueError(f"not a single e-mail address: {to!r}")
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    subject, text, html = render_mail(template, locale=locale, context=context)
    now = clock.now()
    mail = OutboxMail(
        to_address=to,
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        template=template[:80],
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        headers=json.dumps(extra),
        category=category,
    )
    # Piccolo finds an open transaction through a context variable, so this insert commits
    # or rolls back together with the change that caused the mail.
    await mail.save()
    return mail.id
