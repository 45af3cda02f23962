"""Monitoring and feeds are not public: /metrics and the details of /readyz need the metrics token
(or, without one, a request made on the machine itself); the staff calendar feed answers 404 to
any malformed token and its address rotates on its own with CHALLENGE_CALENDAR_FEED_SECRET."""

import shutil
from urllib.parse import quote

import pytest

from challenge.settings import SettingsError, load_settings
from partnerships.milestones.calendar import feed_token
from tests.conftest import http_client, make_settings, other_app

TOKEN = "m3tr1cs-" + "a" * 40


async def test_metrics_are_hidden_from_the_public_and_from_anything_a_proxy_forwarded(app):
    await http_client(app).get("/")
    assert (await http_client(app).get("/metrics")).status_code == 404  # a visitor
    assert (await http_client(app, ip="203.0.113.7").get("/metrics")).status_code == 404
    local = http_client(app, ip="127.0.0.1")
    for header in (
        {"x-forwarded-for": "203.0.113.7"},
        {"forwarded": "for=203.0.113.7"},
        {"x-real-ip": "203.0.113.7"},
    ):
        assert (await local.get("/metrics", headers=header)).status_code == 404, header
    on_the_machine = await local.get("/metrics")
    assert on_the_machine.status_code == 200 and "challenge_requests_total" in on_the_machine.text


async def test_readyz_tells_the_public_only_the_status_word(app):
    public = await http_client(app).get("/readyz")
    assert public.status_code == 200 and public.json() == {"status": "ready"}
    operator = (await http_client(app, ip="127.0.0.1").get("/readyz")).json()
    assert (
        operator["status"] == "ready"
        and operator["database"] == "ok"
        and operator["storage"] == "ok"
    )


async def test_with_a_metrics_token_only_the_bearer_of_it_sees_metrics_and_readiness_details(
    app, tmp_path, database_url
):
    settings = make_settings(tmp_path / "data", database_url, metrics_token=TOKEN)
    shutil.rmtree(settings.documents_dir)  # not ready: which check failed is for operators only
    async with other_app(app, settings, ip="127.0.0.1") as local:
        await local.get("/")
        assert (
            await local.get("/metrics")
        ).status_code == 404  # the token is required, even locally
        for wrong in (
            "Bearer " + TOKEN[:-1] + "b",
            "Bearer " + TOKEN + "x",
            "Bearer",
            "Basic " + TOKEN,
            TOKEN,
            "Bearer äöü-" + "a" * 40,
        ):
            response = await local.get("/metrics", headers={"authorization": wrong.encode()})
            assert response.status_code == 404, wrong
        metrics = await local.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
        assert metrics.status_code == 200 and "challenge_requests_total" in metrics.text
        public = await local.get("/readyz")
        assert public.status_code == 503 and public.json() == {"status": "not ready"}
        detailed = await local.get("/readyz", headers={"authorization": f"Bearer {TOKEN}"})
        assert detailed.status_code == 503 and detailed.json()["storage"].startswith("unavailable")
        assert detailed.json()["status"] == "not ready" and detailed.json()["database"] == "ok"


def test_a_short_metrics_token_is_refused_without_echoing_it(tmp_path):
    for name in ("METRICS_TOKEN", "CALENDAR_FEED_SECRET"):
        with pytest.raises(SettingsError) as refused:
            load_settings(
                {f"CHALLENGE_{name}": "geheim-aber-kurz", "CHALLENGE_DATA_DIR": str(tmp_path)}
            )
        assert f"CHALLENGE_{name}" in str(refused.value) and "geheim-aber-kurz" not in str(
            refused.value
        )


MALFORMED = [
    "z" * 40,
    "A" * 40,
    "a" * 39,
    "a" * 41,
    "a" * 4000,
    "ä" * 40,
    "ａ" * 40,
    "a" * 39 + "\u0000",
    "../" + "a" * 37,
    "%00",
    " " * 40,
    "🙂" * 10,
]


async def test_the_calendar_feed_answers_404_to_any_malformed_token(app, settings):
    client = http_client(app)
    for token in MALFORMED:
        response = await client.get(f"/api/v1/calendar/{quote(token, safe='')}/partnerships.ics")
        assert response.status_code == 404, (token, response.status_code)
    for path in ("/api/v1/calendar//partnerships.ics", "/api/v1/calendar/%C3%A4/partnerships.ics"):
        assert (await client.get(path)).status_code == 404, path
    good = await client.get(f"/api/v1/calendar/{feed_token(settings)}/partnerships.ics")
    assert good.status_code == 200 and good.headers["content-type"].startswith("text/calendar")


async def test_setting_the_feed_secret_rotates_the_feed_address_and_nothing_else(
    app, settings, tmp_path, database_url
):
    old = feed_token(settings)
    rotated = make_settings(
        tmp_path / "data",
        database_url,
        secret_key=settings.secret_key,
        calendar_feed_secret="feed-" + "b" * 40,
    )
    new = feed_token(rotated)
    assert new != old and len(new) == 40
    async with other_app(app, rotated) as client:
        assert (await client.get(f"/api/v1/calendar/{old}/partnerships.ics")).status_code == 404
        assert (await client.get(f"/api/v1/calendar/{new}/partnerships.ics")).status_code == 200
