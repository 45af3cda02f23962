"""The portal's reference numbers: ``SCC-<year>-<number>``.

Proposals are numbered per year with four digits (``SCC-2026-0042``, counted in
``reference_counters``); partnerships count over all years without padding
(``SCC-2026-7``), and their OCDS ids put the city's ocid prefix in front. Both are written
here, once.
"""

from __future__ import annotations

PREFIX = "SCC"
PROPOSAL_DIGITS = 4


def reference(year: int, number: int, *, digits: int = 0) -> str:
    """``SCC-<year>-<number>``, the number zero-padded to ``digits``."""
    if number < 0:
        raise ValueError("reference numbers start at 0")
    return f"{PREFIX}-{year}-{number:0{digits}d}"


def proposal_reference(year: int, number: int) -> str:
    """A proposal's reference: ``SCC-2026-0042``."""
    return reference(year, number, digits=PROPOSAL_DIGITS)


def ocid(prefix: str, year: int, number: int) -> str:
    """An OCDS contracting-process id: the city's ocid prefix before the reference."""
    return f"{prefix}-{reference(year, number)}"
