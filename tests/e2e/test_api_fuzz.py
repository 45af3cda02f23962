"""API fuzzing with schemathesis against /schema/openapi.json of a running portal, as anonymous,
an applicant and staff: no 5xx, and answers match the schema where it declares one. A bounded
number of examples per operation here; a longer run: CHALLENGE_FUZZ_EXAMPLES=200."""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("CHALLENGE_FUZZ_EXAMPLES", "3"))
DEMO_PASSWORD = "Leipzig-Demo-2026"


def _openapi() -> dict:
    """The portal's OpenAPI document, built from the app itself (what /schema/openapi.json serves);
    the calls then go to a running portal."""
    import tempfile
    from pathlib import Path

    from challenge.app import create_app
    from tests.conftest import make_settings

    data = Path(tempfile.mkdtemp(prefix="openapi-"))
    app = create_app(make_settings(data, f"sqlite:///{data / 'unused.sqlite3'}"))
    return app.openapi_schema.to_schema()


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/login")
    token = session.cookies["csrftoken"]
    response = session.post(
        f"{base}/api/v1/auth/login",
        json={"email": email, "password": DEMO_PASSWORD},
        headers={"x-csrftoken": token},
    )
    response.raise_for_status()
    session.headers["x-csrftoken"] = session.cookies["csrftoken"]
    return session


@pytest.fixture(scope="module")
def sessions(portal):
    base, _data = portal
    anonymous = requests.Session()
    anonymous.get(f"{base}/login")
    anonymous.headers["x-csrftoken"] = anonymous.cookies["csrftoken"]
    return {
        "anonymous": anonymous,
        "applicant": signed_in(base, "team01@demo.leipzig.de"),
        "staff": signed_in(base, "staff@demo.leipzig.de"),
    }


schema = schemathesis.openapi.from_dict(_openapi())


def fuzz(case, role: str, portal, sessions) -> None:
    base, _data = portal
    if case.path in ("/api/v1/auth/logout", "/api/v1/auth/password") or case.path.startswith(
        "/api/v1/me/tokens"
    ):
        return  # would end or change the session the next examples use
    response = case.call(base_url=base, session=sessions[role])
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))


FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@schema.parametrize()
@FUZZ
def test_api_as_anonymous(case, portal, sessions):
    fuzz(case, "anonymous", portal, sessions)


@schema.parametrize()
@FUZZ
def test_api_as_applicant(case, portal, sessions):
    fuzz(case, "applicant", portal, sessions)


@schema.parametrize()
@FUZZ
def test_api_as_staff(case, portal, sessions):
    fuzz(case, "staff", portal, sessions)
