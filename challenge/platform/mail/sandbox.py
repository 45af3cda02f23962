"""The Jinja sandbox mail templates render in: staff write them, so nothing in one may reach a file,
an object's internals or run without bound.

- ImmutableSandboxedEnvironment: no attribute starting with "_", no mutating methods; no loader,
  so no file can be included, imported or extended (such tags are refused before that, too).
- Only plain tags: ``{% if %}``, ``{% for %}`` (not recursive), output and comments; no macros,
  blocks, ``{% set %}`` or ``{% with %}`` (``check``).
- No globals but a small ``range``; nothing may be called but it (no methods, no cycler, joiner,
  lipsum or namespace); only the filters in FILTERS.
- Bounds: the source's length, every loop's iterations together (LOOP_BUDGET), repeated strings
  and big numbers (``*``, ``**``), string formatting with ``%`` refused, the output's length
  (OUTPUT_LIMIT) and the time one render may take (TIME_LIMIT).

Two ways to print a value (``finalize``): as it is (the plain-text part, the subject), or
escaped for Markdown (the HTML part, see markdown_value), so a value shows as the text it is.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from functools import cache, lru_cache

from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from challenge.platform import i18n

SOURCE_LIMIT = 20_000  # characters of one template (subject or body)
OUTPUT_LIMIT = 100_000  # characters one render may write
LOOP_BUDGET = 10_000  # loop iterations of one render, all loops together
SEQUENCE_LIMIT = 1_000  # length of a string or list made by "*"
BITS_LIMIT = 4_096  # size of a number made by "*" or "**"
TIME_LIMIT = 1.0  # seconds one render may take

ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.For,
    nodes.Name,
    nodes.Const,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.Filter,
    nodes.Test,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.Pow,
    nodes.Call,
    nodes.Keyword,
    nodes.List,
    nodes.Tuple,
)
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.ASCII)

_budget: ContextVar[list] = ContextVar("mail_template_budget")


class TemplateRefused(Exception):
    """A mail template that may not be used: ``message`` is a msgid with ``%(…)s`` variables."""

    def __init__(self, message: str, line: int | None = None, **variables: object) -> None:
        super().__init__(message % variables if variables else message)
        self.message = message
        self.line = line
        self.variables = variables


class Verbatim(str):
    """Markdown a mail passes on as Markdown (an announcement's body), not as text: the HTML
    part still sanitises it (render_markdown)."""


def markdown_value(value: object) -> str:
    """A value for the HTML part's Markdown: a whole web address as a link, Verbatim as it is,
    anything else escaped so that it shows as the text it is (no markup, no link, no list)."""
    if isinstance(value, Verbatim):
        return str(value)
    text = "" if value is None or isinstance(value, Undefined) else str(value)
    if isinstance(value, LinkValue) and _URL.fullmatch(text):
        return f"<{text}>"
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # continuation lines unindented: four spaces would start a code block
    return "\n".join(
        _PUNCTUATION.sub(r"\\\1", line if i == 0 else line.lstrip()) for i, line in enumerate(lines)
    )


class LinkValue(str):
    """A value the portal put in as a link (its name ends in "link" or "url"): a whole web address
    of it becomes a link in the HTML part. Any other value — a proposal titled with a URL — stays
    text, so nobody can make the city's mail carry their link."""


def _mark_links(value: object, name: str = "") -> object:
    if isinstance(value, str) and name.endswith(("link", "url")):
        return LinkValue(value)
    if isinstance(value, dict):
        return {key: _mark_links(item, str(key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mark_links(item) for item in value]
    return value


def _plain_value(value: object) -> object:
    return "" if value is None else value


def _tick() -> None:
    budget = _budget.get(None)
    if budget is None:
        return
    budget[0] += 1
    if budget[0] > LOOP_BUDGET:
        raise TemplateRefused("Loops repeat more than %(limit)s times.", limit=LOOP_BUDGET)
    if time.monotonic() > budget[1]:
        raise TemplateRefused("The template takes too long to render.")


def _loop(iterable: Iterable) -> Iterator:
    """Every ``{% for %}`` iterates through this: it counts against the render's budget."""
    for item in iterable:
        _tick()
        yield item


def _range(*args: int) -> range:
    """A range whose length counts against the render's loop budget when it is made: the numbers
    of all ranges and the iterations of all loops of one render together stay in LOOP_BUDGET, so
    nothing built from ranges (lists, their text) can grow beyond it."""
    numbers = range(*args)
    if len(numbers) > LOOP_BUDGET:
        raise TemplateRefused("Loops repeat more than %(limit)s times.", limit=LOOP_BUDGET)
    budget = _budget.get(None)
    if budget is not None:
        budget[0] += len(numbers)
        if budget[0] > LOOP_BUDGET:
            raise TemplateRefused("Loops repeat more than %(limit)s times.", limit=LOOP_BUDGET)
    return numbers


_SCALARS = (str, int, float, bool, type(None))


def _bits(value: object) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


class MailSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with the bounds above."""

    intercepted_binops = frozenset({"*", "**", "%"})
    callables = frozenset({_range, _loop})

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        """Only the sandbox's own functions may be called: no methods, no other globals."""
        if __obj not in __self.callables:
            raise SecurityError(f"{getattr(__obj, '__name__', 'this')} may not be called")
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        """``*`` and ``**`` within bounds; ``%`` only between numbers (no string formatting)."""
        _tick_time()
        if operator == "%":
            if isinstance(left, str):
                raise TemplateRefused("Formatting strings with the percent sign is not available.")
            return left % right
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    # a list of lists repeated is a list of the same big lists: refused
                    nested = not isinstance(seq, str) and any(
                        not isinstance(item, _SCALARS) for item in seq
                    )
                    if nested or len(seq) * times > SEQUENCE_LIMIT:
                        raise TemplateRefused("A value in the template grows too long.")
            if _bits(left) + _bits(right) > BITS_LIMIT:
                raise TemplateRefused("A number in the template grows too big.")
            return left * right
        if isinstance(right, int) and _bits(left) * max(right, 0) > BITS_LIMIT:
            raise TemplateRefused("A number in the template grows too big.")
        return left**right


def _tick_time() -> None:
    budget = _budget.get(None)
    if budget is not None and time.monotonic() > budget[1]:
        raise TemplateRefused("The template takes too long to render.")


FILTERS = (
    "abs capitalize count d default first float int join last length list lower max min reverse "
    "round sort string title trim truncate unique upper wordcount"
).split()
PORTAL_FILTERS = {
    "date": i18n.jinja_date,
    "datetime": i18n.jinja_datetime,
    "money": i18n.jinja_money,
    "number": i18n.jinja_number,
    "percent": i18n.jinja_percent,
    "translated": i18n.jinja_translate_data,
    "markdown": Verbatim,
}


@cache
def sandbox(html: bool, strict: bool) -> MailSandbox:
    """The sandbox for the HTML part's Markdown (values escaped) or for plain text; ``strict``
    (saving) refuses any undefined value, sending prints nothing for one."""
    env = MailSandbox(
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined if strict else Undefined,
        finalize=markdown_value if html else _plain_value,
    )
    env.filters = {name: env.filters[name] for name in FILTERS} | PORTAL_FILTERS
    env.globals = {"range": _range}
    return env


def check(tree: nodes.Template) -> None:
    """Refuse every tag and expression a mail template has no need of (TemplateRefused)."""
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            raise TemplateRefused(
                "“%(what)s” is not available in mail templates.",
                node.lineno,
                what=_tag_name(node),
            )
        if isinstance(node, nodes.For) and node.recursive:
            raise TemplateRefused("Recursive loops are not available.", node.lineno)
        if isinstance(node, nodes.Call) and not (
            isinstance(node.node, nodes.Name) and node.node.name == "range"
        ):
            raise TemplateRefused("Only range() may be called.", node.lineno)
        name = _reached_name(node)
        if name.startswith("_") or (isinstance(node, nodes.Name) and name == "self"):
            raise TemplateRefused(
                "“%(what)s” is not available in mail templates.", node.lineno, what=name
            )


def _reached_name(node: nodes.Node) -> str:
    """The name a variable, attribute or constant item reaches ("" for other nodes)."""
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return str(node.arg.value)
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Name):
        return node.name
    return ""


def _tag_name(node: nodes.Node) -> str:
    names = {
        "Include": "include",
        "Import": "import",
        "FromImport": "from … import",
        "Extends": "extends",
        "Macro": "macro",
        "CallBlock": "call",
        "Block": "block",
        "Assign": "set",
        "AssignBlock": "set",
        "With": "with",
        "FilterBlock": "filter",
    }
    return names.get(type(node).__name__, type(node).__name__)


def _guard_loops(tree: nodes.Template) -> nodes.Template:
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(nodes.Name("_loop", "load"), [loop.iter], [], None, None)
        loop.iter.set_lineno(loop.lineno)
    return tree


@lru_cache(maxsize=256)
def compiled(source: str, html: bool, strict: bool):
    """The template for this source (checked, its loops counted), cached; TemplateRefused or
    jinja2.TemplateSyntaxError when it may not or cannot be used."""
    if len(source) > SOURCE_LIMIT:
        raise TemplateRefused(
            "The template is longer than %(limit)s characters.", limit=SOURCE_LIMIT
        )
    env = sandbox(html, strict)
    tree = env.parse(source)
    check(tree)
    template = env.from_string(_guard_loops(tree))
    template.globals["_loop"] = _loop
    return template


def render(source: str, values: dict, *, html: bool, strict: bool) -> str:
    """Render within the bounds; TemplateRefused when one is crossed."""
    template = compiled(source, html, strict)
    token = _budget.set([0, time.monotonic() + TIME_LIMIT])
    values = _mark_links(values)
    try:
        parts, size = [], 0
        for part in template.generate(values):
            size += len(part)
            if size > OUTPUT_LIMIT:
                raise TemplateRefused(
                    "The mail would be longer than %(limit)s characters.", limit=OUTPUT_LIMIT
                )
            parts.append(part)
        return "".join(parts)
    finally:
        _budget.reset(token)
