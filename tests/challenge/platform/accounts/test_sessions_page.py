"""The sessions page and API (issue 22 point 5): a person sees only their own sessions, with
the device in words and never a token hash, and ends one, all others, or the current one
(both engines)."""

import re
from contextlib import AsyncExitStack

from challenge.platform.accounts.devices import device_in_english
from challenge.platform.accounts.session_list import handle_of
from challenge.platform.accounts.tables import Session
from challenge.platform.audit.tables import AuditEntry
from tests.conftest import http_client
from tests.support.web import api, login, make_user, post_form, unique_email

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0.0.0 Safari/537.36"
)
EDGE_WINDOWS = CHROME_LINUX.replace("X11; Linux x86_64", "Windows NT 10.0") + " Edg/131.0"


async def _signed_in(stack: AsyncExitStack, app, email: str, agent: str):
    """A browser of its own (user agent, cookie) signed in as the person."""
    client = await stack.enter_async_context(http_client(app))
    client.headers["user-agent"] = agent
    client.cookies.set("lang", "de")
    await login(client, email)
    return client


async def _session_ids(user: dict) -> set[str]:
    return {row["id"] for row in await Session.select(Session.id).where(Session.user == user["id"])}


async def _works(client) -> bool:
    return (await client.get("/api/v1/me")).status_code == 200


def test_devices_in_words():
    assert device_in_english(FIREFOX_WINDOWS) == "Firefox on Windows"
    assert device_in_english(SAFARI_IPHONE) == "Safari on iOS"
    assert device_in_english(CHROME_LINUX) == "Chrome on Linux"
    assert device_in_english(EDGE_WINDOWS) == "Edge on Windows"
    assert device_in_english("") == "Unknown device"


async def test_the_page_lists_only_own_sessions_in_words_without_hashes(app):
    erika, max_ = (
        await make_user(email=unique_email("s-erika")),
        await make_user(email=unique_email("s-max")),
    )
    async with AsyncExitStack() as stack:
        firefox = await _signed_in(stack, app, erika["email"], FIREFOX_WINDOWS)
        await _signed_in(stack, app, erika["email"], SAFARI_IPHONE)
        await _signed_in(stack, app, max_["email"], CHROME_LINUX)
        account = await firefox.get("/account")
        assert 'href="/account/sessions"' in account.text
        page = await firefox.get("/account/sessions")
    assert page.status_code == 200
    assert "Firefox unter Windows" in page.text and "Safari unter iOS" in page.text
    assert "Diese Sitzung" in page.text and "Linux" not in page.text
    for session_id in await _session_ids(erika) | await _session_ids(max_):
        assert session_id not in page.text and session_id[:12] not in page.text
    handles = re.findall(r'action="/account/sessions/([0-9a-f]{12})/end"', page.text)
    secret = app.state.settings.secret_key
    assert sorted(handles) == sorted(handle_of(i, secret) for i in await _session_ids(erika))


async def test_ending_one_session_stops_its_cookie_and_ending_this_one_logs_out(app):
    erika = await make_user(email=unique_email("s-end"))
    async with AsyncExitStack() as stack:
        firefox = await _signed_in(stack, app, erika["email"], FIREFOX_WINDOWS)
        iphone = await _signed_in(stack, app, erika["email"], SAFARI_IPHONE)
        listed = (await firefox.get("/api/v1/me/sessions")).json()
        assert [s["device"] for s in listed] == ["Firefox on Windows", "Safari on iOS"]
        assert [s["current"] for s in listed] == [True, False]
        assert all("id" not in s for s in listed)
        ended = await post_form(firefox, f"/account/sessions/{listed[1]['handle']}/end", {})
        assert ended.status_code == 303 and await _works(firefox)
        assert not await _works(iphone)
        entries = await AuditEntry.select(AuditEntry.object_id).where(
            AuditEntry.action == "session.ended"
        )
        assert str(erika["id"]) in {entry["object_id"] for entry in entries}
        out = await post_form(firefox, f"/account/sessions/{listed[0]['handle']}/end", {})
        assert out.status_code == 200 and "Sie sind abgemeldet" in out.text
        assert not await _works(firefox)
    assert await _session_ids(erika) == set()


async def test_ending_all_others_keeps_this_session_after_a_confirmation(app):
    erika = await make_user(email=unique_email("s-others"))
    async with AsyncExitStack() as stack:
        firefox = await _signed_in(stack, app, erika["email"], FIREFOX_WINDOWS)
        others = [
            await _signed_in(stack, app, erika["email"], agent)
            for agent in (SAFARI_IPHONE, EDGE_WINDOWS)
        ]
        confirm = await firefox.get("/account/sessions/end-others")
        assert confirm.status_code == 200 and "2 andere Sitzungen" in confirm.text
        assert len(await _session_ids(erika)) == 3  # asking ends nothing
        done = await post_form(firefox, "/account/sessions/end-others", {})
        assert done.status_code == 303
        assert await _works(firefox)
        assert [await _works(other) for other in others] == [False, False]
        page = await firefox.get(done.headers["location"])
        assert "Alle anderen Sitzungen sind beendet." in page.text
    assert len(await _session_ids(erika)) == 1


async def test_someone_elses_handle_is_not_found(app):
    erika, max_ = (
        await make_user(email=unique_email("s-own")),
        await make_user(email=unique_email("s-other")),
    )
    async with AsyncExitStack() as stack:
        firefox = await _signed_in(stack, app, erika["email"], FIREFOX_WINDOWS)
        await _signed_in(stack, app, max_["email"], CHROME_LINUX)
        (theirs,) = await _session_ids(max_)
        handle = handle_of(theirs, app.state.settings.secret_key)
        page = await post_form(firefox, f"/account/sessions/{handle}/end", {})
        assert page.status_code == 404
        assert (await api(firefox, "DELETE", f"/api/v1/me/sessions/{handle}")).status_code == 404
        # nor does the row id itself name a session
        by_id = await api(firefox, "DELETE", f"/api/v1/me/sessions/{theirs}")
        assert by_id.status_code == 404
    assert await _session_ids(max_) == {theirs}


async def test_the_api_ends_another_session_of_ones_own(app):
    erika = await make_user(email=unique_email("s-api"))
    async with AsyncExitStack() as stack:
        firefox = await _signed_in(stack, app, erika["email"], FIREFOX_WINDOWS)
        iphone = await _signed_in(stack, app, erika["email"], SAFARI_IPHONE)
        listed = (await iphone.get("/api/v1/me/sessions")).json()
        other = next(s for s in listed if not s["current"])
        assert other["device"] == "Firefox on Windows" and other["handle"]
        response = await api(iphone, "DELETE", f"/api/v1/me/sessions/{other['handle']}")
        assert response.status_code == 204
        assert not await _works(firefox) and await _works(iphone)
