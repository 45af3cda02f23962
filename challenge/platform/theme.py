"""The city's identity: name, authority, logo, colour, open-data party and calendar id.

Leipzig is the default and the demo. Another city sets ``CHALLENGE_THEME_DIR`` to a folder
with any of:

- ``theme.toml`` — the keys of :class:`Theme` (see deploy/theme-example/theme.toml);
- ``templates/`` — templates that replace the portal's own by path, e.g.
  ``base/pages/imprint.html``, ``privacy.html``, ``accessibility.html``;
- ``static/`` — files served under ``/static/`` before the portal's own (``img/logo.svg``;
  ``css/theme.css`` sets the colours through KERN's theming variables).

Templates read it as ``theme``; Python code calls :func:`current`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec


class Theme(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What differs between cities; every field has Leipzig's value as default."""

    city: str = "Leipzig"
    # the authority as named on pages, per language
    authority: dict[str, str] = msgspec.field(
        default_factory=lambda: {"de": "Stadt Leipzig", "en": "City of Leipzig"}
    )
    # the KERN header bar's line above the site header, per language
    official: dict[str, str] = msgspec.field(
        default_factory=lambda: {
            "de": "Offizielle Website der Stadt Leipzig",
            "en": "Official website of the City of Leipzig",
        }
    )
    # the authority's postal address (imprint, contracts)
    address: str = "Martin-Luther-Ring 4–6, 04109 Leipzig"
    logo: str | None = None  # a path under the theme's static/ folder, e.g. "img/logo.svg"
    party_id: str = "DE-LEIPZIG"  # the buyer's party id in OCDS releases
    prodid: str = "-//Stadt Leipzig//Smart City Challenge//DE"  # iCalendar PRODID

    def authority_in(self, locale: str) -> str:
        return self.authority.get(locale) or self.authority.get("de") or self.city

    def official_in(self, locale: str) -> str:
        return self.official.get(locale) or self.official.get("de") or self.authority_in(locale)


class ThemeError(Exception):
    """The theme folder's theme.toml cannot be read; the message names the problem."""


_active = Theme()
_folder: Path | None = None


def load(folder: Path | None) -> Theme:
    """The theme in ``folder`` (Leipzig's without one); raises ThemeError on a bad file."""
    if folder is None or not (folder / "theme.toml").is_file():
        return Theme()
    try:
        data = tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8"))
        theme = msgspec.convert(data, Theme)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError, UnicodeDecodeError) as error:
        raise ThemeError(f"{folder / 'theme.toml'}: {error}") from error
    return theme


def activate(folder: Path | None) -> Theme:
    """Make the theme in ``folder`` the process's theme (at start-up)."""
    global _active, _folder
    _active, _folder = load(folder), folder
    return _active


def current() -> Theme:
    return _active


def folder() -> Path | None:
    """The active theme folder (templates/ and static/ live there), if any."""
    return _folder
