"""The plugin hook: packages that build on the portal (e.g. `partnerships`) register as the
entry point group ``challenge.extensions``, so `challenge` never imports them by name.

An extension is a function returning an :class:`Extension`: its routers, the periodic tasks the
workers run (called with the settings and the current time), and nothing else of the portal
needs to know about it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib.metadata import entry_points

log = logging.getLogger(__name__)
GROUP = "challenge.extensions"


@dataclass(frozen=True)
class Extension:
    name: str
    routers: list = field(default_factory=list)
    periodic: list[Callable[..., Awaitable[object]]] = field(default_factory=list)
    conflict_suggesters: list[Callable] = field(default_factory=list)  # see jury.conflicts.register_suggester
    privacy_export: Callable[..., Awaitable[dict]] | None = None  # privacy_export(user_id) -> its section
    demo: Callable[..., Awaitable[int]] | None = None  # demo(settings) -> rows added
    public_links: list[tuple[str, str]] = field(default_factory=list)  # main navigation: (path, label msgid)
    nav_links: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (path, label msgid, roles)


@cache
def extensions() -> tuple[Extension, ...]:
    found = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        found.append(entry.load()())
        log.debug("extension %s loaded", entry.name)
    return tuple(found)


async def run_periodic(settings, now: datetime) -> None:
    for extension in extensions():
        for task in extension.periodic:
            try:
                await task(settings, now)
            except Exception:  # noqa: BLE001 - one extension's failure must not stop the others
                log.exception("periodic task of %s failed", extension.name)
