"""The one Jinja environment: pages, mails and PDFs share templates, filters and gettext."""

from __future__ import annotations

from functools import cache

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape

from challenge import __version__
from challenge.paths import TEMPLATES_DIR
from challenge.platform import i18n, statuses, theme
from challenge.platform.domains import each, installed
from challenge.platform.urls import way_back


def configure(theme_dir) -> None:
    """Use the city's theme (templates/ first, then the portal's own); at start-up."""
    theme.activate(theme_dir)
    environment.cache_clear()


@cache
def environment() -> Environment:
    folder = theme.folder()
    loaders = [FileSystemLoader(folder / "templates")] if folder else []
    env = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(TEMPLATES_DIR)]),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates change with a release, never under a running process: no stat() of every
        # template file on every render (3 % of the call page on SQLite, issue 25).
        auto_reload=False,
    )
    i18n.install(env)
    env.globals["app_version"] = __version__
    env.globals["static_url"] = lambda path: f"/static/{path}?v={__version__}"
    # Not "csrf_token": Litestar puts a variable of that name into every template context.
    env.globals["csrf_value"] = csrf_value
    env.globals["csrf_field"] = csrf_field
    env.globals["current_user"] = current_user
    env.globals["extension_links"] = extension_links
    env.globals["has_extension"] = has_extension
    env.globals["extension_public_links"] = extension_public_links
    env.globals["staff_call_links"] = staff_call_links
    env.globals["theme"] = theme.current()
    env.globals["current_path"] = current_path
    env.globals["status_label"] = status_label
    env.globals["status_tone"] = statuses.tone
    return env


@pass_context
def current_path(context) -> str:
    """The page's path and query (for the language switch's way back), never a CSRF token."""
    request = context.get("request")
    if request is None:
        return "/"
    return way_back(request.url.path, request.url.query)


@pass_context
def status_label(context, family: str, code: str | None) -> str:
    """A status in the reader's words (the badge macro's text)."""
    return i18n.jinja_gettext(context, statuses.label(family, code))


def extension_public_links() -> list[tuple[str, str]]:
    """Main navigation entries the installed domains add: (path, label msgid)."""
    return [link for _domain, links in each("public_links") for link in links]


def staff_call_links() -> list[tuple[str, str]]:
    """Pages of a call later stages add to staff's call list: (path after the call, label msgid)."""
    return [link for _domain, links in each("staff_call_links") for link in links]


def has_extension(name: str) -> bool:
    """Whether a domain of this name is installed (e.g. "partnerships")."""
    return any(domain.name == name for domain in installed())


def extension_links() -> list[tuple[str, str, tuple[str, ...]]]:
    """Navigation entries of installed domains: (path, label msgid, roles; () = anyone signed in)."""
    return [link for _domain, links in each("nav_links") for link in links]


@pass_context
def csrf_value(context) -> str:
    request = context.get("request")
    return request.scope.get("state", {}).get("csrf_token", "") if request is not None else ""


@pass_context
def csrf_field(context) -> Markup:
    """The hidden form field the CSRF middleware checks on every unsafe request."""
    return Markup('<input type="hidden" name="_csrf_token" value="%s">') % escape(
        csrf_value(context)
    )


@pass_context
def current_user(context):
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


def render(template_name: str, **context) -> str:
    """Render a template outside a request (mails, PDFs); pass ``locale`` for the language."""
    return environment().get_template(template_name).render(**context)
