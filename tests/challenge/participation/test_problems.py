"""Residents' problems (issue 21, point 1): proposing through the API and the form (checks, the
display name, the daily limit, a photo or PDF), who sees a pending or declined problem, and the
public list with search, filters, sorting and pages — never with an e-mail address."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from challenge.participation import profiles
from challenge.participation.problems import service
from challenge.participation.profiles import ANONYMOUS
from challenge.participation.tables import ResidentProblem
from challenge.platform import clock
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import gettext
from tests.challenge.platform.documents.test_hardening_documents import image_with_metadata
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge
from tests.support.files import JPEG, multipart, pdf
from tests.support.web import api, csrf, login, make_user

GOOD = {
    "title": "Zu wenige Fahrradbügel am Bahnhof",
    "description": "Am Bahnhof finden Pendlerinnen morgens keinen freien Bügel mehr.",
    "district": "mitte",
    "topic": "mobility",
}


async def resident(client, *, display_name: str | None = "Anna aus Gohlis", **kwargs) -> dict:
    """A signed-in resident (with a chosen display name unless None)."""
    user = await make_user(**kwargs)
    await login(client, user["email"])
    if display_name:
        await profiles.set_display_name(user["id"], display_name)
    return user


async def staff(client) -> dict:
    user = await make_user(roles=("staff",))
    await login(client, user["email"])
    return user


async def propose(client, **overrides):
    return await api(client, "POST", "/api/v1/participation/problems", {**GOOD, **overrides})


async def stored(author: UUID, *, status: str = "published", **fields) -> UUID:
    """A problem written directly (lists and visibility need many)."""
    now = clock.now()
    values = {
        "title": GOOD["title"],
        "description": GOOD["description"],
        "description_html": f"<p>{GOOD['description']}</p>",
        "district": "mitte",
        "topic": "mobility",
        "created_at": now,
        "published_at": now if status in ("published", "merged") else None,
        **fields,
    }
    row = ResidentProblem(id=uuid4(), author=author, status=status, **values)
    await row.save()
    return row.id


async def upload_form(client, fields: dict, file: tuple[str, bytes] | None = None):
    """The proposal form as a browser sends it: the CSRF token first, the file last."""
    token = await csrf(client)
    name, content = file if file else (None, b"")
    body, content_type = multipart(
        name if file else "", content, extra={"_csrf_token": token, **fields}
    )
    return await client.post("/mitmachen/neu", content=body, headers={"content-type": content_type})


async def test_a_resident_proposes_a_pending_problem_only_author_and_staff_see(app):
    async with http_client(app) as author, http_client(app) as other, http_client(app) as team:
        user = await resident(author)
        response = await propose(author)
        assert response.status_code == 201, response.text
        problem = response.json()
        assert problem["status"] == "pending"
        assert problem["author"] == "Anna aus Gohlis"
        assert problem["description_html"].startswith("<p>Am Bahnhof")
        path = f"/api/v1/participation/problems/{problem['id']}"
        assert (await author.get(path)).status_code == 200
        await resident(other, display_name="Ben")
        assert (await other.get(path)).status_code == 404
        assert (await other.get(f"/mitmachen/{problem['id']}")).status_code == 404
        await staff(team)
        assert (await team.get(path)).json()["title"] == GOOD["title"]
        page = await author.get(f"/mitmachen/{problem['id']}")
        assert "Waiting for moderation" in page.text or "Wartet auf Moderation" in page.text
        assert user["email"] not in page.text


async def test_anonymous_visitors_cannot_propose(client):
    response = await propose(client)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    page = await client.get("/mitmachen/neu", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


async def test_a_proposal_with_wrong_fields_is_refused_and_nothing_is_stored(client):
    user = await resident(client)
    response = await propose(
        client, title="", description="kurz", district="atlantis", topic="weather"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {e["field"] for e in body["errors"]} == {"title", "description", "district", "topic"}
    too_long = await propose(client, title="x" * 151, description="y" * 5001)
    assert {e["field"] for e in too_long.json()["errors"]} == {"title", "description"}
    assert await ResidentProblem.count().where(ResidentProblem.author == user["id"]) == 0


async def test_five_problems_a_day_per_person_then_429(client):
    with clock.frozen(datetime(2026, 6, 3, 12, tzinfo=UTC)) as frozen:
        user = await resident(client)
        for number in range(5):
            assert (await propose(client, title=f"Problem {number}")).status_code == 201
        refused = await propose(client, title="Problem 6")
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        frozen.advance(days=1)
        await login(client, user["email"])  # the session has ended meanwhile
        assert (await propose(client, title="Problem 7")).status_code == 201


async def test_the_form_asks_for_a_display_name_and_keeps_the_values_on_error(client):
    user = await resident(client, display_name=None)
    form = await client.get("/mitmachen/neu")
    assert 'name="display_name"' in form.text
    refused = await upload_form(client, {**GOOD, "title": "", "display_name": "A"})
    assert refused.status_code == 422
    assert GOOD["description"] in refused.text  # nothing typed is lost
    assert 'id="error-title"' in refused.text and 'id="error-display_name"' in refused.text
    assert await profiles.display_name(user["id"]) is None
    sent = await upload_form(client, {**GOOD, "display_name": "Anna G."})
    assert sent.status_code == 303
    assert re.fullmatch(r"/mitmachen/[0-9a-f-]{36}\?notice=proposed", sent.headers["location"])
    assert await profiles.display_name(user["id"]) == "Anna G."
    again = await client.get("/mitmachen/neu")
    assert 'name="display_name"' not in again.text


async def test_a_photo_is_stored_and_read_under_a_neutral_name_once_published(app):
    async with http_client(app) as author, http_client(app) as visitor:
        await resident(author)
        original = image_with_metadata("png")  # a real image (the redacted copy is re-encoded)
        sent = await upload_form(author, GOOD, ("Foto von Erika Mustermann.png", original))
        assert sent.status_code == 303, sent.text
        problem_id = UUID(sent.headers["location"].split("/")[2].split("?")[0])
        row = await service.get_problem(problem_id)
        link = f"/api/v1/documents/{row['document']}"
        own = await author.get(link)
        assert own.status_code == 200 and own.content == original
        assert (await visitor.get(link)).status_code == 404  # pending: not public
        await ResidentProblem.update({ResidentProblem.status: "published"}).where(
            ResidentProblem.id == problem_id
        )
        public = await visitor.get(link)
        assert public.status_code == 200
        assert "Mustermann" not in public.headers["content-disposition"]
        assert "Anhang-1.png" in public.headers["content-disposition"]
        page = await visitor.get(f"/mitmachen/{problem_id}")
        assert link in page.text and "Mustermann" not in page.text


async def test_a_pdf_and_a_jpeg_are_accepted_a_disguised_or_damaged_file_is_refused(client):
    await resident(client)
    assert (await upload_form(client, GOOD, ("plan.pdf", pdf()))).status_code == 303
    assert (
        await upload_form(client, GOOD, ("bild.jpg", image_with_metadata("jpeg")))
    ).status_code == 303
    before = await Document.count().where(Document.owner_type == "problem")
    # a damaged image: the public's copy without metadata could not be made of it
    damaged = await upload_form(client, {**GOOD, "title": "Kaputtes Bild"}, ("bild.jpg", JPEG))
    assert damaged.status_code == 422 and "lässt sich nicht lesen" in damaged.text
    assert "Kaputtes Bild" in damaged.text and 'id="error-file"' in damaged.text
    assert not await ResidentProblem.exists().where(ResidentProblem.title == "Kaputtes Bild")
    assert await Document.count().where(Document.owner_type == "problem") == before
    refused = await upload_form(
        client, {**GOOD, "title": "Bleibt stehen"}, ("bild.png", b"MZ\x90 not an image")
    )
    assert refused.status_code in (415, 422)
    assert "Bleibt stehen" in refused.text and 'id="error-file"' in refused.text
    assert await Document.count().where(Document.owner_type == "problem") == before
    assert not await ResidentProblem.exists().where(ResidentProblem.title == "Bleibt stehen")


async def test_pending_and_declined_problems_are_invisible_to_the_public(app):
    async with http_client(app) as author, http_client(app) as visitor:
        user = await resident(author)
        marker = uuid4().hex[:8]
        pending = await stored(user["id"], status="pending", title=f"Wartend {marker}")
        declined = await stored(
            user["id"], status="declined", title=f"Abgelehnt {marker}", reason="Einzelfall"
        )
        shown = await stored(user["id"], title=f"Sichtbar {marker}")
        await resident(visitor, display_name="Ben")
        for client in (visitor, http_client(app)):
            listing = await client.get("/mitmachen", params={"q": marker})
            api_list = await client.get("/api/v1/participation/problems", params={"q": marker})
            assert f"Sichtbar {marker}" in listing.text
            assert "Wartend" not in listing.text and "Abgelehnt" not in listing.text
            assert [item["id"] for item in api_list.json()["items"]] == [str(shown)]
            for hidden in (pending, declined):
                assert (await client.get(f"/mitmachen/{hidden}")).status_code == 404
                api_one = await client.get(f"/api/v1/participation/problems/{hidden}")
                assert api_one.status_code == 404
        mine = await author.get("/mitmachen/meine")
        assert f"Wartend {marker}" in mine.text and "Einzelfall" in mine.text
        own = await author.get(f"/api/v1/participation/problems/{declined}")
        assert own.json()["reason"] == "Einzelfall"


async def test_search_filters_sorting_and_pages(client):
    user = await make_user()
    marker = uuid4().hex[:8]
    start = clock.now() - timedelta(days=30)
    for number in range(23):
        await stored(
            user["id"],
            title=f"{marker} Nummer {number:02d}",
            district="ost" if number % 2 else "west",
            topic="energy" if number < 3 else "mobility",
            support_count=number,
            published_at=start + timedelta(hours=23 - number),
        )
    url = "/api/v1/participation/problems"
    by_supports = (await client.get(url, params={"q": marker})).json()
    assert by_supports["total"] == 23 and by_supports["pages"] == 2
    assert [i["supports"] for i in by_supports["items"][:3]] == [22, 21, 20]
    second = (await client.get(url, params={"q": marker, "page": 2})).json()
    assert len(second["items"]) == 3 and second["items"][-1]["supports"] == 0
    newest = (await client.get(url, params={"q": marker, "sort": "new"})).json()
    assert newest["items"][0]["title"].endswith("Nummer 00")
    energy = (await client.get(url, params={"q": marker, "topic": "energy"})).json()
    assert energy["total"] == 3
    east = (await client.get(url, params={"q": marker, "district": "ost"})).json()
    assert east["total"] == 11
    upper = (await client.get(url, params={"q": marker.upper() + " NUMMER 07"})).json()
    assert [i["title"] for i in upper["items"]] == [f"{marker} Nummer 07"]
    east_page = await client.get("/mitmachen", params={"q": marker, "district": "ost"})
    assert east_page.text.count(f"{marker} Nummer") == 11
    assert 'class="pagination"' not in east_page.text
    page = await client.get("/mitmachen", params={"q": marker, "page": 2})
    assert f"{marker} Nummer 02" in page.text and f"{marker} Nummer 03" not in page.text


async def test_the_list_shows_counts_the_challenge_badge_and_an_empty_state(client):
    user = await make_user()
    marker = uuid4().hex[:8]
    await stored(user["id"], title=f"{marker} gezählt", support_count=7, comment_count=3)
    page = await client.get("/mitmachen", params={"q": marker})
    assert 'data-problem="challenge"' not in page.text
    challenge = await make_challenge(await make_call(), "a")
    await stored(user["id"], title=f"{marker} geworden", challenge=challenge["id"])
    page = await client.get("/mitmachen", params={"q": marker})
    assert page.text.count('data-problem="challenge"') == 1
    assert re.search(r"7\s+(Unterstützungen|supports)", page.text)
    assert re.search(r"3\s+(Kommentare|comments)", page.text)
    empty = await client.get("/mitmachen", params={"q": "gibt-es-nicht-" + marker})
    assert empty.status_code == 200
    assert 'href="/mitmachen/neu"' in empty.text


async def test_no_email_or_account_id_in_public_pages_and_json(app):
    async with http_client(app) as author, http_client(app) as visitor:
        user = await resident(author, display_name=None, name="Erika Geheim")
        problem_id = await stored(user["id"], title=f"Öffentlich {uuid4().hex[:6]}")
        for path in (
            "/mitmachen",
            f"/mitmachen/{problem_id}",
            "/api/v1/participation/problems",
            f"/api/v1/participation/problems/{problem_id}",
        ):
            response = await visitor.get(path)
            assert response.status_code == 200
            assert user["email"] not in response.text
            assert str(user["id"]) not in response.text
            assert "Erika Geheim" not in response.text
        one = (await visitor.get(f"/api/v1/participation/problems/{problem_id}")).json()
        assert one["author"] == gettext(ANONYMOUS, "de")
        assert "@" not in one["author"]


async def test_a_merged_problem_points_to_its_target(client):
    user = await make_user()
    target = await stored(user["id"], title="Das Original")
    merged = await stored(user["id"], status="merged", title="Das Duplikat", merged_into=target)
    page = await client.get(f"/mitmachen/{merged}")
    assert page.status_code == 200
    assert f'href="/mitmachen/{target}"' in page.text and "Das Original" in page.text


async def test_the_list_links_the_open_peoples_prize(client):
    from challenge.calls.tables import Call
    from challenge.participation.tables import PrizeVoting

    call = await make_call(status="published")
    call_id = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    now = clock.now()
    await PrizeVoting(
        call=call_id,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=6),
        created_at=now,
    ).save()
    page = await client.get("/mitmachen")
    assert f"/mitmachen/publikumspreis/{call['slug']}" in page.text
    assert "Jetzt abstimmen" in page.text


async def test_twenty_problems_a_day_from_one_address_then_429(app):
    with clock.frozen(datetime(2026, 6, 4, 12, tzinfo=UTC)):
        async with http_client(app, ip="10.21.1.1") as shared:
            for person in range(4):
                await resident(shared, display_name=f"Nachbar {person}")
                for number in range(5):
                    sent = await propose(shared, title=f"Vom selben Anschluss {person}-{number}")
                    assert sent.status_code == 201
            await resident(shared, display_name="Nachbar 5")
            refused = await propose(shared, title="Einer zu viel")
            assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
            assert not await ResidentProblem.exists().where(
                ResidentProblem.title == "Einer zu viel"
            )


async def test_the_main_navigation_links_take_part(client):
    home = await client.get("/")
    assert 'href="/mitmachen"' in home.text and "Mitmachen" in home.text
