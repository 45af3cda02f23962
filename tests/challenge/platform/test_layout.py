"""The frame of every page: the language switch keeps the page's query, never a form's CSRF
token; the login redirect drops the token too."""

from __future__ import annotations

import re
from urllib.parse import unquote


async def test_switching_the_language_keeps_the_query_but_not_a_token(client):
    page = (await client.get("/?page=2&_csrf_token=secret-token")).text
    link = re.search(r'href="(/lang/en\?next=[^"]+)"', page).group(1)
    target = unquote(link.split("next=", 1)[1])
    assert target == "/?page=2"
    answer = await client.get(link.replace("&amp;", "&"), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/?page=2"
    assert "secret-token" not in page.split("<main", 1)[0]


async def test_the_login_redirect_keeps_the_query_but_not_a_token(client):
    answer = await client.get("/account/documents?uploaded=1&_csrf_token=secret-token")
    assert answer.status_code == 303
    location = unquote(answer.headers["location"])
    assert location == "/login?next=/account/documents?uploaded=1"


async def test_the_header_bar_names_the_authority_and_the_page_has_one_banner(client):
    page = (await client.get("/")).text
    assert page.count('<header class="site-top">') == 1 and "kern-kopfzeile" in page
    assert "Offizielle Website der Stadt Leipzig" in page
