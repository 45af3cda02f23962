"""Registration → mail → verification → login → logout through the HTML pages, de and en."""

import re

import pytest

from challenge.platform.accounts.tables import User
from tests.support.web import (
    PASSWORD,
    csrf,
    link_in,
    make_user,
    post_form,
    spooled_mails,
    text_of,
    unique_email,
)


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "de",
            {
                "check": "Bitte prüfen Sie Ihr Postfach",
                "confirmed": "E-Mail-Adresse bestätigt",
                "account": "Ihr Konto",
                "logged_out": "Sie sind abgemeldet",
            },
        ),
        (
            "en",
            {
                "check": "Please check your mail",
                "confirmed": "E-mail address confirmed",
                "account": "Your account",
                "logged_out": "You are logged out",
            },
        ),
    ],
)
async def test_register_verify_login_logout_through_pages(
    client, settings, deliver_mail, lang, texts
):
    client.cookies.set("lang", lang)
    address = unique_email("journey")
    form = await client.get("/register")
    assert f'<html lang="{lang}"' in form.text
    response = await post_form(
        client,
        "/register",
        {"name": "Jana Neumann", "email": address.upper(), "password": PASSWORD, "locale": lang},
    )
    assert response.status_code == 200
    assert texts["check"] in response.text

    await deliver_mail()
    [mail] = spooled_mails(settings.mail_dir, address)
    verify_link = link_in(mail, "/account/verify")
    assert verify_link.startswith(
        "http://portal.test/account/verify?token="
    )  # from CHALLENGE_BASE_URL

    # logging in before confirming is refused
    early = await post_form(client, "/login", {"email": address, "password": PASSWORD})
    assert early.status_code == 403

    path = verify_link.removeprefix("http://portal.test")
    page = await client.get(path)
    assert page.status_code == 200 and "<form" in page.text  # GET only shows a button
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    confirmed = await post_form(client, "/account/verify", {"token": token})
    assert texts["confirmed"] in confirmed.text

    logged_in = await post_form(
        client,
        "/login",
        {"email": address, "password": PASSWORD, "next": "/account"},
        follow_redirects=False,
    )
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == "/account"
    account = await client.get("/account")
    assert texts["account"] in account.text
    assert address in account.text

    logged_out = await post_form(client, "/logout", {})
    assert texts["logged_out"] in logged_out.text
    after = await client.get("/account", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"] == "/login?next=/account"


async def test_verification_mail_is_in_the_chosen_language(client, settings, deliver_mail):
    address = unique_email("english")
    await post_form(
        client, "/register", {"name": "Sam", "email": address, "password": PASSWORD, "locale": "en"}
    )
    await deliver_mail()
    [mail] = spooled_mails(settings.mail_dir, address)
    assert "Sam" in text_of(mail)
    assert mail["Subject"] and "Bestätigen" not in mail["Subject"]


async def test_verification_link_works_once(client, settings, deliver_mail):
    address = unique_email("once")
    await post_form(
        client,
        "/register",
        {"name": "Einmal", "email": address, "password": PASSWORD, "locale": "de"},
    )
    await deliver_mail()
    token = link_in(spooled_mails(settings.mail_dir, address)[0], "/account/verify").split(
        "token="
    )[1]
    assert (await post_form(client, "/account/verify", {"token": token})).status_code == 200
    again = await post_form(client, "/account/verify", {"token": token})
    # followed again (a retry, a second click): nothing changes, the page says so (issue 26)
    assert again.status_code == 200
    assert "bereits bestätigt" in again.text
    assert (
        await User.count().where((User.email == address) & User.email_verified_at.is_not_null())
        == 1
    )


async def test_register_form_shows_errors_and_keeps_input(client):
    response = await post_form(
        client,
        "/register",
        {"name": "", "email": "kein-at-zeichen", "password": "kurz", "locale": "de"},
    )
    assert response.status_code == 422
    assert 'id="error-summary"' in response.text
    assert 'href="#field-email"' in response.text and 'href="#field-password"' in response.text
    assert "Mindestens 12 Zeichen" in response.text or "mindestens 12 Zeichen" in response.text
    assert 'value="kein-at-zeichen"' in response.text
    assert 'aria-invalid="true"' in response.text


async def test_common_password_is_refused(client):
    response = await post_form(
        client,
        "/register",
        {"name": "A", "email": unique_email(), "password": "Q1W2E3R4T5Y6", "locale": "de"},
    )
    assert response.status_code == 422
    assert "zu häufig" in response.text


async def test_login_with_wrong_password_shows_one_message(client):
    user = await make_user()
    response = await post_form(
        client, "/login", {"email": user["email"], "password": "falsch-falsch-falsch"}
    )
    assert response.status_code == 401
    assert "E-Mail-Adresse oder das Passwort ist falsch" in response.text
    assert f'value="{user["email"]}"' in response.text


async def test_login_redirect_refuses_foreign_targets(client):
    user = await make_user()
    for target in ("//evil.example", "https://evil.example/x", "/\\evil.example"):
        client.cookies.clear()
        response = await post_form(
            client,
            "/login",
            {"email": user["email"], "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/dashboard"  # the start page instead


async def test_password_reset_through_pages(client, settings, deliver_mail):
    user = await make_user()
    await post_form(client, "/password/forgot", {"email": user["email"]})
    await deliver_mail()
    [mail] = spooled_mails(settings.mail_dir, user["email"])
    token = link_in(mail, "/password/reset").split("token=")[1]
    form = await client.get(f"/password/reset?token={token}")
    assert 'name="token"' in form.text
    done = await post_form(
        client, "/password/reset", {"token": token, "password": "Neues-Passwort-2026!"}
    )
    assert done.status_code == 200
    assert "Passwort geändert" in done.text
    ok = await post_form(
        client,
        "/login",
        {"email": user["email"], "password": "Neues-Passwort-2026!"},
        follow_redirects=False,
    )
    assert ok.status_code == 303


async def test_profile_change_switches_language(client):
    user = await make_user()
    await post_form(client, "/login", {"email": user["email"], "password": PASSWORD})
    response = await post_form(
        client,
        "/account/profile",
        {"name": "Erika M.", "locale": "en", "affiliation": "Universität Leipzig"},
    )
    assert response.status_code == 200
    assert '<html lang="en"' in response.text
    assert "Your profile is saved." in response.text
    page = await client.get("/account", headers={"Accept-Language": "de"})
    assert '<html lang="en"' in page.text  # the user's setting outranks the browser
    assert 'value="Universität Leipzig"' in page.text


async def test_header_shows_login_or_account(client):
    anonymous = await client.get("/")
    assert 'href="/login"' in anonymous.text and 'action="/logout"' not in anonymous.text
    user = await make_user()
    await post_form(client, "/login", {"email": user["email"], "password": PASSWORD})
    logged_in = await client.get("/")
    assert 'action="/logout"' in logged_in.text
    assert await csrf(client) in logged_in.text


async def test_form_errors_are_in_english_on_english_pages(client):
    client.cookies.set("lang", "en")
    response = await post_form(
        client, "/register", {"name": "", "email": "x", "password": "kurz", "locale": "en"}
    )
    assert "Please check your input" in response.text
    assert "Use at least 12 characters." in response.text
    assert "Language for mails and pages" in response.text
    assert "Sprache" not in response.text
