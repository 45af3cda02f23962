"""The portal's domains, in stage order: the core packages of `challenge`, then the extensions
found through the ``challenge.extensions`` entry point (e.g. `partnerships`).

`challenge.app` and the command line install ``all_domains()`` before anything asks the
registries in ``challenge.platform.domains``.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import entry_points

from challenge.platform.domains import Domain, install

log = logging.getLogger(__name__)
# Packages that build on the portal (e.g. partnerships) name a function returning their Domain
# record in this entry point group (pyproject.toml), so challenge never imports them by name.
GROUP = "challenge.extensions"


def core_domains() -> list[Domain]:
    """platform < organisations < calls < challenges < submissions < jury < results < messages < participation."""
    from challenge.calls.domain import domain as calls
    from challenge.challenges.domain import domain as challenges
    from challenge.jury.domain import domain as jury
    from challenge.messages.domain import domain as messages
    from challenge.organisations.domain import domain as organisations
    from challenge.participation.domain import domain as participation
    from challenge.platform.domain import domain as platform
    from challenge.results.domain import domain as results
    from challenge.submissions.domain import domain as submissions

    return [
        platform(),
        organisations(),
        calls(),
        challenges(),
        submissions(),
        jury(),
        results(),
        messages(),
        participation(),
    ]


@cache
def extension_domains() -> tuple[Domain, ...]:
    """The records of the installed extensions, by entry point name."""
    found = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        found.append(entry.load()())
        log.debug("extension %s loaded", entry.name)
    return tuple(found)


def all_domains() -> list[Domain]:
    """Core domains first, extensions last."""
    return [*core_domains(), *extension_domains()]


def install_all() -> list[Domain]:
    """Install every domain (app assembly and the commands that run domain code)."""
    domains = all_domains()
    install(domains)
    return domains
