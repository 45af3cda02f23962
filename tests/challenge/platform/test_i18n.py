"""Languages: German by default, English by Accept-Language or the visible switch."""

import pytest

from challenge.platform.i18n import format_money, parse_accept_language, resolve_locale


async def test_home_is_german_by_default(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="de"' in response.text
    assert "Offene Aufrufe" in response.text
    assert "Zum Inhalt springen" in response.text


async def test_accept_language_english_gives_english(client):
    response = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert '<html lang="en"' in response.text
    assert "Open calls" in response.text


async def test_language_switch_sets_cookie_and_returns_to_the_page(client):
    response = await client.get("/lang/en?next=/impressum", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/impressum"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=en")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = await client.get("/impressum")
    assert '<html lang="en"' in page.text
    assert "Imprint" in page.text
    # the cookie outranks the browser's preference
    page = await client.get("/", headers={"Accept-Language": "de"})
    assert '<html lang="en"' in page.text
    back = await client.get("/lang/de?next=/", follow_redirects=True)
    assert '<html lang="de"' in back.text


async def test_language_switch_links_are_on_every_page(client):
    response = await client.get("/datenschutz")
    assert 'href="/lang/en?next=/datenschutz"' in response.text
    assert 'lang="en"' in response.text


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
async def test_language_switch_refuses_foreign_redirects(client, target):
    response = await client.get("/lang/en", params={"next": target}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_unknown_language_is_404(client):
    response = await client.get("/lang/fr?next=/", follow_redirects=False)
    assert response.status_code == 404
    assert "lang=" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("fr-FR,fr;q=0.9", None),
        ("en-US", "en"),
        ("fr;q=1, de;q=0.3, en;q=0.8", "en"),
        ("de-AT, en;q=0.9", "de"),
        ("en;q=0, de;q=0.1", "de"),
        ("en;q=abc, de;q=0.5", "de"),
    ],
)
def test_parse_accept_language(header, expected):
    assert parse_accept_language(header) == expected


def test_user_setting_outranks_cookie_and_header():
    assert resolve_locale("en", "de", "de") == "en"
    assert resolve_locale(None, "en", "de") == "en"
    assert resolve_locale(None, "xx", "en") == "en"
    assert resolve_locale(None, None, None) == "de"


def test_money_is_formatted_per_language():
    assert format_money(123456, "de") == "1.234,56\xa0€"
    assert format_money(123456, "en") == "€1,234.56"


async def test_signed_in_people_switch_language_too(client):
    """The account's language comes first; the switch changes it, so the pages follow."""
    from challenge.platform.accounts.tables import User
    from tests.support.web import login, make_user

    user = await make_user(locale="de")
    await login(client, user["email"])
    assert '<html lang="de"' in (await client.get("/impressum")).text
    switched = await client.get("/lang/en?next=/impressum", follow_redirects=True)
    assert '<html lang="en"' in switched.text
    assert (await User.select(User.locale).where(User.id == user["id"]).first())["locale"] == "en"


def test_every_message_in_the_sources_has_a_german_translation(tmp_path):
    """What the sources mark for translation (Python, page and mail templates) is in the German
    catalog with a translation: a new text cannot reach German pages in English."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    from challenge.paths import PACKAGE_DIR

    root = PACKAGE_DIR.parent
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
        + ["-k", "N_", "--no-location", "--omit-header", "-o", str(pot), "."],
        cwd=root,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        template = read_po(handle)
    with (PACKAGE_DIR / "locale/de/LC_MESSAGES/messages.po").open("rb") as handle:
        german = read_po(handle, locale="de")
    missing = []
    for message in template:
        if not message.id:
            continue
        found = german.get(message.id)
        strings = [] if found is None else found.string
        strings = [strings] if isinstance(strings, str) else list(strings)
        if not strings or not all(strings):
            missing.append(message.id)
    assert not missing, f"run scripts/update_catalogs.py and translate: {missing}"
