"""Writing mails into the transactional outbox; the worker (worker.py) delivers them.

Every mail renders through challenge.platform.mail.templates (staff's version for the call, for
every call, or the shipped default ``templates/mail/<key>.<locale>.md``). Links in mails are built
by the caller from ``settings.base_url`` and passed in the context (``base_url`` too, for the
footer) — never from a request's Host header. The context is kept with the mail (links' one-time
tokens blanked) so that staff preview their templates on real values.
"""

from __future__ import annotations

import json
from uuid import UUID

from challenge.platform import clock
from challenge.platform.i18n import DEFAULT_LOCALE, LOCALES
from challenge.platform.mail import templates
from challenge.platform.mail.tables import OutboxMail

SUBJECT_MAX = templates.SUBJECT_MAX


def render_mail(
    template: str, *, locale: str, context: dict, override: templates.Source | None = None
) -> tuple[str, str, str]:
    """Render a mail as (subject, plain text, HTML) in the given locale: staff's version
    ``override`` (see templates.override_for) if it renders, else the default."""
    return templates.render(template, locale=locale, context=context, override=override)


MAIL_CATEGORIES = ("transactional", "thread", "digest", "announcement")


async def enqueue(
    to: str,
    template: str,
    *,
    locale: str,
    context: dict,
    headers: dict[str, str] | None = None,
    category: str = "transactional",
    scope: str = "",
) -> UUID:
    """Render a mail and add it to the outbox, inside the caller's transaction if one is open.

    ``headers`` are extra header lines for the transport (In-Reply-To, References, Reply-To,
    List-Unsubscribe, …); ``category`` says what the mail is (MAIL_CATEGORIES): transactional
    mails carry legal or account weight and are always sent. ``scope`` is the id of the call the
    mail is about (as text), so that staff's version for that call is sent; "" for none."""
    if category not in MAIL_CATEGORIES:
        raise ValueError(f"unknown mail category: {category!r}")
    extra = {str(k): " ".join(str(v).split()) for k, v in (headers or {}).items()}
    to = to.strip()
    if not to or "@" not in to or any(c in to for c in "\r\n,;<>"):
        raise ValueError(f"not a single e-mail address: {to!r}")
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    override = await templates.override_for(template, locale, scope)
    subject, text, html = render_mail(template, locale=locale, context=context, override=override)
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
        context=templates.stored_context(context),
    )
    # Piccolo finds an open transaction through a context variable, so this insert commits
    # or rolls back together with the change that caused the mail.
    await mail.save()
    return mail.id
