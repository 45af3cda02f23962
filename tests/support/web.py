"""Helpers for tests that act like a browser or an API client: CSRF, logins, users, mails."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from email.message import EmailMessage
from pathlib import Path

import httpx

from challenge.platform.accounts.passwords import hash_password
from challenge.platform.accounts.tables import RoleGrant, User

PASSWORD = "Korrekt-Pferd-Batterie-42"
_HASH = hash_password(PASSWORD)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


async def make_user(
    *,
    email: str | None = None,
    roles: tuple[str, ...] = (),
    verified: bool = True,
    name: str = "Erika Mustermann",
    locale: str = "de",
    affiliation: str = "",
) -> dict:
    """A user with PASSWORD, directly in the database."""
    from datetime import UTC, datetime

    user = User(
        email=email or unique_email(),
        name=name,
        locale=locale,
        affiliation=affiliation,
        password_hash=_HASH,
        email_verified_at=datetime.now(UTC) if verified else None,
    )
    await user.save()
    for role in roles:
        await RoleGrant(user=user.id, role=role).save()
    return {"id": user.id, "email": user.email, "name": name}


async def csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token a browser would have after loading any page."""
    if not client.cookies.get("csrftoken"):
        await client.get("/healthz")  # excluded from the middleware: load a real page instead
        await client.get("/impressum")
    return client.cookies["csrftoken"]


async def post_form(client: httpx.AsyncClient, url: str, data: dict, **kwargs) -> httpx.Response:
    token = await csrf(client)
    return await client.post(url, data={**data, "_csrf_token": token}, **kwargs)


async def api(
    client: httpx.AsyncClient, method: str, url: str, json=None, **kwargs
) -> httpx.Response:
    """A cookie-authenticated API call sending the CSRF header like the portal's JS would."""
    headers = dict(kwargs.pop("headers", {}))
    if method.upper() not in ("GET", "HEAD", "OPTIONS"):
        headers["x-csrftoken"] = await csrf(client)
    return await client.request(method, url, json=json, headers=headers, **kwargs)


async def login(
    client: httpx.AsyncClient, user_email: str, password: str = PASSWORD
) -> httpx.Response:
    response = await api(
        client, "POST", "/api/v1/auth/login", {"email": user_email, "password": password}
    )
    assert response.status_code == 200, response.text
    return response


def spooled_mails(mail_dir: Path, to: str | None = None) -> list[EmailMessage]:
    """Mails delivered into the spool (for one recipient, if given), oldest first."""
    mails = []
    for path in sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to is None or message["To"] == to:
            mails.append(message)
    return mails


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage, path: str) -> str:
    """The first link in the mail's text that points at path (e.g. /account/verify)."""
    match = re.search(rf"https?://[^\s]+{re.escape(path)}[^\s]*", text_of(message))
    assert match, f"no {path} link in: {text_of(message)}"
    return match.group(0)
