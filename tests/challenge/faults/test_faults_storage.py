"""Storage faults at every step of an upload (issue 26, point 5): each answers 503
storage_unavailable, keeps no row without its object, removes what it wrote where it can, and
the hourly storage sweep removes the rest (orphaned objects, incomplete multipart uploads).

S3 runs on moto's HTTP server. A fault is either a real outage (moto stopped at the step) or,
where only one call must fail, the app's boto3 client method raising EndpointConnectionError
once (optionally after the call went through: the request arrived, its answer was lost).
"""

import hashlib
import os
import random
import time
from datetime import UTC, datetime, timedelta

import boto3
import httpx
import pytest
from botocore.exceptions import EndpointConnectionError

from challenge.platform.documents.tables import Document
from challenge.platform.housekeeping import sweep_storage
from challenge.platform.storage import StorageUnavailable, storage_from_settings
from tests.conftest import make_settings, other_app
from tests.support.files import multipart, pdf
from tests.support.s3 import BUCKET, REGION
from tests.support.web import api, csrf, login, make_user

MB = 1024 * 1024
LATER = timedelta(days=2)  # the sweep's clock, past the one-day grace


@pytest.fixture
def s3_settings(tmp_path, database_url, moto_s3):
    return make_settings(
        tmp_path / "data",
        database_url,
        upload_max_mb="20",
        **moto_s3.settings_env(prefix=f"faults{random.randint(0, 10**9)}/"),
    )


@pytest.fixture
def local_settings(tmp_path, database_url):
    return make_settings(tmp_path / "data", database_url, upload_max_mb="20")


async def logged_in(app, settings):
    client_context = other_app(app, settings)
    client = await client_context.__aenter__()
    user = await make_user()
    await login(client, user["email"])
    client.user = user
    client.context = client_context
    client.storage = client._transport.app.state.storage  # the app's own storage (and boto3 client)
    return client


@pytest.fixture
async def s3_client(app, s3_settings):
    client = await logged_in(app, s3_settings)
    yield client
    await client.context.__aexit__(None, None, None)


@pytest.fixture
async def local_client(app, local_settings):
    client = await logged_in(app, local_settings)
    yield client
    await client.context.__aexit__(None, None, None)


def fail(storage, method: str, *, nth: int = 1, through: bool = False, before=None) -> list:
    """The nth call of the app's boto3 client method fails with a connection error: after
    before() ran (e.g. stopping moto) and, if through, after the call itself went through."""
    original = getattr(storage.client, method)
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == nth:
            if before:
                before()
            if through:
                original(**kwargs)
            raise EndpointConnectionError(endpoint_url=storage.client.meta.endpoint_url)
        return original(**kwargs)

    setattr(storage.client, method, failing)
    return calls


def bucket(moto_s3):
    return boto3.client("s3", endpoint_url=moto_s3.url, region_name=REGION)


def objects(moto_s3, settings) -> list[str]:
    listed = bucket(moto_s3).list_objects_v2(Bucket=BUCKET, Prefix=settings.s3_prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


def incomplete_uploads(moto_s3, settings) -> list[str]:
    listed = bucket(moto_s3).list_multipart_uploads(Bucket=BUCKET, Prefix=settings.s3_prefix)
    return [item["UploadId"] for item in listed.get("Uploads", [])]


async def upload(client, filename, content):
    body, content_type = multipart(filename, content)

    async def pieces():  # as a browser sends it: in pieces, so a large file goes in several parts
        for start in range(0, len(body), MB):
            yield body[start : start + MB]

    return await client.post(
        "/api/v1/me/documents",
        content=pieces(),
        headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
    )


async def rows(client) -> int:
    return await Document.count().where(Document.owner_id == str(client.user["id"]))


def assert_storage_unavailable(response):
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "storage_unavailable"
    assert int(response.headers["retry-after"]) > 0


# --- streamed uploads to S3 -----------------------------------------------------------------

STREAMED_STEPS = [
    # (S3 call that fails, which call, went through?, size of the file)
    ("put_object", 1, True, 0),  # the PUT arrived, its answer was lost
    ("head_object", 1, False, 0),  # the verify after the PUT
    ("create_multipart_upload", 1, False, 12 * MB),
    ("upload_part", 2, False, 12 * MB),  # a part in the middle
    ("complete_multipart_upload", 1, False, 12 * MB),
    ("complete_multipart_upload", 1, True, 12 * MB),  # completed, answer lost
    ("copy_object", 1, False, 12 * MB),  # recording the hash after the multipart upload
    ("head_object", 1, False, 12 * MB),
]


@pytest.mark.parametrize(
    ("method", "nth", "through", "size"),
    STREAMED_STEPS,
    ids=[f"{m}-{n}{'-through' if t else ''}-{s // MB}MB" for m, n, t, s in STREAMED_STEPS],
)
async def test_storage_error_at_each_step_of_an_s3_upload_answers_503_and_leaves_nothing(
    s3_client,
    s3_settings,
    moto_s3,
    method,
    nth,
    through,
    size,
):
    calls = fail(s3_client.storage, method, nth=nth, through=through)
    response = await upload(s3_client, "antrag.pdf", pdf(size=size))
    assert len(calls) >= nth, f"{method} was called {len(calls)} times"
    assert_storage_unavailable(response)
    assert await rows(s3_client) == 0
    assert objects(moto_s3, s3_settings) == []  # the object (if any) was deleted again
    assert incomplete_uploads(moto_s3, s3_settings) == []  # the multipart upload was aborted
    again = await upload(s3_client, "antrag.pdf", pdf(size=size))
    assert again.status_code == 201, again.text
    assert await rows(s3_client) == 1
    assert len(objects(moto_s3, s3_settings)) == 1


async def test_s3_outage_between_put_and_head_answers_503_and_the_sweep_removes_the_object(
    s3_client,
    s3_settings,
    moto_s3,
):
    # A real outage: moto goes away right after the PUT, so the HEAD and the delete both fail.
    fail(s3_client.storage, "head_object", before=moto_s3.stop)
    try:
        response = await upload(s3_client, "antrag.pdf", pdf())
    finally:
        moto_s3.start()
    assert_storage_unavailable(response)
    assert await rows(s3_client) == 0
    left = objects(moto_s3, s3_settings)
    assert len(left) == 1  # the delete failed too: left to the clean-up
    storage = storage_from_settings(s3_settings)
    assert await sweep_storage(storage, datetime.now(UTC)) == (0, 0)  # younger than a day: kept
    assert objects(moto_s3, s3_settings) == left
    assert await sweep_storage(storage, datetime.now(UTC) + LATER) == (1, 0)
    assert objects(moto_s3, s3_settings) == []
    again = await upload(s3_client, "antrag.pdf", pdf())
    assert again.status_code == 201


def initiated(moto_s3, settings) -> datetime:
    """When the (one) incomplete upload under the prefix started, by the storage's own clock."""
    listed = bucket(moto_s3).list_multipart_uploads(Bucket=BUCKET, Prefix=settings.s3_prefix)
    (when,) = {item["Initiated"] for item in listed["Uploads"]}
    return when


async def test_failed_abort_leaves_an_incomplete_upload_the_sweep_aborts_after_a_day(
    s3_client,
    s3_settings,
    moto_s3,
):
    fail(s3_client.storage, "upload_part", nth=2)
    fail(s3_client.storage, "abort_multipart_upload")
    response = await upload(s3_client, "gross.pdf", pdf(size=12 * MB))
    assert_storage_unavailable(response)
    assert await rows(s3_client) == 0
    assert len(incomplete_uploads(moto_s3, s3_settings)) == 1
    storage = storage_from_settings(s3_settings)
    started = initiated(moto_s3, s3_settings)
    assert await sweep_storage(storage, started + timedelta(hours=23)) == (
        0,
        0,
    )  # younger than a day: kept
    assert len(incomplete_uploads(moto_s3, s3_settings)) == 1
    assert await sweep_storage(storage, started + LATER) == (0, 1)
    assert incomplete_uploads(moto_s3, s3_settings) == []
    assert objects(moto_s3, s3_settings) == []


async def test_sweep_aborts_only_incomplete_uploads_older_than_a_day_under_its_prefix(
    s3_settings, moto_s3
):
    s3 = bucket(moto_s3)
    for name in ("eins", "zwei"):
        s3.create_multipart_upload(Bucket=BUCKET, Key=f"{s3_settings.s3_prefix}upload/2026/{name}")
    elsewhere = s3.create_multipart_upload(Bucket=BUCKET, Key="anderes/upload")  # not the portal's
    try:
        storage = storage_from_settings(s3_settings)
        started = initiated(moto_s3, s3_settings)
        assert await sweep_storage(storage, started + timedelta(hours=12)) == (0, 0)
        assert len(incomplete_uploads(moto_s3, s3_settings)) == 2
        assert await sweep_storage(storage, started + LATER) == (0, 2)
        assert incomplete_uploads(moto_s3, s3_settings) == []
        listed = s3.list_multipart_uploads(Bucket=BUCKET, Prefix="anderes/")["Uploads"]
        assert [item["UploadId"] for item in listed] == [elsewhere["UploadId"]]
    finally:
        s3.abort_multipart_upload(
            Bucket=BUCKET, Key="anderes/upload", UploadId=elsewhere["UploadId"]
        )


async def test_refused_upload_whose_delete_fails_keeps_its_answer_and_the_sweep_removes_it(
    s3_client,
    s3_settings,
    moto_s3,
):
    fail(s3_client.storage, "delete_object")
    script = (
        pdf()[:-6]
        + b"1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n"
    )
    response = await upload(s3_client, "formular.pdf", script)
    assert response.status_code == 422  # the refusal stands: retrying the same file cannot help
    assert response.json()["code"] == "pdf_javascript"
    assert await rows(s3_client) == 0
    assert len(objects(moto_s3, s3_settings)) == 1
    assert await sweep_storage(storage_from_settings(s3_settings), datetime.now(UTC) + LATER) == (
        1,
        0,
    )
    assert objects(moto_s3, s3_settings) == []


async def test_storage_error_on_the_form_page_shows_the_message(s3_client, s3_settings, moto_s3):
    fail(s3_client.storage, "head_object")
    body, content_type = multipart("antrag.pdf", pdf())
    response = await s3_client.post(
        f"/account/documents?_csrf_token={await csrf(s3_client)}",
        content=body,
        headers={"content-type": content_type},
    )
    assert response.status_code == 503
    assert "Der Dokumentenspeicher ist gerade nicht erreichbar." in response.text
    assert await rows(s3_client) == 0
    assert objects(moto_s3, s3_settings) == []


# --- direct uploads to S3: the confirm step --------------------------------------------------

CONFIRM_STEPS = [
    ("head_object", 1, 0),  # what arrived
    ("get_object", 1, 0),  # the ranged read for the type
    ("get_object", 2, 0),  # the full read for the hash
    ("put_object", 1, 0),  # the checked copy under a fresh key
    ("copy_object", 1, 6 * MB),  # the checked copy's hash, after its multipart upload
    ("delete_object", 1, 0),  # removing the key the browser posted to
]


@pytest.mark.parametrize(
    ("method", "nth", "size"),
    CONFIRM_STEPS,
    ids=[f"{m}-{n}-{s // MB}MB" for m, n, s in CONFIRM_STEPS],
)
async def test_storage_error_while_confirming_a_direct_upload_answers_503_and_confirming_again_works(
    s3_client,
    s3_settings,
    moto_s3,
    method,
    nth,
    size,
):
    content = pdf("direkt", size=size)
    plan = (
        await api(
            s3_client,
            "POST",
            "/api/v1/me/documents/direct",
            {"filename": "direkt.pdf", "content_type": "application/pdf", "size": len(content)},
        )
    ).json()
    async with httpx.AsyncClient() as browser:
        posted = await browser.post(
            plan["url"],
            data=plan["fields"],
            files={"file": ("direkt.pdf", content, "application/pdf")},
        )
        assert posted.status_code in (200, 201, 204)
    posted_key = plan["fields"]["key"]
    calls = fail(s3_client.storage, method, nth=nth)
    confirm = f"/api/v1/me/documents/{plan['document_id']}/confirm"
    sha256 = hashlib.sha256(content).hexdigest()
    response = await api(s3_client, "POST", confirm, {"sha256": sha256})
    assert len(calls) >= nth
    assert_storage_unavailable(response)
    pending = await Document.select().where(Document.id == plan["document_id"]).first()
    assert pending["status"] == "pending"  # not stored: confirming again is possible
    assert objects(moto_s3, s3_settings) == [posted_key]  # only what the browser posted; no copy
    assert incomplete_uploads(moto_s3, s3_settings) == []
    again = await api(s3_client, "POST", confirm, {"sha256": sha256})
    assert again.status_code == 200, again.text
    stored = await Document.select().where(Document.id == plan["document_id"]).first()
    assert stored["status"] == "stored"
    assert objects(moto_s3, s3_settings) == [f"{s3_settings.s3_prefix}{stored['storage_key']}"]


# --- the local folder ---------------------------------------------------------------------------


def stored_files(settings) -> list[str]:
    root = settings.documents_dir
    return (
        sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
        if root.exists()
        else []
    )


async def test_local_storage_error_after_the_write_answers_503_and_leaves_nothing(
    local_client, local_settings, monkeypatch
):
    storage = local_client.storage
    original_head = storage.head

    async def head_fails(key):
        monkeypatch.setattr(storage, "head", original_head)
        raise StorageUnavailable("disk gone")

    monkeypatch.setattr(storage, "head", head_fails)
    response = await upload(local_client, "antrag.pdf", pdf())
    assert_storage_unavailable(response)
    assert await rows(local_client) == 0
    assert stored_files(local_settings) == []
    again = await upload(local_client, "antrag.pdf", pdf())
    assert again.status_code == 201


async def test_local_storage_error_on_head_and_delete_leaves_the_file_to_the_sweep(
    local_client, local_settings, monkeypatch
):
    storage = local_client.storage

    async def unavailable(key):
        raise StorageUnavailable("disk gone")

    monkeypatch.setattr(storage, "head", unavailable)
    monkeypatch.setattr(storage, "delete", unavailable)
    response = await upload(local_client, "antrag.pdf", pdf())
    assert_storage_unavailable(response)
    assert await rows(local_client) == 0
    monkeypatch.undo()
    assert (
        len(
            [
                name
                for name in stored_files(local_settings)
                if not os.path.basename(name).startswith(".")
            ]
        )
        == 1
    )
    sweep = storage_from_settings(local_settings)
    assert await sweep_storage(sweep, datetime.now(UTC)) == (0, 0)
    assert await sweep_storage(sweep, datetime.now(UTC) + LATER) == (1, 0)
    assert stored_files(local_settings) == []


async def test_local_partial_files_older_than_a_day_are_removed_by_the_sweep(local_settings):
    folder = local_settings.documents_dir / "upload" / "2026"
    folder.mkdir(parents=True)
    old, young = folder / ".alt.part", folder / ".jung.part"
    old.write_bytes(b"%PDF-1.4 halb")
    young.write_bytes(b"%PDF-1.4 halb")
    day_and_more = time.time() - 25 * 3600
    os.utime(old, (day_and_more, day_and_more))
    assert await sweep_storage(storage_from_settings(local_settings)) == (0, 1)
    assert not old.exists()
    assert young.exists()
