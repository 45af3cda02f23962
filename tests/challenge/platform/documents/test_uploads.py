"""The upload pipeline through the API on both backends: the bad-file corpus, outages,
downloads and their authorisation, direct uploads to S3."""

import hashlib

import httpx
import pytest

from challenge.platform.documents.tables import Document
from challenge.platform.storage import storage_from_settings
from tests.conftest import http_client, make_settings, other_app
from tests.support.files import JPEG, PNG, multipart, pdf
from tests.support.web import api, csrf, login, make_user

MB = 1024 * 1024


async def upload(client, filename, content, **kwargs):
    body, content_type = multipart(filename, content, **kwargs)
    return await client.post(
        "/api/v1/me/documents",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
    )


async def stored_keys(settings) -> set[str]:
    return {info.key async for info in storage_from_settings(settings).list_objects()}


@pytest.fixture
async def doc_client(app, storage_settings):
    """A logged-in applicant on an app using the parametrised storage backend."""
    async with other_app(app, storage_settings) as client:
        user = await make_user()
        await login(client, user["email"])
        client.user = user
        yield client


BAD_FILES = [
    ("empty file", "leer.pdf", b"", 422, "empty_file"),
    ("oversized", "gross.pdf", None, 413, "file_too_large"),
    (
        "wrong magic bytes",
        "bericht.pdf",
        b"Dies ist nur Text, kein PDF." * 10,
        415,
        "unsupported_type",
    ),
    ("PDF named .png", "bild.png", pdf(), 422, "type_mismatch"),
    ("JPEG named .pdf", "scan.pdf", JPEG, 422, "type_mismatch"),
    (
        "HTML named .pdf",
        "seite.pdf",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        415,
        "unsupported_type",
    ),
    (
        "SVG with script",
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        415,
        "unsupported_type",
    ),
    (
        "SVG named .png",
        "logo.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
        415,
        "unsupported_type",
    ),
    ("Windows executable", "setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, 415, "unsupported_type"),
    ("ELF executable", "foto.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, 415, "unsupported_type"),
    ("shell script", "run.pdf", b"#!/bin/sh\nrm -rf /\n", 415, "unsupported_type"),
    (
        "PDF with JavaScript",
        "formular.pdf",
        pdf()[:-6]
        + b"1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n",
        422,
        "pdf_javascript",
    ),
    ("name with ../", "../../etc/passwd.pdf", pdf(), 422, "bad_filename"),
    ("backslash path", "ordner\\antrag.pdf", pdf(), 422, "bad_filename"),
    ("name with NUL", "antrag\x00.pdf", pdf(), 422, "bad_filename"),
    ("RTL override", "rechnung\u202efdp.exe.pdf", pdf(), 422, "bad_filename"),
    ("300-character name", "a" * 296 + ".pdf", pdf(), 422, "bad_filename"),
    ("hidden file name", ".htaccess.pdf", pdf(), 422, "bad_filename"),
]


@pytest.mark.parametrize(
    ("case", "filename", "content", "status", "code"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
async def test_bad_files_are_refused_and_nothing_is_stored(
    doc_client, storage_settings, case, filename, content, status, code
):
    if content is None:
        content = pdf(size=2 * MB + 10)
    keys_before = await stored_keys(storage_settings)
    rows_before = await Document.count()
    response = await upload(doc_client, filename, content)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    assert await stored_keys(storage_settings) == keys_before
    assert await Document.count() == rows_before


async def test_duplicate_upload_is_refused_and_keeps_one_copy(doc_client, storage_settings):
    content = pdf()
    first = await upload(doc_client, "antrag.pdf", content)
    assert first.status_code == 201
    keys = await stored_keys(storage_settings)
    second = await upload(doc_client, "antrag-kopie.pdf", content)
    assert second.status_code == 409 and second.json()["code"] == "duplicate_document"
    assert await stored_keys(storage_settings) == keys


async def test_missing_file_part_and_wrong_encoding(doc_client):
    body, content_type = multipart(None, b"", extra={"note": "ohne Datei"})
    response = await doc_client.post(
        "/api/v1/me/documents",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(doc_client)},
    )
    assert response.status_code == 422
    as_json = await api(doc_client, "POST", "/api/v1/me/documents", {"file": "x"})
    assert as_json.status_code == 415


async def test_good_files_are_stored_with_hash_and_sniffed_type(doc_client, storage_settings):
    for filename, content, media_type in (
        ("Bericht März.pdf", pdf(), "application/pdf"),
        ("plan.PNG", PNG, "image/png"),
        ("foto.jpeg", JPEG, "image/jpeg"),
    ):
        response = await upload(doc_client, filename, content)
        assert response.status_code == 201, response.text
        document = response.json()
        assert document["filename"] == filename
        assert document["content_type"] == media_type
        assert document["size"] == len(content)
        assert document["sha256"] == hashlib.sha256(content).hexdigest()
        row = (
            await Document.select(Document.storage_key).where(Document.id == document["id"]).first()
        )
        assert filename not in row["storage_key"]
        info = await storage_from_settings(storage_settings).head(row["storage_key"])
        assert info.size == len(content)


async def test_download_is_an_attachment_for_the_owner_only(app, doc_client, storage_settings):
    content = pdf("Geheim")
    document = (await upload(doc_client, "Bericht März.pdf", content)).json()
    response = await doc_client.get(f"/api/v1/documents/{document['id']}")
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Bericht%20M%C3%A4rz.pdf" in response.headers["content-disposition"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"
    async with http_client(app) as other:
        stranger = await make_user()
        await login(other, stranger["email"])
        assert (await other.get(f"/api/v1/documents/{document['id']}")).status_code == 404
        other.cookies.clear()
        assert (await other.get(f"/api/v1/documents/{document['id']}")).status_code == 404
        assert (
            await api(other, "DELETE", f"/api/v1/me/documents/{document['id']}")
        ).status_code == 401


async def test_other_users_cannot_delete_a_document(app, doc_client):
    document = (await upload(doc_client, "mein.pdf", pdf())).json()
    async with http_client(app) as other:
        stranger = await make_user()
        await login(other, stranger["email"])
        assert (
            await api(other, "DELETE", f"/api/v1/me/documents/{document['id']}")
        ).status_code == 404
    assert await Document.exists().where(Document.id == document["id"])
    assert (
        await api(doc_client, "DELETE", f"/api/v1/me/documents/{document['id']}")
    ).status_code == 204
    assert not await Document.exists().where(Document.id == document["id"])


async def test_redirect_mode_sends_a_short_lived_presigned_url(
    app, tmp_path, database_url, moto_s3
):
    settings = make_settings(
        tmp_path / "redirect", database_url, download_mode="redirect", **moto_s3.settings_env()
    )
    async with other_app(app, settings) as client:
        user = await make_user()
        await login(client, user["email"])
        content = pdf("direkt")
        document = (await upload(client, "akte.pdf", content)).json()
        response = await client.get(f"/api/v1/documents/{document['id']}", follow_redirects=False)
        assert response.status_code == 302
        location = response.headers["location"]
        assert location.startswith(moto_s3.url) and "X-Amz-Expires=60" in location
        async with httpx.AsyncClient() as outside:
            fetched = await outside.get(location)
        assert fetched.content == content
        assert "attachment" in fetched.headers["content-disposition"]


async def test_storage_outage_mid_upload_answers_503_and_recovers(
    app, tmp_path, database_url, moto_s3
):
    settings = make_settings(
        tmp_path / "outage",
        database_url,
        upload_max_mb="20",
        **moto_s3.settings_env(prefix="outage/"),
    )
    async with other_app(app, settings) as client:
        user = await make_user()
        await login(client, user["email"])
        rows_before = await Document.count()
        body, content_type = multipart("gross.pdf", pdf(size=12 * MB))

        async def stream_then_outage():
            yield body[: 6 * MB]
            moto_s3.stop()  # the storage goes away while the upload is still arriving
            for start in range(6 * MB, len(body), MB):
                yield body[start : start + MB]

        try:
            response = await client.post(
                "/api/v1/me/documents",
                content=stream_then_outage(),
                headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
            )
        finally:
            moto_s3.start()
        assert response.status_code == 503
        assert response.json()["code"] == "storage_unavailable"
        assert await Document.count() == rows_before
        again = await upload(client, "wieder.pdf", pdf())
        assert again.status_code == 201


async def test_direct_upload_to_s3_is_checked_before_it_counts(doc_client, storage_settings):
    content = pdf("gross und direkt")
    started = await api(
        doc_client,
        "POST",
        "/api/v1/me/documents/direct",
        {"filename": "direkt.pdf", "content_type": "application/pdf", "size": len(content)},
    )
    assert started.status_code == 201
    plan = started.json()
    if storage_settings.storage == "local":
        assert plan["mode"] == "stream"  # local storage: use the streamed upload instead
        return
    assert plan["mode"] == "direct"
    async with httpx.AsyncClient() as browser:
        posted = await browser.post(
            plan["url"],
            data=plan["fields"],
            files={"file": ("direkt.pdf", content, "application/pdf")},
        )
        assert posted.status_code in (200, 201, 204)
    wrong = await api(
        doc_client,
        "POST",
        f"/api/v1/me/documents/{plan['document_id']}/confirm",
        {"sha256": "0" * 64},
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "checksum_mismatch"
    assert not await Document.exists().where(Document.id == plan["document_id"])

    again = (
        await api(
            doc_client,
            "POST",
            "/api/v1/me/documents/direct",
            {"filename": "direkt.pdf", "content_type": "application/pdf", "size": len(content)},
        )
    ).json()
    async with httpx.AsyncClient() as browser:
        await browser.post(
            again["url"],
            data=again["fields"],
            files={"file": ("direkt.pdf", content, "application/pdf")},
        )
    confirmed = await api(
        doc_client,
        "POST",
        f"/api/v1/me/documents/{again['document_id']}/confirm",
        {"sha256": hashlib.sha256(content).hexdigest()},
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["size"] == len(content)


async def test_direct_upload_of_the_wrong_type_is_removed(doc_client, storage_settings):
    if storage_settings.storage == "local":
        return
    html = b"<html><script>alert(1)</script></html>"
    plan = (
        await api(
            doc_client,
            "POST",
            "/api/v1/me/documents/direct",
            {"filename": "tarnung.pdf", "content_type": "application/pdf", "size": len(html)},
        )
    ).json()
    async with httpx.AsyncClient() as browser:
        # moto does not enforce the POST policy's content type; the confirm step must
        await browser.post(
            plan["url"],
            data=plan["fields"],
            files={"file": ("tarnung.pdf", html, "application/pdf")},
        )
    response = await api(
        doc_client,
        "POST",
        f"/api/v1/me/documents/{plan['document_id']}/confirm",
        {"sha256": hashlib.sha256(html).hexdigest()},
    )
    assert response.status_code == 415
    key = plan["fields"]["key"].removeprefix(storage_settings.s3_prefix)
    assert await storage_from_settings(storage_settings).head(key) is None
