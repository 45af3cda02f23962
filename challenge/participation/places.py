"""The shipped lists residents choose from: the city's districts and the topics of problems.

Districts are proper names (not translated); topics are words (translated). The keys are stored
with each problem and used in addresses and open data, so they never change once shipped."""

from __future__ import annotations

from challenge.platform.i18n import N_

# The city's ten districts (Stadtbezirke), plus "citywide" for what concerns the whole city.
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("mitte", "Mitte"),
    ("nordost", "Nordost"),
    ("ost", "Ost"),
    ("suedost", "Südost"),
    ("sued", "Süd"),
    ("suedwest", "Südwest"),
    ("west", "West"),
    ("alt-west", "Alt-West"),
    ("nordwest", "Nordwest"),
    ("nord", "Nord"),
    ("citywide", N_("Whole city")),
)

TOPICS: tuple[tuple[str, str], ...] = (
    ("mobility", N_("Mobility and traffic")),
    ("environment", N_("Environment and climate")),
    ("energy", N_("Energy")),
    ("administration", N_("Administration and services")),
    ("education", N_("Education")),
    ("health", N_("Health and care")),
    ("social", N_("Living together")),
    ("housing", N_("Housing and building")),
    ("economy", N_("Economy and work")),
    ("culture", N_("Culture and leisure")),
    ("safety", N_("Safety")),
    ("other", N_("Other")),
)

DISTRICT_KEYS = frozenset(key for key, _label in DISTRICTS)
TOPIC_KEYS = frozenset(key for key, _label in TOPICS)
_DISTRICT_LABELS = dict(DISTRICTS)
_TOPIC_LABELS = dict(TOPICS)


def district_label(key: str) -> str:
    """The district's name as a msgid (translate with ``_``), or the key if unknown."""
    return _DISTRICT_LABELS.get(key, key)


def topic_label(key: str) -> str:
    """The topic's words as a msgid (translate with ``_``), or the key if unknown."""
    return _TOPIC_LABELS.get(key, key)
