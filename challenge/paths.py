"""Where templates, static files and message catalogs are, in a checkout and in a wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = PACKAGE_DIR.parent


def _shipped(name: str) -> Path:
    # A wheel carries templates/ and static/ inside the package (see pyproject.toml);
    # a checkout (editable install, tests) has them beside the package.
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else _CHECKOUT_DIR / name


TEMPLATES_DIR = _shipped("templates")
STATIC_DIR = _shipped("static")
LOCALE_DIR = PACKAGE_DIR / "locale"
