"""The one Jinja environment: pages, mails and PDFs share templates, filters and gettext."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from challenge import __version__
from challenge.paths import TEMPLATES_DIR
from challenge.platform import i18n


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    i18n.install(env)
    env.globals["app_version"] = __version__
    env.globals["static_url"] = lambda path: f"/static/{path}?v={__version__}"
    return env


def render(template_name: str, **context) -> str:
    """Render a template outside a request (mails, PDFs); pass ``locale`` for the language."""
    return environment().get_template(template_name).render(**context)
