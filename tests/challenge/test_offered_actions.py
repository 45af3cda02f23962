"""One rule for every state change: no page offers what the portal would refuse.

Every HTML page of the route matrix's world (tests/support/matrix_world.py: an open call with
submitted proposals, a call whose results are published, a call in the development phase with
A's entry selected, a running partnership, …) is rendered for every role. Then:

- every link on it to another page of the portal is followed as the same person, and must not
  answer "forbidden" or "not found" (a person is not shown the way to a refusal; anonymous
  visitors may be sent to the login page);
- every form on it is sent as the browser would send it untouched (its hidden fields, its
  pre-filled values, the pressed button), and must not be refused for who the person is or the
  state the object is in: 403, 404 or 409. A 422 (a field the person still has to fill in) is
  not a refusal of the action itself.

Forms are sent in page order, so the world changes as a person would change it (a proposal once
withdrawn shows no withdraw button on the next page); each page is fetched anew before its forms
are sent.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.support.matrix_requests import path_for
from tests.support.matrix_world import build_world
from tests.support.route_matrix import ROLES, app_routes

REFUSED = (403, 404, 405, 409)
# Not pages a person browses: machine endpoints, files, the language switch, logging out.
NOT_PAGES = ("/api/", "/static/", "/schema", "/metrics", "/healthz", "/readyz", "/lang/")
FILES = re.compile(r"\.(pdf|csv|xlsx|ics|json|zip|xml)$")
# Forms that end the person's session or account: sent last, never between pages.
SESSION_ENDERS = ("/logout", "/account/erase", "/account/delete")


class Forms(HTMLParser):
    """The forms (method, action, fields, buttons) and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = {
                "method": (attributes.get("method") or "get").lower(),
                "action": attributes.get("action") or "",
                "multipart": "multipart" in (attributes.get("enctype") or ""),
                "fields": [],
                "buttons": [],
            }
            self.forms.append(self._form)
        elif self._form is not None:
            self._field(tag, attributes)

    def _field(self, tag, attributes):
        name = attributes.get("name")
        kind = (attributes.get("type") or "").lower()
        if tag == "button" or (tag == "input" and kind == "submit"):
            if kind in ("", "submit"):
                self._form["buttons"].append((name, attributes.get("value", "")))
        elif tag == "input" and name and "disabled" not in attributes:
            if kind in ("radio", "checkbox"):
                if "checked" in attributes:
                    self._form["fields"].append((name, attributes.get("value", "on")))
            elif kind != "file":
                self._form["fields"].append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._form["fields"].append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self._form["fields"].append((self._select, attributes.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_templates(app) -> list[str]:
    return [
        template
        for method, template in app_routes(app)
        if method == "GET" and not template.startswith(NOT_PAGES) and not FILES.search(template)
    ]


def parse(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


def local(href: str) -> str | None:
    """The portal path a link or form points at, or None for fragments and other sites."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(NOT_PAGES) or FILES.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def said(answer) -> str:
    """What the refusal told the person: the problem's detail or the page's first alert/error."""
    if "json" in answer.headers.get("content-type", ""):
        return answer.text[:200]
    found = re.search(
        r'class="kern-(?:alert__header|error)[^"]*"[^>]*>(.*?)</(?:div|p)>', answer.text, re.S
    ) or re.search(r"<h1[^>]*>(.*?)</h1>", answer.text, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()[:200] if found else ""


async def html_page(client, path: str):
    response = await client.get(path, follow_redirects=False)
    if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
        return None
    return response


@pytest.fixture
async def world(app):
    built = await build_world(app)
    yield built
    await built.close()


async def test_no_page_offers_what_the_portal_refuses(app, world):
    """Links first (they change nothing), then the forms (they change the world)."""
    failures = await refused_links(app, world)
    failures += await refused_forms(app, world)
    assert not failures, "\n".join(sorted(set(failures)))


async def refused_links(app, world) -> list[str]:
    failures: list[str] = []
    checked: set[tuple[str, str]] = set()
    for role in ROLES:
        client = world.clients[role]
        for template in page_templates(app):
            page_path = path_for(world, "GET", template, role)
            page = await html_page(client, page_path)
            if page is None:
                continue
            for href in parse(page.text).links:
                target = local(href)
                if target is None or (role, target) in checked:
                    continue
                checked.add((role, target))
                answer = await client.get(target, follow_redirects=False)
                login = answer.status_code in (302, 303) and "/login" in answer.headers.get(
                    "location", ""
                )
                if answer.status_code in (401, 403, 404) or (login and role != "anonymous"):
                    failures.append(f"{role} on {page_path}: link {target} → {answer.status_code}")
    return failures


async def refused_forms(app, world) -> list[str]:
    failures: list[str] = []
    for role in ROLES:
        client = world.clients[role]
        sent: set[tuple[str, str | None]] = set()
        for template in page_templates(app):
            page_path = path_for(world, "GET", template, role)
            page = await html_page(client, page_path)
            if page is None:
                continue
            for index, form in enumerate(parse(page.text).forms):
                action = local(form["action"] or page_path)
                if form["method"] != "post" or action is None or form["multipart"]:
                    continue
                if action.startswith(SESSION_ENDERS):
                    continue
                for button in form["buttons"] or [(None, "")]:
                    if (action, button[0] and f"{button[0]}={button[1]}") in sent:
                        continue
                    sent.add((action, button[0] and f"{button[0]}={button[1]}"))
                    # fetch the page again: an earlier form may have changed what it offers
                    fresh = await html_page(client, page_path)
                    forms = parse(fresh.text).forms if fresh is not None else []
                    if index >= len(forms) or forms[index]["action"] != form["action"]:
                        continue
                    data = list(forms[index]["fields"])
                    if button[0]:
                        data.append(button)
                    payload: dict[str, list[str]] = {}
                    for name, value in data:
                        payload.setdefault(name, []).append(value)
                    answer = await client.post(action, data=payload, follow_redirects=False)
                    if answer.status_code in REFUSED:
                        failures.append(
                            f"{role} on {page_path}: form {action} {button[0] or ''}"
                            f"={button[1]} → {answer.status_code} {said(answer)}"
                        )
    return failures
