"""Every status a person sees, as words and a tone: one registry the badge macro reads.

Each domain declares its families in ``Domain.statuses`` — ``{family: {code: (label msgid,
tone)}}`` with tone one of info, success, warning, danger — so pages, mails and PDFs show the
same word for the same state, and no raw code reaches a page (an unknown code is shown as
"Unknown status", and tests/challenge/platform/test_statuses.py fails on it).
"""

from __future__ import annotations

from challenge.platform.domains import each, installed
from challenge.platform.i18n import N_

TONES = ("info", "success", "warning", "danger")
UNKNOWN = N_("Unknown status")

# The platform's own families (its Domain record declares them like any stage).
STATUSES = {
    "outbox": {
        "pending": (N_("Waiting to be sent"), "info"),
        "sending": (N_("Being sent"), "info"),
        "sent": (N_("Sent"), "success"),
        "failed": (N_("Failed"), "danger"),
    },
    # a person's global role (challenge.platform.accounts); "applicant" is having none
    "role": {
        "applicant": (N_("Applicant"), "info"),
        "staff": (N_("Staff"), "info"),
        "finance": (N_("Finance"), "info"),
        "admin": (N_("Administrator"), "info"),
    },
    # whether a person holds a role (the admin's user page)
    "role_grant": {
        "granted": (N_("granted"), "success"),
        "not_granted": (N_("not granted"), "info"),
    },
}


def family(labels: dict[str, str], tones: dict[str, str]) -> dict[str, tuple[str, str]]:
    """A family from a stage's existing words ({code: msgid}) and a tone per code: the words
    stay where the stage keeps them (its exports and PDFs use them too)."""
    return {code: (label, tones[code]) for code, label in labels.items()}


_merged: tuple[int, dict[str, dict[str, tuple[str, str]]]] = (0, {})


def registry() -> dict[str, dict[str, tuple[str, str]]]:
    """All declared families, merged over the installed domains (later domains may add codes);
    kept until another set of domains is installed."""
    global _merged
    key = id(installed())
    if _merged[0] != key:
        merged: dict[str, dict[str, tuple[str, str]]] = {}
        for _domain, families in each("statuses"):
            for family, codes in families.items():
                merged.setdefault(family, {}).update(codes)
        _merged = (key, merged)
    return _merged[1]


def label(family: str, code: str | None) -> str:
    """The msgid of a status's words (translate it with gettext)."""
    return registry().get(family, {}).get(code or "", (UNKNOWN, "info"))[0]


def tone(family: str, code: str | None) -> str:
    """info, success, warning or danger: the badge's colour."""
    return registry().get(family, {}).get(code or "", (UNKNOWN, "info"))[1]


def check(families) -> list[str]:
    """Problems in a declaration (an unknown tone or an empty label), for the domain tests."""
    return [
        f"{family}:{code}"
        for family, codes in families.items()
        for code, (text, colour) in codes.items()
        if colour not in TONES or not text
    ]
