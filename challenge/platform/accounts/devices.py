"""A session's device in words from its user agent ("Firefox on Windows"), by a small table
of known patterns: enough for a person to recognise their own devices, no parser library."""

from __future__ import annotations

# (substring, name), first match wins: Edge and Opera also say "Chrome", Chrome says "Safari".
BROWSERS: tuple[tuple[str, str], ...] = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Vivaldi/", "Vivaldi"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-httpx/", "Python (httpx)"),
    ("python-requests/", "Python (requests)"),
)
# Android says "Linux" too, iPhones and iPads say "Mac OS X": the specific names come first.
SYSTEMS: tuple[tuple[str, str], ...] = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def _first(user_agent: str, table: tuple[tuple[str, str], ...]) -> str:
    return next((name for pattern, name in table if pattern in user_agent), "")


def device_of(user_agent: str) -> tuple[str, str]:
    """The browser and the operating system named by a user agent ("" where unknown)."""
    return _first(user_agent or "", BROWSERS), _first(user_agent or "", SYSTEMS)


def device_in_english(user_agent: str) -> str:
    """The device in English words for the API (pages translate the parts themselves)."""
    browser, system = device_of(user_agent)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"
