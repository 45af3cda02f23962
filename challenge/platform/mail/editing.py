"""Staff edit the mails: the list, one mail in one language with its placeholders and the diff
against the default, the preview on the latest real mail's values, saving (refused with
422 ``template_invalid`` when the template cannot be used — never later, when a mail is sent)
and "reset to default". ``scope`` is "" (every call) or a call's id as text.

``may_edit_mail_templates`` is the one rule for who may; the API, the pages and their templates
ask it.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from jinja2 import TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SecurityError

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import LOCALES, N_, gettext
from challenge.platform.mail import sandbox
from challenge.platform.mail.catalogue import MAIL_TITLES, PLACEHOLDER_WORDS
from challenge.platform.mail.samples import sample
from challenge.platform.mail.tables import MailTemplate, OutboxMail
from challenge.platform.mail.templates import (
    Rendered,
    Source,
    default_source,
    mail_keys,
    placeholders,
    render_parts,
    render_subject,
    revived_context,
)
from challenge.platform.problems import FieldError, Problem, forbidden, not_found

SUBJECT_MAX = 300


def may_edit_mail_templates(user) -> bool:
    """Staff and admins edit the mails."""
    return user is not None and user.has_role("staff", "admin")


def editors_only(connection, _handler) -> None:
    """Route guard from the rule: 401 for the anonymous, 403 for everyone else who may not."""
    user = connection.scope.get("user")
    if user is None:
        raise Problem(401, "not_authenticated", N_("Please log in."))
    if not may_edit_mail_templates(user):
        raise forbidden()


def _check(user, key: str, locale: str) -> Source:
    if not may_edit_mail_templates(user):
        raise forbidden()
    source = default_source(key, locale) if locale in LOCALES else None
    if source is None or key not in mail_keys():
        raise not_found(N_("There is no such mail."))
    return source


async def overview(user) -> list[dict]:
    """Every mail with, per language, its default, what is sent for every call (``current``),
    whether staff changed that and the calls (ids) with a version of their own."""
    if not may_edit_mail_templates(user):
        raise forbidden()
    rows = await MailTemplate.select(
        MailTemplate.key,
        MailTemplate.locale,
        MailTemplate.scope,
        MailTemplate.subject,
        MailTemplate.body,
    )
    mails = []
    for key in mail_keys():
        mine = [r for r in rows if r["key"] == key]
        locales = {}
        for locale in LOCALES:
            both = [r for r in mine if r["locale"] == locale]
            own = next((Source(r["subject"], r["body"]) for r in both if not r["scope"]), None)
            locales[locale] = {
                "changed": own is not None,
                "scopes": sorted(r["scope"] for r in both if r["scope"]),
                "default": default_source(key, locale),
                "current": own or default_source(key, locale),
            }
        mails.append({"key": key, "title": MAIL_TITLES.get(key, key), "locales": locales})
    return mails


async def _stored(key: str, locale: str, scope: str) -> Source | None:
    row = await (
        MailTemplate.select(MailTemplate.subject, MailTemplate.body)
        .where(
            (MailTemplate.key == key)
            & (MailTemplate.locale == locale)
            & (MailTemplate.scope == scope)
        )
        .first()
    )
    return Source(row["subject"], row["body"]) if row else None


async def template(user, key: str, locale: str, scope: str = "") -> dict:
    """One mail in one language for the editor: the default, what is sent now (``current``),
    whether staff's own version for this scope exists, the placeholders and the diff."""
    default = _check(user, key, locale)
    own = await _stored(key, locale, scope)
    inherited = await _stored(key, locale, "") if scope and own is None else None
    current = own or inherited or default
    return {
        "key": key,
        "locale": locale,
        "scope": scope,
        "title": MAIL_TITLES.get(key, key),
        "default": default,
        "current": current,
        "changed": own is not None,
        "inherited": inherited is not None,
        "placeholders": [(name, PLACEHOLDER_WORDS.get(name)) for name in sorted(placeholders(key))],
        "diff": diff_lines(default, current),
    }


def diff_lines(default: Source, current: Source) -> list[tuple[str, str]]:
    """The current version against the default, line by line: (same|removed|added, line)."""
    old, new = default.text().splitlines(), current.text().splitlines()
    rows: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [("same", line) for line in old[i1:i2]]
        else:
            rows += [("removed", line) for line in old[i1:i2]]
            rows += [("added", line) for line in new[j1:j2]]
    return rows


async def preview_context(key: str) -> dict:
    """The values of the latest real mail of this kind, completed by samples (all of them before
    the first one is sent)."""
    row = await (
        OutboxMail.select(OutboxMail.context)
        .where((OutboxMail.template == key) & (OutboxMail.context != "{}"))
        .order_by(OutboxMail.created_at, ascending=False)
        .first()
    )
    real = revived_context(row["context"]) if row else {}
    return {**sample(key, placeholders(key)), **real}


def _unknown(key: str, source: Source) -> None:
    env = sandbox.sandbox(html=False, strict=True)
    known = placeholders(key)
    for part, text in (("subject", source.subject), ("body", source.body)):
        try:
            names = meta.find_undeclared_variables(env.parse(text)) - known - {"locale"}
        except TemplateSyntaxError as error:
            raise _Located(part, error) from error
        if names:
            name = sorted(names)[0]
            lines = text.splitlines()
            line = next((i + 1 for i, ln in enumerate(lines) if re.search(rf"\b{name}\b", ln)), 1)
            raise _Located(
                part,
                sandbox.TemplateRefused(
                    "“%(name)s” is not a placeholder of this mail.", line, name=name
                ),
            )


class _Located(Exception):
    def __init__(self, part: str, error: Exception) -> None:
        super().__init__(str(error))
        self.part, self.error = part, error


def _rendered(key: str, locale: str, source: Source, context: dict) -> Rendered:
    _unknown(key, source)
    if len(source.subject) > SUBJECT_MAX or "\n" in source.subject:
        raise _Located(
            "subject",
            sandbox.TemplateRefused("The subject is one line of at most %(n)s characters.", n=300),
        )
    try:
        render_subject(source.subject, locale=locale, context=context, strict=True)
    except Exception as error:
        raise _Located("subject", error) from error
    try:
        return render_parts(source, locale=locale, context=context, strict=True)
    except Exception as error:
        raise _Located("body", error) from error


def _line(error: Exception) -> int | None:
    line = getattr(error, "line", None) or getattr(error, "lineno", None)
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _reason(error: Exception, locale: str) -> str:
    if isinstance(error, sandbox.TemplateRefused):
        return gettext(error.message, locale, **error.variables)
    if isinstance(error, TemplateSyntaxError):
        return gettext("The template cannot be read: %(error)s", locale, error=error.message)
    if isinstance(error, UndefinedError):
        return gettext("A value is missing: %(error)s", locale, error=str(error))
    if isinstance(error, SecurityError):
        return gettext("Not available in mail templates: %(error)s", locale, error=str(error))
    return gettext("The template cannot be rendered: %(error)s", locale, error=str(error))


def refusal(located: _Located, locale: str) -> Problem:
    """422 template_invalid naming the part and line, in the reader's language."""
    reason, line = _reason(located.error, locale), _line(located.error)
    if located.part == "subject":
        message = gettext("Subject: %(reason)s", locale, reason=reason)
    elif line:
        message = gettext("Text, line %(line)s: %(reason)s", locale, line=line, reason=reason)
    else:
        message = gettext("Text: %(reason)s", locale, reason=reason)
    return Problem(
        422,
        "template_invalid",
        message,
        errors=[FieldError(located.part, message)],
        extra={"field": located.part, "line": line},
    )


async def preview(user, key: str, locale: str, source: Source, reader_locale: str) -> Rendered:
    """The mail as it would be sent with the latest real values (subject, text, content: the
    body's HTML, html: the whole HTML part); 422 template_invalid when it cannot be used."""
    _check(user, key, locale)
    try:
        return _rendered(key, locale, source, await preview_context(key))
    except _Located as located:
        raise refusal(located, reader_locale) from None


async def save(user, key: str, locale: str, source: Source, scope: str, reader_locale: str) -> dict:
    """Store staff's version for the scope once it renders (else 422 template_invalid, nothing
    stored); audited."""
    source = Source(source.subject.strip(), source.body.replace("\r\n", "\n"))
    await preview(user, key, locale, source, reader_locale)
    for attempt in (1, 2):
        try:
            async with db.write_transaction():
                row_id = await _upsert(user, key, locale, scope, source)
                payload = {"key": key, "locale": locale, **({"call": scope} if scope else {})}
                await record(
                    "mail_template.saved",
                    actor=user,
                    object_type="mail_template",
                    object_id=row_id,
                    payload=payload,
                )
            break
        except Exception as error:  # a parallel first save of the same version: update it
            if attempt == 2 or not db.is_unique_violation(error):
                raise
    return await template(user, key, locale, scope)


async def _upsert(user, key: str, locale: str, scope: str, source: Source):
    values = {
        MailTemplate.subject: source.subject,
        MailTemplate.body: source.body,
        MailTemplate.updated_by: user.id,
        MailTemplate.updated_at: clock.now(),
    }
    updated = (
        await MailTemplate.update(values)
        .where(
            (MailTemplate.key == key)
            & (MailTemplate.locale == locale)
            & (MailTemplate.scope == scope)
        )
        .returning(MailTemplate.id)
    )
    if updated:
        return updated[0]["id"]
    row = MailTemplate(
        key=key,
        locale=locale,
        scope=scope,
        subject=source.subject,
        body=source.body,
        updated_by=user.id,
        updated_at=clock.now(),
    )
    await row.save()
    return row.id


async def reset(user, key: str, locale: str, scope: str = "") -> bool:
    """Back to the default (for a call: back to the version for every call); audited. False when
    there was no version of staff's to remove."""
    _check(user, key, locale)
    async with db.write_transaction():
        removed = (
            await MailTemplate.delete()
            .where(
                (MailTemplate.key == key)
                & (MailTemplate.locale == locale)
                & (MailTemplate.scope == scope)
            )
            .returning(MailTemplate.id)
        )
        if removed:
            await record(
                "mail_template.reset",
                actor=user,
                object_type="mail_template",
                object_id=removed[0]["id"],
                payload={"key": key, "locale": locale, **({"call": scope} if scope else {})},
            )
    return bool(removed)
