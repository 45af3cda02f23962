"""Who may read a document: decided by the domain that owns it.

Each domain names its readers, namers and redactions per owner type in its Domain record
(``document_readers``, ``document_namers``, ``document_redactions``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.domains import each

Reader = Callable[[CurrentUser | None, dict], Awaitable[bool]]
Namer = Callable[[CurrentUser | None, dict], Awaitable[str | None]]
Redaction = Callable[[CurrentUser | None, dict], Awaitable[bool]]


def _find(attribute: str, owner_type: str) -> Callable | None:
    for _domain, hooks in each(attribute):
        if owner_type in hooks:
            return hooks[owner_type]
    return None


async def may_read(user: CurrentUser | None, document: dict) -> bool:
    """Public documents, or whom the owning domain's reader admits."""
    if document.get("public"):
        return True
    reader = _find("document_readers", document["owner_type"])
    return reader is not None and await reader(user, document)


async def library_reader(user: CurrentUser | None, document: dict) -> bool:
    """A person's own library: only they read it."""
    return user is not None and str(user.id) == document["owner_id"]


def may_manage_library(user: CurrentUser | None, document: dict) -> bool:
    """Only the owner changes their library."""
    return (
        user is not None
        and document["owner_type"] == "user"
        and str(user.id) == document["owner_id"]
    )


async def display_filename(user: CurrentUser | None, document: dict) -> str:
    """The file name this reader sees (a domain may hide the real one, e.g. blind review)."""
    namer = _find("document_namers", document["owner_type"])
    return (await namer(user, document) if namer else None) or document["filename"]


async def reads_redacted(user: CurrentUser | None, document: dict) -> bool:
    """Whether this reader gets the file without identifying metadata (e.g. jurors)."""
    redacted = _find("document_redactions", document["owner_type"])
    return redacted is not None and await redacted(user, document)
