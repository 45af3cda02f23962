"""A domain built in parts: each part says what it adds as a :class:`Part`, and
:func:`assemble` merges the parts into the domain's one Domain record (challenge.messages and
challenge.participation are built this way, so helpers of each part never share a file)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from challenge.platform.domains import Domain


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
    public_links: Sequence[tuple[str, str]] = ()
    nav_links: Sequence[tuple[str, str, tuple[str, ...]]] = ()
    staff_call_links: Sequence[tuple[str, str]] = ()
    retention: Sequence[Callable[..., Awaitable[int]]] = ()
    # dashboard(user, locale) -> panels; privacy_export(user_id) -> dict (merged into the
    # domain's section); privacy_erase(user_id, address) -> {kind: rows removed}; demo(settings)
    # -> rows added (the parts' demos run in order)
    dashboard: Callable[..., Awaitable[list[dict]]] | None = None
    privacy_export: Callable[..., Awaitable[dict]] | None = None
    privacy_erase: Callable[..., Awaitable[dict]] | None = None
    demo: Callable[..., Awaitable[int]] | None = None
    # hooks into earlier stages, as the Domain fields of the same names: the lists (and the
    # submissions_links maps) of every part are joined
    submission_links: Callable[..., Awaitable[list]] | None = None
    submissions_links: Callable[..., Awaitable[dict]] | None = None
    submission_notices: Callable[..., Awaitable[list[dict]]] | None = None
    review_extras: Callable[..., Awaitable[list[dict]]] | None = None


def _merged(parts: Sequence[Part], name: str) -> dict:
    merged: dict = {}
    for part in parts:
        merged.update(getattr(part, name))
    return merged


def _joined(parts: Sequence[Part], name: str) -> list:
    return [item for part in parts for item in getattr(part, name)]


def _each(parts: Sequence[Part], name: str) -> list:
    return [getattr(part, name) for part in parts if getattr(part, name) is not None]


def _joined_hook(parts: Sequence[Part], name: str):
    """One hook of the parts that set ``name``, joining their lists (None when none sets it)."""
    hooks = _each(parts, name)
    if not hooks:
        return None

    async def joined(*args) -> list:
        return [item for hook in hooks for item in await hook(*args)]

    return joined


def _dict_hook(parts: Sequence[Part], name: str):
    """One hook of the parts that set ``name``, merging their dicts (None when none sets it)."""
    hooks = _each(parts, name)
    if not hooks:
        return None

    async def merged(*args) -> dict:
        found: dict = {}
        for hook in hooks:
            found.update(await hook(*args))
        return found

    return merged


def _sum_hook(parts: Sequence[Part], name: str):
    """One hook running the parts' hooks in order and adding up their counts."""
    hooks = _each(parts, name)
    if not hooks:
        return None

    async def total(*args) -> int:
        return sum([await hook(*args) for hook in hooks])

    return total


def _merged_links(parts: Sequence[Part]):
    """The parts' submissions_links joined per proposal (None when no part sets it)."""
    hooks = _each(parts, "submissions_links")
    if not hooks:
        return None

    async def merged(user, submissions: list[dict]) -> dict:
        links: dict = {row["id"]: [] for row in submissions}
        for hook in hooks:
            for submission_id, found in (await hook(user, submissions)).items():
                links.setdefault(submission_id, []).extend(found)
        return links

    return merged


def assemble(name: str, parts: Sequence[Part]) -> Domain:
    """The domain's record: the parts' lists joined, their maps and hooks merged."""
    return Domain(
        name=name,
        routers=_joined(parts, "routers"),
        periodic=_joined(parts, "periodic"),
        retention=_joined(parts, "retention"),
        public_links=_joined(parts, "public_links"),
        nav_links=_joined(parts, "nav_links"),
        staff_call_links=_joined(parts, "staff_call_links"),
        job_handlers=_merged(parts, "job_handlers"),
        document_readers=_merged(parts, "document_readers"),
        document_namers=_merged(parts, "document_namers"),
        document_redactions=_merged(parts, "document_redactions"),
        thread_subjects=_merged(parts, "thread_subjects"),
        statuses=_merged(parts, "statuses"),
        dashboard=_joined_hook(parts, "dashboard"),
        privacy_export=_dict_hook(parts, "privacy_export"),
        privacy_erase=_dict_hook(parts, "privacy_erase"),
        demo=_sum_hook(parts, "demo"),
        submission_links=_joined_hook(parts, "submission_links"),
        submissions_links=_merged_links(parts),
        submission_notices=_joined_hook(parts, "submission_notices"),
        review_extras=_joined_hook(parts, "review_extras"),
    )
