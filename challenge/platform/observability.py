"""Structured logs and request ids: every request gets an id (a sane incoming X-Request-ID is
kept, else a new one), the response carries it, and every log line written while handling the
request includes it. Logs are one JSON object per line (CHALLENGE_LOG_FORMAT=json) or readable
text lines (text); unset, the format follows the log stream: text on a terminal, JSON otherwise
(a log collector, a pipe, a file)."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from contextvars import ContextVar
from datetime import UTC, datetime

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access = logging.getLogger("challenge.access")


class RequestIdMiddleware:
    """Outermost ASGI middleware: request id in, request id out, one access log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = (
            dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        )
        rid = incoming if _VALID.match(incoming) else secrets.token_hex(12)
        token = request_id.set(rid)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if not scope["path"].startswith(("/static/", "/healthz", "/metrics")):
                access.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            request_id.reset(token)


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            entry["request_id"] = rid
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """One readable line: local time, level, logger, message (and the request id)."""

    def format(self, record: logging.LogRecord) -> str:
        rid = request_id.get()
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{when} {record.levelname:<7} {record.name}: {record.getMessage()}" + (
            f" [request {rid}]" if rid else ""
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def log_format(settings, stream) -> str:
    """json or text: CHALLENGE_LOG_FORMAT when set, else text when the stream is a terminal."""
    if settings.log_format is not None:
        return settings.log_format
    isatty = getattr(stream, "isatty", None)
    try:
        return "text" if isatty is not None and isatty() else "json"
    except ValueError:  # a closed stream
        return "json"


def configure_logging(settings, stream=None) -> None:
    """One handler on the root logger for the portal, uvicorn and libraries alike (on stderr
    unless another stream is given)."""
    handler = logging.StreamHandler(stream)
    text = log_format(settings, handler.stream) == "text"
    handler.setFormatter(TextFormatter() if text else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # Libraries that narrate their work at INFO (every PDF step, qpdf's logger bridge) would
    # bury the portal's own lines, the demo logins among them.
    for chatty in ("piccolo", "weasyprint", "fontTools", "pikepdf"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger(
        "uvicorn.access"
    ).disabled = True  # challenge.access logs requests, with their id
