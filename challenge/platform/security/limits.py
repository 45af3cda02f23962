"""Request limits every route shares, checked before any handler reads the input.

- Body size: small bodies (JSON, forms) at most ``max_body`` bytes; the streaming upload
  routes (``request_max_body_size=None``) at most the upload limit plus room for fields.
  Multipart bodies go only to those upload routes. Too much → 413 ``payload_too_large``.
- Body time: a body that stalls for ``idle_seconds``, trickles below ``min_rate`` bytes per
  second after ``grace_seconds``, or takes longer than ``total_seconds`` → 408 ``request_timeout``.
- JSON nested deeper than ``max_depth`` → 400 ``json_too_deep`` (msgspec would recurse
  until Python's stack gives out).
- Text: every decoded JSON string (keys too), form field and query value at most
  ``max_text`` characters, and free of NUL and other control characters (tab, LF and CR
  pass; multi-line fields need them) and of lone surrogates, which PostgreSQL refuses
  → 422 ``validation_error`` naming the field. A path with such characters names nothing
  → 404 ``not_found`` (a malformed token in a feed address is just an unknown address).
- Money: a JSON ``*_cents`` field is a JSON integer (not "100", 1e3 or 100.0) within
  ``MAX_CENTS`` → 422 ``validation_error``.
- Types (``strict_json_body``, a before-request hook, so it runs after the guards: who may not
  use a route learns nothing about its body): a JSON body is decoded strictly against the type
  the route declares for it (Litestar converts bodies leniently: "100" would pass as 100 and
  "true" as a boolean) → 422 ``validation_error`` naming the field.
- Requests without a body (GET, HEAD, OPTIONS without a length) pass untouched: a stray
  content type on them (httpx keeps it when following a redirect) is no upload.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl
from uuid import UUID

import msgspec
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from challenge.platform.i18n import N_
from challenge.platform.money import MAX_CENTS
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.security.bodies import read_body, replay

MB = 1024 * 1024
MAX_BODY = 2 * MB
UPLOAD_SLACK = 1 * MB
MAX_DEPTH = 32
MAX_TEXT = 100_000
MAX_FORM_FIELDS = 500
IDLE_SECONDS = 30.0
GRACE_SECONDS = 10.0
MIN_RATE = 1024
TOTAL_SECONDS = 900.0

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")

# Length limits for schemas (msgspec Meta), each at most its database column (Varchar(n)):
# PostgreSQL refuses longer text with an error, SQLite would store it silently.
Name = Annotated[str, msgspec.Meta(max_length=200)]  # titles, names: Varchar(200)
Place = Annotated[str, msgspec.Meta(max_length=300)]  # places, URLs: Varchar(300)
Email = Annotated[str, msgspec.Meta(max_length=320)]
Reason = Annotated[str, msgspec.Meta(max_length=2_000)]  # a reason or a one-paragraph note
Comment = Annotated[str, msgspec.Meta(max_length=20_000)]  # comments, rationales, answers
LongText = Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]  # Markdown descriptions
T = TypeVar("T")

MSG_CONTROL = N_("This text contains characters that are not allowed (e.g. control characters).")
MSG_TOO_LONG = N_("This text is too long.")
MSG_CENTS = N_("Enter an amount as a whole number of cents.")
MSG_TOO_LARGE = N_("This amount is too large.")


def _invalid(field: str, message: str) -> Problem:
    return Problem(
        422,
        "validation_error",
        N_("Some fields are missing or invalid."),
        errors=[FieldError(field, message)],
    )


def too_large() -> Problem:
    return Problem(413, "payload_too_large", N_("The request is too large."))


def too_slow() -> Problem:
    return Problem(
        408, "request_timeout", N_("The request took too long to arrive. Please try again.")
    )


def check_text(value: str, field: str, max_text: int = MAX_TEXT) -> None:
    """Refuse text that is too long or holds control characters or lone surrogates."""
    if len(value) > max_text:
        raise _invalid(field, MSG_TOO_LONG)
    if FORBIDDEN.search(value):
        raise _invalid(field, MSG_CONTROL)


def validated(value: T) -> T:
    """A Struct a page form built, checked against its schema's limits as the JSON API checks them
    (building a Struct directly checks nothing)."""
    try:
        return msgspec.convert(
            msgspec.to_builtins(value, builtin_types=(datetime, date, UUID)), type(value)
        )
    except msgspec.ValidationError as error:
        text = str(error)
        raise _invalid(
            _field_of(error),
            MSG_TOO_LONG if "length" in text else N_("Some fields are missing or invalid."),
        ) from None


def _field_of(error: msgspec.ValidationError) -> str:
    """The field a msgspec error names (``$.milestones[0].title`` → ``milestones.0.title``)."""
    where = str(error).rpartition("at `$")[2].rstrip("`").lstrip(".")
    return re.sub(r"\[(\d+)\]", r".\1", where).replace("[...]", "").strip(".") or "body"


_STRICT_DECODERS: dict[Any, msgspec.json.Decoder | None] = {}


def strict_decoder(body_type: Any) -> msgspec.json.Decoder | None:
    """A strict JSON decoder for a route's body type (None where msgspec cannot build one)."""
    if body_type not in _STRICT_DECODERS:
        try:
            _STRICT_DECODERS[body_type] = msgspec.json.Decoder(body_type, strict=True)
        except (TypeError, ValueError):
            _STRICT_DECODERS[body_type] = None
    return _STRICT_DECODERS[body_type]


def _body_type(scope: Scope) -> Any:
    """The type the route handler declares for its ``data`` parameter, if any."""
    try:
        field = scope["route_handler"].parsed_fn_signature.parameters.get("data")
    except (KeyError, AttributeError):
        return None
    return None if field is None else field.annotation


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), without recursion."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_json(value: Any, path: str = "", max_text: int = MAX_TEXT) -> None:
    """Walk decoded JSON: text rules for every string, strict integers for ``*_cents``."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            check_text(item, where or "body", max_text)
        elif isinstance(item, dict):
            for key, child in item.items():
                key = str(key)
                check_text(key, where or "body", max_text)
                child_path = f"{where}.{key}" if where else key
                if key.endswith("_cents") and child is not None:
                    if type(child) is not int:
                        raise _invalid(child_path, MSG_CENTS)
                    if child > MAX_CENTS:
                        raise _invalid(child_path, MSG_TOO_LARGE)
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}.{index}" if where else str(index), child)
                for index, child in enumerate(item)
            )


def check_pairs(pairs: list[tuple[str, str]], max_text: int = MAX_TEXT) -> None:
    for key, value in pairs:
        check_text(key, key[:40], max_text)
        check_text(value, key, max_text)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _has_no_body(scope: Scope, length: str) -> bool:
    """A read-only request that announces no body."""
    return (
        scope["method"] in ("GET", "HEAD", "OPTIONS")
        and length in ("", "0")
        and not _header(scope, b"transfer-encoding")
    )


def _body_checked(scope: Scope, content_type: str) -> bool:
    """Form and JSON bodies of unsafe requests are read here and checked before the handler."""
    return scope["method"] not in ("GET", "HEAD", "OPTIONS") and (
        content_type == "application/x-www-form-urlencoded" or content_type.endswith("json")
    )


def _streams_uploads(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    resolve = getattr(handler, "resolve_request_max_body_size", None)
    return resolve is not None and resolve() is None


class RequestLimitsMiddleware(ASGIMiddleware):
    """See the module docstring; ``clock`` is injectable so tests need not wait."""

    def __init__(
        self,
        *,
        max_upload_bytes: int,
        max_body: int = MAX_BODY,
        max_depth: int = MAX_DEPTH,
        max_text: int = MAX_TEXT,
        idle_seconds: float = IDLE_SECONDS,
        grace_seconds: float = GRACE_SECONDS,
        min_rate: float = MIN_RATE,
        total_seconds: float = TOTAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_upload_body = max_upload_bytes + UPLOAD_SLACK
        self.max_body = max_body
        self.max_depth = max_depth
        self.max_text = max_text
        self.idle_seconds = idle_seconds
        self.grace_seconds = grace_seconds
        self.min_rate = min_rate
        self.total_seconds = total_seconds
        self.clock = clock

    def timed(self, receive: Receive, limit: int, expected: int | None = None) -> Receive:
        """``receive`` with the size cap and the body clock; after the body it passes through.
        Only time spent waiting for the client counts: a slow handler (a PDF, a slow storage
        backend) between two reads never makes the client look slow. The rate rule applies to
        bodies large enough to trickle (or of unknown length); a small body that stalls still
        meets the idle and total limits, and a busy event loop never makes it look slow."""
        rated = expected is None or expected > self.min_rate * self.grace_seconds
        waited = 0.0
        received = 0
        done = False

        async def limited() -> Message:
            nonlocal waited, received, done
            if done:
                return await receive()
            wait = min(self.idle_seconds, self.total_seconds - waited)
            if wait <= 0:
                raise too_slow()
            before = self.clock()
            try:
                message = await asyncio.wait_for(receive(), timeout=wait)
            except TimeoutError:
                raise too_slow() from None
            waited += self.clock() - before
            if message["type"] != "http.request":
                done = True
                return message
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large()
            if not message.get("more_body", False):
                done = True
                return message
            if waited > self.total_seconds or (
                rated and waited > self.grace_seconds and received < self.min_rate * waited
            ):
                raise too_slow()
            return message

        return limited

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        self.check_address(scope)
        length = _header(scope, b"content-length")
        if _has_no_body(scope, length):
            await next_app(scope, receive, send)
            return
        content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
        limit = self.body_limit(scope, content_type)
        if length.isdigit() and int(length) > limit:
            raise too_large()
        receive = self.timed(receive, limit, int(length) if length.isdigit() else None)
        if not _body_checked(scope, content_type):
            await next_app(scope, receive, send)
            return
        body, messages = await read_body(receive)  # ``timed`` already caps its size
        self.check_body(content_type, body)
        await next_app(scope, replay(messages, receive), send)

    def check_address(self, scope: Scope) -> None:
        """The path and query hold no control characters and no overlong texts."""
        path = scope.get("path", "")
        if len(path) > self.max_text or FORBIDDEN.search(path):
            raise not_found()  # no address holds control characters: nothing is there
        query = scope.get("query_string", b"")
        if query:
            check_pairs(
                parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True), self.max_text
            )

    def body_limit(self, scope: Scope, content_type: str) -> int:
        """The largest body the route takes: uploads only where the route streams them."""
        streaming = _streams_uploads(scope)
        if content_type == "multipart/form-data" and not streaming:
            raise Problem(415, "unsupported_media_type", N_("This address takes no file uploads."))
        return self.max_upload_body if streaming else self.max_body

    def check_body(self, content_type: str, body: bytes) -> None:
        if not body.strip():
            return
        if content_type == "application/x-www-form-urlencoded":
            try:
                pairs = parse_qsl(
                    body.decode("utf-8", "replace"),
                    keep_blank_values=True,
                    max_num_fields=MAX_FORM_FIELDS,
                )
            except ValueError:
                raise Problem(413, "too_many_fields", N_("The form has too many fields.")) from None
            check_pairs(pairs, self.max_text)
            return
        if json_depth(body) > self.max_depth:
            raise Problem(
                400,
                "json_too_deep",
                N_("The JSON document is nested too deeply."),
                extra={"max_depth": self.max_depth},
            )
        try:
            value = msgspec.json.decode(body)
        except msgspec.DecodeError:
            return  # Litestar answers malformed JSON with its own 400
        check_json(value, max_text=self.max_text)


async def strict_json_body(request) -> None:
    """Before-request hook: the JSON body decoded strictly against the route's ``data`` type."""
    body_type = _body_type(request.scope)
    if body_type is None:
        return None
    if not request.headers.get("content-type", "").split(";")[0].strip().lower().endswith("json"):
        return None
    decoder = strict_decoder(body_type)
    if decoder is None:
        return None
    body = await request.body()
    if not body.strip():
        return None
    try:
        decoder.decode(body)
    except msgspec.ValidationError as error:
        raise _invalid(
            _field_of(error), N_("This value has the wrong type or is out of range.")
        ) from None
    except msgspec.DecodeError:
        return None  # Litestar answers malformed JSON with its own 400
    return None
