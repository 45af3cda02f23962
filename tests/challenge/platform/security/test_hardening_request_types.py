"""Request limits that must not misfire, and JSON types taken strictly (issue 16, class 5/8).

- JSON bodies are decoded strictly against the route's declared type: "1" is no integer and
  "true" no boolean (Litestar on its own converts them leniently).
- A GET that carries a stray multipart content type (httpx keeps it when following the
  redirect after an upload) is no upload and is served.
- A small body is never cut as "trickling" because the event loop was busy.
"""

import pytest

from challenge.platform.problems import Problem
from challenge.platform.security.limits import RequestLimitsMiddleware
from tests.challenge.platform.security.test_hardening_limits import Clock, _read_all, staff  # noqa: F401 (fixture)
from tests.challenge.submissions.test_submissions import open_call
from tests.support.web import api


@pytest.mark.parametrize(
    "body",
    [
        {"round": "1", "reviews_per_submission": 2},
        {"round": 1, "reviews_per_submission": 2.0},
        {"round": True, "reviews_per_submission": 2},
    ],
)
async def test_json_numbers_must_be_numbers(app, staff, body):  # noqa: F811
    call = await open_call()
    response = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/assignments/auto", body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert [e["field"] for e in problem["errors"]] in (["round"], ["reviews_per_submission"])


async def test_a_get_with_a_stray_multipart_content_type_is_served(client):
    response = await client.get("/", headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 200


async def test_a_small_body_is_not_cut_when_the_event_loop_was_busy():
    clock = Clock()
    limits = RequestLimitsMiddleware(max_upload_bytes=1024 * 1024, clock=clock)
    sent = 0

    async def receive():  # two small chunks, each "arriving" 11 s late because the loop was busy
        nonlocal sent
        clock.now += 11
        sent += 1
        return {"type": "http.request", "body": b"x" * 100, "more_body": sent < 2}

    await _read_all(limits.timed(receive, limit=1024 * 1024, expected=200))
    # the same pace for a body of unknown length is trickling and is cut
    clock.now, sent = 0.0, 0
    with pytest.raises(Problem) as cut:
        await _read_all(limits.timed(receive, limit=1024 * 1024))
    assert cut.value.status == 408
