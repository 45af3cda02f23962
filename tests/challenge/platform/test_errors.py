"""Errors: bilingual HTML pages; problem+json with a stable code under /api/v1."""

import msgspec
from litestar import get
from litestar.exceptions import PermissionDeniedException

from challenge.platform.problems import FieldError, Problem
from tests.conftest import other_app


async def test_unknown_page_is_a_german_404_page(client):
    response = await client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="de"' in response.text
    assert "Seite nicht gefunden" in response.text
    assert "Zurück zur Startseite" in response.text


async def test_unknown_page_is_an_english_404_page(client):
    response = await client.get("/nope", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert '<html lang="en"' in response.text
    assert "Page not found" in response.text


async def test_api_404_is_problem_json(client):
    response = await client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_found"
    assert body["status"] == 404
    assert body["instance"] == "/api/v1/nope"
    assert body["type"] == "urn:challenge:problem:not_found"


async def test_api_unknown_call_is_problem_json_in_english(client):
    response = await client.get("/api/v1/calls/no-such-call", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] == "Call not found"


async def test_api_bad_query_is_422_validation_error_with_fields(client):
    response = await client.get("/api/v1/calls", params={"per_page": "many", "page": "0"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    fields = {error["field"] for error in body["errors"]}
    assert "per_page" in fields


async def test_api_wrong_method_is_405_problem(client):
    response = await client.delete("/api/v1/calls")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@get("/test-only/boom", include_in_schema=False)
async def boom() -> None:
    raise RuntimeError("secret internal detail")


@get("/api/v1/test-only/boom", include_in_schema=False)
async def api_boom() -> None:
    raise RuntimeError("secret internal detail")


@get("/test-only/forbidden", include_in_schema=False)
async def forbidden() -> None:
    raise PermissionDeniedException()


@get("/api/v1/test-only/problem", include_in_schema=False)
async def problem() -> None:
    raise Problem(
        422,
        "deadline_passed",
        "The deadline has passed.",
        errors=[FieldError("closes_at", "closed")],
        extra={"closed_at": "2026-01-01T12:00:00+01:00"},
    )


async def _extra_client(app, settings):
    return other_app(app, settings, extra_route_handlers=[boom, api_boom, forbidden, problem])


async def test_server_error_pages_hide_internals(app, settings):
    async with await _extra_client(app, settings) as extra:
        page = await extra.get("/test-only/boom")
        assert page.status_code == 500
        assert "Bei uns ist ein Fehler aufgetreten" in page.text
        assert "secret internal detail" not in page.text
        english = await extra.get("/test-only/boom", headers={"Accept-Language": "en"})
        assert "Something went wrong on our side" in english.text
        api = await extra.get("/api/v1/test-only/boom")
        assert api.status_code == 500
        assert api.json()["code"] == "internal_error"
        assert "secret" not in api.text


async def test_forbidden_page_in_both_languages(app, settings):
    async with await _extra_client(app, settings) as extra:
        german = await extra.get("/test-only/forbidden")
        assert german.status_code == 403
        assert "Zugriff verweigert" in german.text
        english = await extra.get("/test-only/forbidden", headers={"Accept-Language": "en"})
        assert "Access denied" in english.text


async def test_domain_problem_keeps_code_fields_and_extras(app, settings):
    async with await _extra_client(app, settings) as extra:
        response = await extra.get("/api/v1/test-only/problem")
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "deadline_passed"
        assert body["errors"] == [{"field": "closes_at", "message": "closed"}]
        assert body["closed_at"] == "2026-01-01T12:00:00+01:00"


async def test_security_headers_on_pages_and_errors(client):
    for path in ("/", "/gibt-es-nicht", "/api/v1/nope"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in response.headers  # http base URL


def test_forms_may_lead_to_the_city_provider_only_with_single_sign_on(settings):
    """Logging out of a provider sign-in answers the form with a redirect to the provider's
    end-session endpoint: form-action names its origin then, and nothing else ever."""
    from challenge.platform.headers import form_targets

    assert form_targets(settings) == "'self'"
    sso = msgspec.structs.replace(
        settings,
        oidc_issuer="https://sso.city.example:8443/realms/city",
        oidc_client_id="c",
        oidc_client_secret="s",
    )
    assert form_targets(sso) == "'self' https://sso.city.example:8443"
