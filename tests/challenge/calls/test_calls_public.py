"""Public call pages and the read-only calls API."""

from datetime import UTC, datetime, timedelta

from challenge.demo import load_demo
from tests.support.factories import make_call


async def test_home_lists_the_open_demo_call(client):
    await load_demo()
    response = await client.get("/")
    assert response.status_code == 200
    open_section = response.text.split('id="open-calls"')[1].split("</section>")[0]
    assert "Klimaanpassung im Quartier" in open_section
    assert "kern.min.css" in response.text


async def test_demo_is_idempotent(app, settings):
    await load_demo(settings=settings)
    assert await load_demo(settings=settings) == {
        "users": 0,
        "calls": 0,
        "challenges": 0,
        "proposals": 0,
        "jurors": 0,
        "past entries": 0,
        "participation": 0,
        "partnerships": 0,
    }


async def test_home_groups_upcoming_and_past_calls(client):
    now = datetime.now(UTC)
    upcoming = await make_call(
        title="Zukunftsaufruf", opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=50)
    )
    past = await make_call(
        title="Vergangener Aufruf",
        opens_at=now - timedelta(days=50),
        closes_at=now - timedelta(seconds=1),
    )
    text = (await client.get("/")).text
    upcoming_section = text.split('id="upcoming-calls"')[1].split("</section>")[0]
    past_section = text.split('id="past-calls"')[1].split("</section>")[0]
    assert upcoming["title"] in upcoming_section
    assert past["title"] in past_section


async def test_draft_calls_are_invisible_to_the_public(client):
    draft = await make_call(title="Geheimer Entwurf", status="draft")
    assert "Geheimer Entwurf" not in (await client.get("/")).text
    assert (await client.get(f"/calls/{draft['slug']}")).status_code == 404
    assert (await client.get(f"/api/v1/calls/{draft['slug']}")).status_code == 404
    listing = (await client.get("/api/v1/calls", params={"per_page": 100})).json()
    assert draft["slug"] not in {item["slug"] for item in listing["items"]}


async def test_call_page_shows_timeline_in_berlin_time(client):
    closes = datetime(2031, 3, 31, 10, 0, tzinfo=UTC)  # 12:00 in Berlin (summer time)
    call = await make_call(opens_at=datetime(2031, 1, 1, 8, 0, tzinfo=UTC), closes_at=closes)
    text = (await client.get(f"/calls/{call['slug']}")).text
    assert "31. März 2031, 12:00 Uhr" in text
    assert "100.000,00\xa0€" in text
    english = (await client.get(f"/calls/{call['slug']}", headers={"Accept-Language": "en"})).text
    assert "31 March 2031, 12:00" in english


async def test_call_description_markdown_is_rendered_without_html(client):
    call = await make_call(
        title="<script>alert('t')</script>Titel",
        description="**fett** <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
    )
    text = (await client.get(f"/calls/{call['slug']}")).text
    assert "<strong>fett</strong>" in text
    assert "<script>alert" not in text
    assert "<img" not in text
    assert 'href="javascript:' not in text
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;Titel" in text


async def test_calls_api_pages_and_describes_calls(client):
    for _ in range(3):
        await make_call()
    first = (await client.get("/api/v1/calls", params={"per_page": 2, "page": 1})).json()
    second = (await client.get("/api/v1/calls", params={"per_page": 2, "page": 2})).json()
    assert len(first["items"]) == 2
    assert first["total"] >= 3 and first["per_page"] == 2
    assert {i["slug"] for i in first["items"]}.isdisjoint({i["slug"] for i in second["items"]})
    item = first["items"][0]
    for key in (
        "id",
        "slug",
        "title",
        "status",
        "phase",
        "criteria",
        "opens_at",
        "closes_at",
        "budget_cents",
        "document_rules",
    ):
        assert key in item


async def test_call_api_phase_follows_the_clock(client):
    now = datetime.now(UTC)
    closed = await make_call(closes_at=now - timedelta(seconds=1))
    open_ = await make_call(closes_at=now + timedelta(minutes=5))
    assert (await client.get(f"/api/v1/calls/{closed['slug']}")).json()["phase"] == "closed"
    assert (await client.get(f"/api/v1/calls/{open_['slug']}")).json()["phase"] == "open"


async def test_public_pages_are_cached_briefly_for_anonymous_visitors_only(
    app, tmp_path, database_url
):
    from tests.conftest import make_settings, other_app
    from tests.support.web import login, make_user

    settings = make_settings(tmp_path / "cached", database_url, page_cache="true")
    call = await make_call(title="Vorher")
    async with other_app(app, settings) as client:
        assert "Vorher" in (await client.get(f"/calls/{call['slug']}")).text
        from challenge.calls.tables import Call

        await Call.update({Call.title: "Nachher"}).where(Call.slug == call["slug"])
        assert (
            "Vorher" in (await client.get(f"/calls/{call['slug']}")).text
        )  # served from the cache
        assert (
            "Nachher"
            in (await client.get(f"/calls/{call['slug']}", headers={"Accept-Language": "en"})).text
        )
        user = await make_user()
        await login(client, user["email"])
        assert (
            "Nachher" in (await client.get(f"/calls/{call['slug']}")).text
        )  # logged in: never cached


async def test_demo_past_call_has_published_results_within_budget(client):
    await load_demo()
    results = (await client.get("/api/v1/calls/mobilitaet-2025/results")).json()
    # the best three ideas per challenge entered the development phase, each with its stipend
    assert results["awards"] == []  # no prizes: the ideas round leads to the development phase
    selected = {c["key"]: c["selected"] for c in results["challenges"]}
    assert {key: len(teams) for key, teams in selected.items()} == {
        "radverkehr": 3,
        "barrierefrei": 3,
    }
    assert all(t["outcome"] == "development" for teams in selected.values() for t in teams)
    page = await client.get("/calls/mobilitaet-2025/results")
    assert page.status_code == 200 and "Sichere Fahrradbügel" in page.text
    assert "alumni01@demo.leipzig.de" not in page.text
