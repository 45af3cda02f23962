"""Every mail the portal sends, rendered one way: staff's version for the mail's call, else staff's
version for every call, else the shipped default.

A default is ``templates/mail/<key>.<locale>.md`` (a city's theme may ship its own): the first
line ``subject: …``, a line ``---``, then the body in Markdown with ``{{ placeholders }}`` and
simple ``{% if %}``/``{% for %}``. Staff's versions (MailTemplate rows) have the same two parts.
Both render in the sandbox (challenge.platform.mail.sandbox):

- the plain-text part is the rendered Markdown source with the portal's footer (mail/_layout.txt);
- the HTML part is the same source rendered with every value escaped for Markdown, turned into
  HTML by render_markdown (no raw HTML, sanitised) inside mail/_layout.html. Line breaks stay as
  in the plain text.

A staff version that fails when a mail is sent (saving refuses what fails with the preview's
values, see editing.py) gives way to the default: a mail is never lost to a template. A mail
that has no Markdown default yet (``<key>.txt`` and ``<key>.html`` with gettext, the format
before) is rendered the old way and cannot be edited.
"""

from __future__ import annotations

import logging
import re
import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import msgspec
from jinja2 import TemplateNotFound, meta
from markupsafe import Markup

from challenge.platform import theme
from challenge.platform.i18n import DEFAULT_LOCALE, LOCALES
from challenge.platform.mail import sandbox
from challenge.platform.mail.tables import MailTemplate
from challenge.platform.markdown import render_markdown
from challenge.platform.templating import environment
from challenge.platform.templating import render as render_file

logger = logging.getLogger("challenge.mail")

SUBJECT_MAX = 300  # OutboxMail.subject is a Varchar(300)
WRAP_WIDTH = 72
CONTEXT_LIMIT = 20_000  # characters of a mail's values kept for the preview
# placeholders every mail has, whether its default names them or not
COMMON = frozenset({"authority", "base_url"})
_SECRET = re.compile(r"((?:token|code|key)=)[^&#\"\s\\]+", re.IGNORECASE)
# a one-time token as a path segment (unsubscribe links): long, random, not a UUID
_TOKEN_IN_PATH = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=[/?#\"]|$)")
_UUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_ITEM = re.compile(r"\s*([-*+]|\d{1,9}[.)])(\s|$)")


@dataclass(frozen=True)
class Source:
    """One mail in one language as written: its subject line and its Markdown body."""

    subject: str
    body: str

    def text(self) -> str:
        """The file form: ``subject: …``, ``---``, the body."""
        return f"subject: {self.subject}\n---\n{self.body}"


def parse_source(text: str) -> Source:
    """A default's file form as its two parts (ValueError when it lacks the subject line)."""
    first, _, rest = text.partition("\n")
    separator, _, body = rest.partition("\n")
    if not first.startswith("subject:") or separator.strip() != "---":
        raise ValueError("a mail template starts with 'subject: …' and a line '---'")
    return Source(first.removeprefix("subject:").strip(), body)


def _file(name: str) -> str | None:
    env = environment()
    try:
        return env.loader.get_source(env, name)[0]
    except TemplateNotFound:
        return None


@cache
def default_source(key: str, locale: str) -> Source | None:
    """The shipped default of a mail in a language, or None (not a Markdown mail)."""
    text = _file(f"mail/{key}.{locale}.md") if re.fullmatch(r"[a-z0-9_]+", key) else None
    return parse_source(text) if text is not None else None


@cache
def mail_keys() -> tuple[str, ...]:
    """Every mail with a Markdown default, in a stable order."""
    names = environment().list_templates(filter_func=lambda n: n.startswith("mail/"))
    found = {n[5:].split(".")[0] for n in names if n.endswith(".md") and n.count(".") == 2}
    return tuple(sorted(k for k in found if all(default_source(k, lo) for lo in LOCALES)))


@cache
def placeholders(key: str) -> frozenset[str]:
    """The values a mail's defaults use (in either language), and the common ones."""
    env = sandbox.sandbox(html=False, strict=False)
    found = set(COMMON)
    for locale in LOCALES:
        source = default_source(key, locale)
        for part in (source.subject, source.body) if source else ():
            found |= meta.find_undeclared_variables(env.parse(part))
    return frozenset(found - {"locale"})


def _values(locale: str, context: dict) -> dict:
    values = {k: v for k, v in context.items() if k not in ("locale", "subject")}
    values.setdefault("authority", theme.current().authority_in(locale))
    return {**values, "locale": locale}


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


def keep_line_breaks(markdown: str) -> str:
    """Markdown whose lines break where the plain text's do: a hard break (two spaces) at the end
    of every line another follows, and a list ends at the first unindented line that is no item
    (Markdown would run it into the last item); fenced code stays as it is."""
    lines, out = markdown.split("\n"), []
    fenced = in_list = False
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        in_list = bool(_LIST_ITEM.match(line)) or (in_list and bool(line.strip()))
        if fenced or not line.strip() or not following.strip():
            out.append(line)
            continue
        out.append(line if line.endswith(("\\", "  ")) else line + "  ")
        if in_list and not _LIST_ITEM.match(following) and not following[:1].isspace():
            out.append("")
            in_list = False
    return "\n".join(out)


def _one_line(text: str) -> str:
    # A header value must be one line: a stray newline from a value cannot inject one.
    return " ".join(text.split())[:SUBJECT_MAX]


def render_subject(subject: str, *, locale: str, context: dict, strict: bool = False) -> str:
    """A subject line rendered in the sandbox: one line, not empty (else TemplateRefused)."""
    line = _one_line(sandbox.render(subject, _values(locale, context), html=False, strict=strict))
    if not line:
        raise sandbox.TemplateRefused("The subject is empty.")
    return line


@dataclass(frozen=True)
class Rendered:
    """A rendered mail: subject, plain text, the HTML of its body alone (``content``, for the
    editor's preview) and the whole HTML part."""

    subject: str
    text: str
    content: Markup
    html: str


def render_parts(source: Source, *, locale: str, context: dict, strict: bool = False) -> Rendered:
    """A template rendered in the sandbox; ``strict`` (saving, preview) refuses undefined values.
    Raises what the template raises (sandbox.TemplateRefused, jinja2 errors, …)."""
    values = _values(locale, context)
    subject = render_subject(source.subject, locale=locale, context=context, strict=strict)
    text = sandbox.render(source.body, values, html=False, strict=strict)
    markdown = sandbox.render(source.body, values, html=True, strict=strict)
    content = render_markdown(keep_line_breaks(markdown))
    frame = {"locale": locale, "subject": subject}
    if "base_url" in values:
        frame["base_url"] = values["base_url"]
    plain = render_file("mail/_layout.txt", content=text, **frame)
    html = render_file("mail/_layout.html", content=content, **frame)
    return Rendered(subject, _wrap(plain.lstrip("\n").partition("\n")[2]), content, html)


def render_source(
    source: Source, *, locale: str, context: dict, strict: bool = False
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a template (see render_parts)."""
    rendered = render_parts(source, locale=locale, context=context, strict=strict)
    return rendered.subject, rendered.text, rendered.html


def _render_legacy(key: str, locale: str, context: dict) -> tuple[str, str, str]:
    """A mail in the format before: <key>.txt (subject on its first line) and <key>.html."""
    values = {k: v for k, v in context.items() if k not in ("locale", "subject")}
    rendered = render_file(f"mail/{key}.txt", locale=locale, **values)
    first, _, body = rendered.lstrip("\n").partition("\n")
    subject = _one_line(first)
    if not subject:
        raise ValueError(f"mail/{key}.txt renders no subject on its first line")
    html = render_file(f"mail/{key}.html", locale=locale, subject=subject, **values)
    return subject, _wrap(body), html


def render(
    key: str, *, locale: str, context: dict, override: Source | None = None
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a mail: staff's version if given and it renders, else the
    default."""
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    if override is not None:
        try:
            return render_source(override, locale=locale, context=context)
        except Exception:
            logger.warning("staff's template %s/%s failed; the default is sent", key, locale)
    source = default_source(key, locale)
    if source is None:
        return _render_legacy(key, locale, context)
    return render_source(source, locale=locale, context=context)


async def override_for(key: str, locale: str, scope: str = "") -> Source | None:
    """Staff's version of a mail for the call ``scope`` (its id), else for every call, or None."""
    rows = await MailTemplate.select(
        MailTemplate.scope, MailTemplate.subject, MailTemplate.body
    ).where(
        (MailTemplate.key == key)
        & (MailTemplate.locale == locale)
        & MailTemplate.scope.is_in(list({scope, ""}))
    )
    row = min(rows, key=lambda r: r["scope"] != scope, default=None)
    return Source(row["subject"], row["body"]) if row else None


def stored_context(context: dict) -> str:
    """A mail's values as JSON for later previews: dates as ISO text, one-time tokens in links
    blanked, nothing when they are too long."""
    try:
        text = msgspec.json.encode(context, enc_hook=str).decode()
    except (TypeError, ValueError, msgspec.EncodeError):
        return "{}"
    text = _TOKEN_IN_PATH.sub(_blank_token, _SECRET.sub(r"\1xxxxx", text))
    return text if len(text) <= CONTEXT_LIMIT else "{}"


def _blank_token(match: re.Match) -> str:
    return match.group(0) if _UUID.fullmatch(match.group(0)) else "xxxxx"


def _revive(value):
    if isinstance(value, dict):
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    try:
        if isinstance(value, str) and _DATETIME.fullmatch(value):
            return datetime.fromisoformat(value)
        if isinstance(value, str) and _DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    return value


def revived_context(text: str) -> dict:
    """Stored values back as the mail had them (ISO dates as dates)."""
    try:
        value = msgspec.json.decode(text or "{}")
    except msgspec.DecodeError:
        return {}
    return _revive(value) if isinstance(value, dict) else {}
