"""Who may read a document: decided by the domain that owns it (a registry of readers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from challenge.platform.accounts.identity import CurrentUser

Reader = Callable[[CurrentUser | None, dict], Awaitable[bool]]
_READERS: dict[str, Reader] = {}


def register_reader(owner_type: str, reader: Reader) -> None:
    """A domain says who may read the documents it owns (e.g. "submission")."""
    _READERS[owner_type] = reader


async def may_read(user: CurrentUser | None, document: dict) -> bool:
    if document.get("public"):
        return True
    reader = _READERS.get(document["owner_type"])
    return reader is not None and await reader(user, document)


async def _library_reader(user: CurrentUser | None, document: dict) -> bool:
    return user is not None and str(user.id) == document["owner_id"]


def may_manage_library(user: CurrentUser | None, document: dict) -> bool:
    return user is not None and document["owner_type"] == "user" and str(user.id) == document["owner_id"]


register_reader("user", _library_reader)


Namer = Callable[[CurrentUser | None, dict], Awaitable[str | None]]
_NAMERS: dict[str, Namer] = {}


def register_namer(owner_type: str, namer: Namer) -> None:
    """A domain may hide a file's real name from some readers (e.g. blind review)."""
    _NAMERS[owner_type] = namer


async def display_filename(user: CurrentUser | None, document: dict) -> str:
    namer = _NAMERS.get(document["owner_type"])
    return (await namer(user, document) if namer else None) or document["filename"]


Redaction = Callable[[CurrentUser | None, dict], Awaitable[bool]]
_REDACTIONS: dict[str, Redaction] = {}


def register_redaction(owner_type: str, redacted: Redaction) -> None:
    """A domain says which readers get files without identifying metadata (e.g. jurors)."""
    _REDACTIONS[owner_type] = redacted


async def reads_redacted(user: CurrentUser | None, document: dict) -> bool:
    redacted = _REDACTIONS.get(document["owner_type"])
    return redacted is not None and await redacted(user, document)
