"""The discussion on a problem's page (/mitmachen/{id}): support count and buttons, the sign-in
link back to the page, comments with replies and pages, hidden comments shown by their reason
only, the report confirmation, and no e-mail addresses."""

from __future__ import annotations

from datetime import timedelta

from challenge.participation.discussion import limits
from challenge.platform import clock
from tests.challenge.participation.test_discussion_comments import next_hour, url
from tests.challenge.participation.test_discussion_moderation import commented
from tests.challenge.participation.test_discussion_supports import (
    counts,
    make_problem,
    resident,
)
from tests.conftest import http_client
from tests.support.web import PASSWORD, api, make_user, post_form


async def test_visitor_sees_count_and_sign_in_links(client):
    problem = await make_problem()
    page = await client.get(f"/mitmachen/{problem['id']}")
    assert page.status_code == 200, page.text
    assert "0 Personen unterstützen dieses Problem." in page.text
    assert f'href="/login?next=/mitmachen/{problem["id"]}"' in page.text
    assert "Noch keine Kommentare." in page.text
    assert f'action="/mitmachen/{problem["id"]}/unterstuetzen"' not in page.text


async def test_resident_supports_and_withdraws_on_the_page(client):
    problem = await make_problem()
    await resident(client)
    base = f"/mitmachen/{problem['id']}"
    page = await client.get(base)
    assert f'action="{base}/unterstuetzen"' in page.text
    done = await post_form(client, f"{base}/unterstuetzen", {})
    page = await client.get(done.headers["location"])
    assert "Danke: Sie unterstützen dieses Problem." in page.text
    assert "1 Person unterstützt dieses Problem." in page.text
    assert f'action="{base}/unterstuetzen/zurueckziehen"' in page.text
    done = await post_form(client, f"{base}/unterstuetzen/zurueckziehen", {})
    page = await client.get(done.headers["location"])
    assert "Sie haben Ihre Unterstützung zurückgezogen." in page.text
    assert "0 Personen unterstützen dieses Problem." in page.text


async def test_comments_and_replies_on_the_page_without_email(client, app):
    problem = await make_problem()
    writer = await resident(client, name="Erika Geheim")
    base = f"/mitmachen/{problem['id']}"
    page = await client.get(base)
    assert 'name="display_name"' in page.text  # no name chosen yet: asked for one
    await post_form(client, f"{base}/kommentare", {"body": "Ein *Anfang*"})
    first = (await api(client, "GET", url(problem))).json()["items"][0]
    await post_form(
        client,
        f"{base}/kommentare",
        {"body": "Eine Antwort", "parent_id": first["id"], "display_name": "Nachbarin Erika"},
    )
    async with http_client(app) as other:
        await resident(other)
        await post_form(other, f"{base}/kommentare", {"body": "Ohne Namen"})
    async with http_client(app) as visitor:
        page = await visitor.get(base)
    assert "<em>Anfang</em>" in page.text
    assert "Eine Antwort" in page.text
    assert "Nachbarin Erika" in page.text
    assert page.text.count('<span class="comment__author">Nachbarin Erika</span>') == 2
    assert '<span class="comment__author">Bürgerin oder Bürger</span>' in page.text
    for secret in (writer["email"], "Erika Geheim", str(writer["id"])):
        assert secret not in page.text
    mine = await client.get(base)
    assert 'name="display_name"' not in mine.text


async def test_hidden_comment_on_the_page_shows_the_reason_only(client, app):
    problem, comment = await commented(app, "Ein ganz geheimer Satz")
    await resident(client, roles=("staff",))
    await api(client, "POST", f"/api/v1/comments/{comment['id']}/hide", {"reason": "Beleidigung"})
    base = f"/mitmachen/{problem['id']}"
    staff_page = await client.get(base)
    assert "Ein ganz geheimer Satz" in staff_page.text
    async with http_client(app) as visitor:
        public = await visitor.get(base)
        await resident(visitor)
        other = await visitor.get(base)
    for page in (public, other):
        assert "Ausgeblendet von der Moderation:" in page.text
        assert "Beleidigung" in page.text
        assert "geheimer" not in page.text


async def test_report_after_confirmation(client, app):
    problem, comment = await commented(app)
    base = f"/mitmachen/{problem['id']}"
    page = await client.get(base)
    link = f"{base}/kommentare/{comment['id']}/melden"
    assert f'href="{link}"' in page.text
    confirm = await client.get(link)
    assert confirm.status_code == 200
    assert "Ein ganz geheimer Satz" in confirm.text
    done = await post_form(client, link, {"reason": "Unsachlich"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{base}?diskussion=gemeldet#kommentar-{comment['id']}"
    page = await client.get(done.headers["location"])
    assert "Die Moderation sieht sich den Kommentar an." in page.text
    other = await make_problem()
    assert (
        await client.get(f"/mitmachen/{other['id']}/kommentare/{comment['id']}/melden")
    ).status_code == 404


async def test_unpublished_problem_has_no_discussion_forms(client):
    author = await resident(client)
    problem = await make_problem("pending", author=author["id"])
    page = await client.get(f"/mitmachen/{problem['id']}")
    assert page.status_code == 200
    assert "Nur veröffentlichte Probleme können unterstützt und diskutiert werden." in page.text
    assert 'action="/mitmachen/' not in page.text.split('id="unterstuetzen"')[1]


async def test_comment_of_an_erased_person_stays_blank_with_its_replies(client, app):
    from challenge.platform import privacy

    problem = await make_problem()
    person = await resident(client)
    mine = (await api(client, "POST", url(problem), {"body": "Meine Worte"})).json()
    async with http_client(app) as other:
        await resident(other)
        await api(other, "POST", url(problem), {"body": "Eine Antwort", "parent_id": mine["id"]})
    await privacy.erase(app.state.storage, person["email"])
    async with http_client(app) as visitor:
        page = await visitor.get(f"/mitmachen/{problem['id']}")
        listed = (await visitor.get(url(problem))).json()
    assert "Meine Worte" not in page.text
    assert "Dieser Kommentar wurde mit den Daten" in page.text
    assert "Eine Antwort" in page.text
    assert listed["items"][0]["removed"] is True


async def test_sign_in_link_returns_to_the_problem(client):
    problem = await make_problem()
    user = await make_user()
    target = f"/mitmachen/{problem['id']}"
    login_page = await client.get(f"/login?next={target}")
    assert f'value="{target}"' in login_page.text
    answer = await post_form(
        client, "/login", {"email": user["email"], "password": PASSWORD, "next": target}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == target
    page = await client.get(target)
    assert f'action="{target}/unterstuetzen"' in page.text


async def test_the_section_in_english(client):
    problem = await make_problem()
    page = await client.get(f"/mitmachen/{problem['id']}", headers={"accept-language": "en"})
    assert "0 people support this problem." in page.text
    assert "Sign in to support this problem" in page.text
    assert "No comments yet." in page.text


async def test_too_many_supports_are_refused_with_a_message(client):
    problem = await make_problem()
    base = f"/mitmachen/{problem['id']}"
    with clock.frozen(next_hour() + timedelta(days=3)):
        await resident(client)
        for number in range(limits.SUPPORTS_PER_USER.limit):
            method = "POST" if number % 2 == 0 else "DELETE"
            answer = await api(
                client, method, f"/api/v1/participation/problems/{problem['id']}/support"
            )
            assert answer.status_code == 200
        refused = await api(
            client, "POST", f"/api/v1/participation/problems/{problem['id']}/support"
        )
        page = await post_form(client, f"{base}/unterstuetzen", {})
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert page.status_code == 429
    assert "Zu viele Versuche" in page.text
    assert await counts(problem["id"]) == (0, 0)


async def test_too_many_anonymous_reports_on_the_page(app):
    problem, comment = await commented(app)
    link = f"/mitmachen/{problem['id']}/kommentare/{comment['id']}/melden"
    with clock.frozen(next_hour() + timedelta(days=4)):
        async with http_client(app, ip="10.78.0.1") as visitor:
            for _ in range(limits.ANONYMOUS_REPORTS_PER_IP.limit):
                assert (await post_form(visitor, link, {"reason": "Spam"})).status_code == 303
            refused = await post_form(visitor, link, {"reason": "Noch mal"})
    assert refused.status_code == 429
    assert "Noch mal" in refused.text  # the reason is kept
    assert "Zu viele Versuche" in refused.text
