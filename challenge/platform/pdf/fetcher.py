"""The only resources a PDF may load: the portal's static files (``static:/…``) and fonts.

``file://``, ``http(s)://`` and every other scheme are refused, so a template (or text a
user typed into one) can never pull a local file or reach the network.
"""

from __future__ import annotations

import io
import mimetypes
from functools import cache

from fontTools.ttLib import TTFont
from weasyprint.urls import URLFetcher, URLFetcherResponse

from challenge.paths import STATIC_DIR

KERN_FONTS = STATIC_DIR / "vendor" / "kern-ux-native-2.7.2" / "fonts" / "fira-sans"


class RefusedURL(ValueError):
    """A PDF tried to load something that is not one of the portal's static files."""


@cache
def font_ttf(name: str) -> bytes:
    """A KERN font as TrueType: WOFF2 decoding per render costs ~250 ms, this costs nothing."""
    path = (KERN_FONTS / f"{name}.woff2").resolve()
    if path.parent != KERN_FONTS.resolve() or not path.is_file():
        raise RefusedURL(f"no such font: {name}")
    font = TTFont(path)
    font.flavor = None
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("font:/"):
            return URLFetcherResponse(
                url, font_ttf(url.removeprefix("font:/")), {"Content-Type": "font/ttf"}
            )
        if url.startswith("static:/"):
            root = STATIC_DIR.resolve()
            path = (root / url.removeprefix("static:/").split("?")[0]).resolve()
            if root not in path.parents or not path.is_file():
                raise RefusedURL(f"not a static file: {url}")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})
        raise RefusedURL(f"refused: {url}")
