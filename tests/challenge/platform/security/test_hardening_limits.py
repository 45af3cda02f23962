"""Resource limits and input hygiene on every route: NUL and control characters, huge strings,
deep JSON, too many or too large multipart fields, oversized and slow bodies, lenient numbers
for cents — each answered with a stable code (never a 500), with nothing stored. Also the money
forms (call, decision) read amounts in the user's language."""

import asyncio
import json
import uuid

import pytest

from challenge.calls.tables import Call
from challenge.organisations.tables import Organisation
from challenge.platform.accounts.tables import User
from challenge.platform.problems import Problem
from challenge.platform.security.limits import MAX_DEPTH, RequestLimitsMiddleware, json_depth
from challenge.results.tables import Decision
from tests.challenge.calls.test_calls_staff_pages import FORM
from tests.challenge.results.test_results import judged_call
from tests.conftest import http_client
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user, post_form, unique_email

BAD_TEXT = ["Eva\x00Muster", "Eva\x1b[31m", "Eva\x7f", "Eva\u0085", "x" * 100_001]


@pytest.fixture
async def staff(app):
    client = http_client(app)
    await client.__aenter__()
    user = await make_user(roles=("staff",))
    await login(client, user["email"])
    client.user = user
    yield client
    await client.__aexit__(None, None, None)


@pytest.fixture
async def applicant(app):
    client = http_client(app)
    await client.__aenter__()
    user = await make_user()
    await login(client, user["email"])
    yield client
    await client.__aexit__(None, None, None)


def deep(levels: int) -> str:
    return '{"name": ' + "[" * levels + "]" * levels + ', "kind": "startup"}'


# --- anonymous ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_TEXT)
async def test_registration_with_control_characters_or_huge_names_stores_no_account(client, name):
    email = unique_email("nul")
    response = await api(
        client,
        "POST",
        "/api/v1/auth/register",
        {"email": email, "password": "ein sehr langes Passwort 2026", "name": name},
    )
    assert response.status_code == 422, response.text
    assert (
        response.json()["code"] == "validation_error"
        and response.json()["errors"][0]["field"] == "name"
    )
    assert not await User.exists().where(User.email == email)


async def test_nul_in_a_json_key_or_nested_value_is_refused(client):
    for body in ({"email\x00": "a@b.de", "password": "x"}, {"email": ["a\x00"], "password": "x"}):
        response = await api(client, "POST", "/api/v1/auth/login", body)
        assert response.status_code == 422 and response.json()["code"] == "validation_error", (
            response.text
        )


async def test_json_nested_too_deeply_is_a_400_with_a_stable_code(client):
    token = await csrf(client)
    for levels in (MAX_DEPTH + 1, 100_000):
        response = await client.post(
            "/api/v1/auth/login",
            content=deep(levels),
            headers={"content-type": "application/json", "x-csrftoken": token},
        )
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "json_too_deep"
    # brackets inside strings do not count, and normal nesting passes the check
    assert (
        json_depth(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "b": [[1]]}') == 3
    )
    assert json_depth(b'["\\"[[[[", {"x": {}}]') == 3


async def test_bodies_above_the_limit_are_refused_with_413(client):
    token = await csrf(client)
    body = json.dumps({"email": "a@b.de", "password": "p" * (3 * 1024 * 1024)})
    response = await client.post(
        "/api/v1/auth/login",
        content=body,
        headers={"content-type": "application/json", "x-csrftoken": token},
    )
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


async def test_multipart_goes_only_to_upload_routes(client):
    body, content_type = multipart("a.pdf", pdf())
    response = await client.post(
        "/api/v1/auth/login",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


async def test_the_anonymous_verify_upload_caps_fields_and_refuses_control_characters(client):
    token = await csrf(client)
    many, content_type = multipart("a.pdf", pdf(), extra={f"f{n}": "x" for n in range(40)})
    response = await client.post(
        f"/verify?_csrf_token={token}", content=many, headers={"content-type": content_type}
    )
    assert response.status_code == 413
    huge, content_type = multipart("a.pdf", pdf(), extra={f"f{n}": "x" * 60_000 for n in range(6)})
    response = await client.post(
        f"/verify?_csrf_token={token}", content=huge, headers={"content-type": content_type}
    )
    assert response.status_code == 413
    nul, content_type = multipart("a.pdf", pdf(), extra={"note": "a\x00b"})
    response = await client.post(
        f"/verify?_csrf_token={token}", content=nul, headers={"content-type": content_type}
    )
    assert response.status_code == 422
    fine, content_type = multipart("a.pdf", pdf(), extra={"note": "zwei\r\nZeilen\tmit Tab"})
    response = await client.post(
        f"/verify?_csrf_token={token}", content=fine, headers={"content-type": content_type}
    )
    assert response.status_code == 200


async def test_control_characters_in_query_parameters_are_refused(client):
    assert (await client.get("/verify?code=ABC%00DEF")).status_code == 422
    response = await client.get("/api/v1/calls?q=%1b")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


# --- applicant ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_TEXT)
async def test_an_organisation_with_bad_text_is_not_stored(applicant, name):
    before = await Organisation.count()
    response = await api(
        applicant, "POST", "/api/v1/organisations", {"name": name, "kind": "startup"}
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error", (
        response.text
    )
    assert await Organisation.count() == before


async def test_deep_json_from_an_applicant_stores_nothing(applicant):
    before = await Organisation.count()
    response = await applicant.post(
        "/api/v1/organisations",
        content=deep(MAX_DEPTH + 5),
        headers={"content-type": "application/json", "x-csrftoken": await csrf(applicant)},
    )
    assert response.status_code == 400 and response.json()["code"] == "json_too_deep"
    assert await Organisation.count() == before


async def test_a_team_page_form_with_nul_is_refused(applicant):
    before = await Organisation.count()
    response = await post_form(applicant, "/teams/new", {"name": "Team\x00Nul", "kind": "startup"})
    assert response.status_code == 422
    assert await Organisation.count() == before
    too_many = await post_form(
        applicant,
        "/teams/new",
        {**{f"f{n}": "x" for n in range(600)}, "name": "T", "kind": "startup"},
    )
    assert too_many.status_code == 413
    assert await Organisation.count() == before


# --- staff -------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "description", "faq", "criteria"])
async def test_the_call_form_refuses_control_characters_in_every_field(staff, field):
    slug = f"nul-{uuid.uuid4().hex[:6]}"
    response = await post_form(
        staff, "/staff/calls/new", {**FORM, "slug": slug, field: FORM[field] + "\x00"}
    )
    assert response.status_code == 422, response.text
    assert not await Call.exists().where(Call.slug == slug)


async def test_multi_line_fields_keep_tabs_and_line_breaks(staff):
    slug = f"tab-{uuid.uuid4().hex[:6]}"
    response = await post_form(
        staff,
        "/staff/calls/new",
        {**FORM, "slug": slug, "description": "Ziel:\r\n\tweniger Energie"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


async def test_the_call_api_refuses_nul_and_lenient_cents(staff):
    from tests.challenge.calls.test_calls_editing import call_body

    for change in (
        {"description": "Text\u0000"},
        {"budget_cents": "150000"},
        {"budget_cents": 1.5e7},
        {"budget_cents": 150000.0},
        {"max_award_cents": 2**63},
        {"budget_cents": 10**40},
    ):
        slug = f"api-{uuid.uuid4().hex[:6]}"
        response = await api(staff, "POST", "/api/v1/calls", call_body(slug=slug, **change))
        assert response.status_code == 422, (change, response.text)
        assert response.json()["code"] == "validation_error"
        assert not await Call.exists().where(Call.slug == slug)


@pytest.mark.parametrize("award", ["100", 1e3, 100.0, True, 2**63, 2**64 + 1, 10**30])
async def test_decision_cents_are_strict_integers(app, staff, award):
    call, items, _ = await judged_call(entries=1, jurors=1)
    response = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/decisions",
        {
            "submission_id": str(items[0]["id"]),
            "outcome": "winner",
            "award_cents": award,
            "rationale": "Gut",
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert [e["field"] for e in response.json()["errors"]] == ["award_cents"]
    assert not await Decision.exists().where(Decision.submission == items[0]["id"])


async def test_the_call_form_reads_amounts_in_the_users_language(app):
    english = http_client(app)
    await english.__aenter__()
    user = await make_user(roles=("staff",), locale="en")
    await login(english, user["email"])
    slug = f"en-{uuid.uuid4().hex[:6]}"
    # the old form read "120,000.00" as 120 € and "1234.50" as 123,450 €
    created = await post_form(
        english,
        "/staff/calls/new",
        {**FORM, "slug": slug, "budget_cents": "120,000.00", "max_award_cents": "1234.50"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    row = (
        await Call.select(Call.budget_cents, Call.max_award_cents).where(Call.slug == slug).first()
    )
    assert row == {"budget_cents": 120_000_00, "max_award_cents": 1_234_50}
    form = await english.get(f"/staff/calls/{slug}/edit")
    assert 'value="120000.00"' in form.text
    # "1.234" has three decimals in English: refused, not read as 1,234 €
    other = f"en-{uuid.uuid4().hex[:6]}"
    refused = await post_form(
        english, "/staff/calls/new", {**FORM, "slug": other, "budget_cents": "1.234"}
    )
    assert refused.status_code == 422 and "two decimal places" in refused.text
    assert not await Call.exists().where(Call.slug == other)
    await english.__aexit__(None, None, None)


async def test_the_german_call_form_refuses_english_amounts(staff):
    slug = f"de-{uuid.uuid4().hex[:6]}"
    refused = await post_form(
        staff, "/staff/calls/new", {**FORM, "slug": slug, "budget_cents": "1234.50"}
    )
    assert refused.status_code == 422 and "12.500,00" in refused.text
    assert not await Call.exists().where(Call.slug == slug)
    huge = await post_form(
        staff, "/staff/calls/new", {**FORM, "slug": slug, "budget_cents": "9" * 25}
    )
    assert huge.status_code == 422 and "zu groß" in huge.text
    assert not await Call.exists().where(Call.slug == slug)


async def test_the_decision_form_reads_amounts_in_the_users_language(app):
    call, items, _ = await judged_call(entries=2, jurors=1)
    english = http_client(app)
    await english.__aenter__()
    user = await make_user(roles=("staff",), locale="en")
    await login(english, user["email"])
    url = f"/staff/calls/{call['slug']}/results/decide/{items[0]['id']}"
    refused = await post_form(
        english, url, {"outcome": "winner", "award": "40.000,50", "rationale": "Gut"}
    )
    assert refused.status_code == 422
    assert not await Decision.exists().where(Decision.submission == items[0]["id"])
    done = await post_form(
        english,
        url,
        {"outcome": "winner", "award": "40,000.50", "rationale": "Gut"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    row = (
        await Decision.select(Decision.award_cents)
        .where(Decision.submission == items[0]["id"])
        .first()
    )
    assert row["award_cents"] == 40_000_50
    assert 'value="40000.50"' in (await english.get(url)).text
    await english.__aexit__(None, None, None)


# --- slow bodies (the middleware alone, with a clock the test moves) ----------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


async def _read_all(receive):
    while True:
        message = await receive()
        if not message.get("more_body"):
            return


@pytest.mark.parametrize(
    ("seconds_per_chunk", "chunk", "chunks", "refused"),
    [
        (1.0, 10_000, 30, False),  # 10 kB/s for 30 s: fine
        (5.0, 100, 10, True),  # 20 B/s after the grace period: cut
        (61.0, 100_000, 20, True),  # fast enough per chunk, but over the total time
    ],
)
async def test_bodies_that_trickle_or_take_too_long_are_cut_with_408(
    seconds_per_chunk, chunk, chunks, refused
):
    clock = Clock()
    limits = RequestLimitsMiddleware(
        max_upload_bytes=100 * 1024 * 1024, total_seconds=900, clock=clock
    )
    sent = 0

    async def receive():
        nonlocal sent
        clock.now += seconds_per_chunk
        sent += 1
        return {"type": "http.request", "body": b"x" * chunk, "more_body": sent < chunks}

    timed = limits.timed(receive, limit=100 * 1024 * 1024)
    if refused:
        with pytest.raises(Problem) as cut:
            await _read_all(timed)
        assert cut.value.status == 408 and cut.value.code == "request_timeout"
    else:
        await _read_all(timed)


async def test_a_stalled_body_is_cut_with_408():
    limits = RequestLimitsMiddleware(max_upload_bytes=1024, idle_seconds=0)
    never = asyncio.Event()

    async def receive():
        await never.wait()

    with pytest.raises(Problem) as cut:
        await limits.timed(receive, limit=1024)()
    assert cut.value.status == 408


async def test_a_streamed_body_above_its_limit_is_cut_with_413():
    limits = RequestLimitsMiddleware(max_upload_bytes=1024)

    async def receive():
        return {"type": "http.request", "body": b"x" * 600, "more_body": True}

    timed = limits.timed(receive, limit=1000)
    await timed()
    with pytest.raises(Problem) as cut:
        await timed()
    assert cut.value.status == 413


# --- lengths agree with the database columns (PostgreSQL refuses longer Varchar text) -----------


async def test_a_round_name_longer_than_its_column_is_a_field_error(app, staff):
    from tests.challenge.results.test_results import CRITERIA

    call, _items, _ = await judged_call(entries=1, jurors=1)
    for body in ({"name": "R" * 201}, {"name": "Finale", "event_place": "P" * 301}):
        response = await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/rounds",
            {"number": 2, "criteria": CRITERIA, **body},
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"
    assert (
        await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/rounds",
            {"number": 2, "name": "R" * 200, "criteria": CRITERIA},
        )
    ).status_code == 201


async def test_call_form_texts_have_finite_limits(staff):
    slug = f"faq-{uuid.uuid4().hex[:6]}"
    response = await post_form(
        staff, "/staff/calls/new", {**FORM, "slug": slug, "faq": "Frage? | " + "a" * 20_001}
    )
    assert response.status_code == 422, response.text
    assert not await Call.exists().where(Call.slug == slug)
    from tests.challenge.calls.test_calls_editing import call_body

    response = await api(
        staff,
        "POST",
        "/api/v1/calls",
        call_body(slug=slug, faq=[{"question": "F?", "answer": "a" * 20_001}]),
    )
    assert response.status_code == 422 and not await Call.exists().where(Call.slug == slug)


async def test_control_characters_in_the_path_are_refused(client):
    response = await client.get("/calls/aufruf%00x")
    assert response.status_code == 404
    response = await client.get("/api/v1/calls/aufruf%00x")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
