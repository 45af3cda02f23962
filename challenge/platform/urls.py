"""Redirect targets: only same-site relative paths are accepted."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """Return target if it is a same-site relative path, else default (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def way_back(path: str, query: str) -> str:
    """A page's path and query as a way back to it (the language switch, the login redirect):
    the query kept, a form's CSRF token never (it must not end up in an address)."""
    kept = urlencode(
        [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "_csrf_token"]
    )
    return path + (f"?{kept}" if kept else "")
