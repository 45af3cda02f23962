"""The messages domain is built in three parts (threads and information requests; notification
settings and mail delivery; announcements), each in its own modules. Each part says what it adds
as a :class:`Part`; ``challenge.messages.domain`` merges them into the one Domain record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Part:
    """One part's contributions, with the meaning of the Domain fields of the same names."""

    routers: Sequence[Any] = ()
    periodic: Sequence[Callable[..., Awaitable[object]]] = ()
    job_handlers: Mapping[str, Callable] = field(default_factory=dict)
    document_readers: Mapping[str, Callable] = field(default_factory=dict)
    document_namers: Mapping[str, Callable] = field(default_factory=dict)
    document_redactions: Mapping[str, Callable] = field(default_factory=dict)
    thread_subjects: Mapping[str, Callable] = field(default_factory=dict)
    statuses: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    nav_links: Sequence[tuple[str, str, tuple[str, ...]]] = ()
    staff_call_links: Sequence[tuple[str, str]] = ()
    retention: Sequence[Callable[..., Awaitable[int]]] = ()
    # dashboard(user, locale) -> panels; privacy_export(user_id) -> dict (merged into the
    # domain's section); privacy_erase(user_id, address) -> {kind: rows removed}
    dashboard: Callable[..., Awaitable[list[dict]]] | None = None
    privacy_export: Callable[..., Awaitable[dict]] | None = None
    privacy_erase: Callable[..., Awaitable[dict]] | None = None
    # hooks into earlier stages, as the Domain fields of the same names: the lists (and the
    # submissions_links maps) of every part are joined
    submission_links: Callable[..., Awaitable[list]] | None = None
    submissions_links: Callable[..., Awaitable[dict]] | None = None
    submission_notices: Callable[..., Awaitable[list[dict]]] | None = None
    review_extras: Callable[..., Awaitable[list[dict]]] | None = None
