"""The document library pages (no JavaScript needed) and the orphan clean-up."""

import os
import re
import time
from datetime import UTC, datetime, timedelta

from challenge.platform.documents.orphans import remove_orphans
from challenge.platform.documents.tables import Document
from challenge.platform.storage import new_key, storage_from_settings
from tests.support.files import multipart, pdf
from tests.support.web import csrf, login, make_user, post_form


async def test_upload_list_and_delete_through_the_pages(client):
    user = await make_user()
    await login(client, user["email"])
    page = await client.get("/account/documents")
    assert "Sie haben noch keine Dokumente hochgeladen." in page.text
    action = re.search(
        r'<form method="post" action="([^"]+)" enctype="multipart/form-data"', page.text
    ).group(1)
    # multipart bodies stream: the token travels first in the body, where the CSRF middleware
    # reads just that part (documents.multipart.leading_field) — never in the address
    assert "_csrf_token" not in action
    form = page.text.split(f'action="{action}" enctype="multipart/form-data"', 1)[1]
    first_input = re.search(r"<input[^>]*>", form).group(0)
    assert 'name="_csrf_token"' in first_input
    body, content_type = multipart(
        "Lebenslauf.pdf", pdf(), extra={"_csrf_token": client.cookies["csrftoken"]}
    )
    uploaded = await client.post(
        action,
        content=body,
        headers={"content-type": content_type},
        follow_redirects=True,
    )
    assert uploaded.status_code == 200
    assert "Lebenslauf.pdf" in uploaded.text
    document_id = re.search(r"/account/documents/([0-9a-f-]+)/delete", uploaded.text).group(1)
    confirm = await client.get(f"/account/documents/{document_id}/delete")
    assert "wirklich löschen" in confirm.text
    assert await Document.exists().where(Document.id == document_id)
    await post_form(client, f"/account/documents/{document_id}/delete", {})
    assert not await Document.exists().where(Document.id == document_id)


async def test_upload_errors_are_shown_on_the_page_without_the_token_in_its_address(client):
    user = await make_user()
    await login(client, user["email"])
    token = await csrf(client)
    body, content_type = multipart("bild.png", pdf())
    response = await client.post(
        f"/account/documents?_csrf_token={token}",
        content=body,
        headers={"content-type": content_type},
    )
    # the refusal comes back as a redirect to the form page: the page the person then sees (and
    # its language switch, history and Referer) has an address without the CSRF token
    assert response.status_code == 303
    location = response.headers["location"]
    assert token not in location and "csrf" not in location
    assert location == "/account/documents?refused=type_mismatch"
    page = await client.get(location)
    assert 'id="error-summary"' in page.text
    assert "Der Dateiname passt nicht zum Inhalt der Datei." in page.text
    assert token not in str(page.url) and "Die Datei wurde hochgeladen." not in page.text


async def test_a_refusal_code_in_the_address_shows_only_the_portal_s_own_words(client):
    user = await make_user()
    await login(client, user["email"])
    page = await client.get("/account/documents", params={"refused": "<b>Passwort eingeben</b>"})
    assert "Passwort eingeben" not in page.text
    assert "Die Datei konnte nicht hochgeladen werden." in page.text


async def test_a_stored_upload_is_confirmed_on_the_page(client):
    user = await make_user()
    await login(client, user["email"])
    token = await csrf(client)
    body, content_type = multipart("Lebenslauf.pdf", pdf())
    response = await client.post(
        f"/account/documents?_csrf_token={token}",
        content=body,
        headers={"content-type": content_type},
    )
    assert response.status_code == 303 and token not in response.headers["location"]
    page = await client.get(response.headers["location"])
    assert "Die Datei wurde hochgeladen." in page.text and "Lebenslauf.pdf" in page.text
    assert "SHA-256" not in page.text  # no checksums shown to applicants


async def test_multipart_upload_without_csrf_token_is_refused(client):
    user = await make_user()
    await login(client, user["email"])
    body, content_type = multipart("a.pdf", pdf())
    response = await client.post(
        "/account/documents", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 403
    assert not await Document.exists().where(Document.owner_id == str(user["id"]))


async def test_orphaned_objects_and_stale_pending_uploads_are_removed(settings):
    storage = storage_from_settings(settings)

    async def one_chunk():
        yield b"%PDF-1.4 verwaist"

    orphan = new_key("upload")
    await storage.put_stream(orphan, one_chunk(), content_type="application/pdf", max_bytes=100)
    fresh = new_key("upload")
    await storage.put_stream(fresh, one_chunk(), content_type="application/pdf", max_bytes=100)
    old = time.time() - 2 * 86400
    os.utime(settings.documents_dir / orphan, (old, old))
    pending = Document(
        storage_key=new_key("upload"),
        kind="upload",
        status="pending",
        owner_type="user",
        owner_id="x",
        filename="p.pdf",
        content_type="application/pdf",
        created_at=datetime.now(UTC) - timedelta(days=2),
    )
    await pending.save()
    removed = await remove_orphans(storage)
    assert removed >= 2
    assert await storage.head(orphan) is None
    assert await storage.head(fresh) is not None  # younger than a day: maybe an upload in flight
    assert not await Document.exists().where(Document.id == pending.id)


async def test_an_upload_without_its_token_in_the_body_is_refused(client):
    """The token read from the body's first part is the real check: a body that leads with the
    file (or a wrong token) is refused, and nothing is stored."""
    user = await make_user()
    await login(client, user["email"])
    before = await Document.count()
    for extra in ({}, {"_csrf_token": "not-the-token"}):
        body, content_type = multipart("Lebenslauf.pdf", pdf(), extra=extra)
        answer = await client.post(
            "/account/documents", content=body, headers={"content-type": content_type}
        )
        assert answer.status_code == 403
    assert await Document.count() == before
