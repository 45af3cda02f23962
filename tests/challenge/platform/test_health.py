"""Operations endpoints: /healthz, /readyz (database and storage), /metrics, /schema."""

import re
import shutil

from tests.conftest import http_client, make_settings, other_app


async def test_healthz_answers_ok(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_database_and_storage(app):
    response = await http_client(app, ip="127.0.0.1").get("/readyz")  # an operator on the machine
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "storage": "ok", "disk": "ok"}
    assert response.headers["cache-control"] == "no-store"


async def test_readyz_fails_when_database_is_unreachable(app, tmp_path, database_url):
    if database_url.startswith("postgresql"):
        unreachable = "postgresql://postgres@127.0.0.1:1/nothing"
    else:
        (tmp_path / "blocked.sqlite3").mkdir()  # a directory where the file should be
        unreachable = f"sqlite:///{tmp_path / 'blocked.sqlite3'}"
    settings = make_settings(tmp_path / "data", unreachable)
    async with other_app(app, settings, ip="127.0.0.1") as broken:
        response = await broken.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "not ready"
        assert body["database"].startswith("unavailable")
        assert body["storage"] == "ok"
        assert (await broken.get("/healthz")).status_code == 200


async def test_readyz_fails_when_document_storage_is_missing(app, tmp_path, database_url):
    settings = make_settings(tmp_path / "data", database_url)
    shutil.rmtree(settings.documents_dir)
    async with other_app(app, settings, ip="127.0.0.1") as broken:
        response = await broken.get("/readyz")
        assert response.status_code == 503
        assert response.json()["database"] == "ok"
        assert response.json()["storage"].startswith("unavailable")


async def test_metrics_are_prometheus_text_with_request_counts(client, app):
    await client.get("/")
    response = await http_client(app, ip="127.0.0.1").get("/metrics")  # an operator on the machine
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "challenge_requests_total" in response.text
    assert 'path="/"' in response.text


async def test_schema_ui_uses_only_the_portals_own_assets(client):
    response = await client.get("/schema")
    assert response.status_code == 200
    html = response.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the schema page loads its UI assets"
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by the portal"
        assert (await client.get(asset)).status_code == 200, asset
    assert "<script>" not in html.replace(" ", "")  # no inline script (CSP)


async def test_openapi_json_lists_the_api(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/calls" in schema["paths"]
    assert not any(path.startswith("/static") for path in schema["paths"])
