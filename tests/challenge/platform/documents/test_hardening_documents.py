"""Document hardening (issue 16): receipts the portal issues are not attachments of a proposal
(jurors neither list nor download them, teams cannot delete them); jurors get attachments
without identifying metadata and, on blind calls, without the uploaded file name; a confirmed
direct upload cannot be swapped in the bucket afterwards."""

import hashlib
import importlib
import io
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pikepdf

from challenge.platform.documents.tables import Document
from challenge.platform.storage import storage_from_settings
from challenge.submissions.receipts import receipt_for
from tests.challenge.jury.test_jury import juror_client, staff  # noqa: F401 (fixture)
from tests.challenge.platform.documents.test_uploads import doc_client  # noqa: F401 (fixture)
from tests.challenge.submissions.test_submissions import COMPLETE, open_call
from tests.conftest import http_client
from tests.support.factories import make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user

AUTHOR = "Erika Mustermann"
CREATOR = "Stadtwerke Musterstadt Textverarbeitung"
TITLE = "Konzept des Teams Sonnenfeld"
PRODUCER = "Sonnenfeld PDF Producer 7"
IDENTIFYING = (AUTHOR, CREATOR, TITLE, PRODUCER)


def pdf_with_metadata() -> bytes:
    """A one-page PDF naming its author in the Info dictionary and in the XMP packet."""
    document = pikepdf.new()
    document.add_blank_page()
    with document.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = [AUTHOR]
        xmp["dc:title"] = TITLE
        xmp["xmp:CreatorTool"] = CREATOR
        xmp["pdf:Producer"] = PRODUCER
    document.docinfo["/Author"] = AUTHOR
    document.docinfo["/Creator"] = CREATOR
    document.docinfo["/Title"] = TITLE
    document.docinfo["/Producer"] = PRODUCER
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def metadata_of(content: bytes) -> str:
    """Everything pikepdf reads as metadata: the Info dictionary and the XMP packet."""
    with pikepdf.open(io.BytesIO(content)) as document:
        info = {str(k): str(v) for k, v in document.docinfo.items()}
        xmp = (
            bytes(document.Root.Metadata.read_bytes()).decode("utf-8", "replace")
            if "/Metadata" in document.Root
            else ""
        )
    return f"{info} {xmp}"


async def entry_with(app, call, content: bytes, filename: str, more: tuple = ()) -> dict:
    """A submitted proposal with attachments (the first as "document"); its member's client stays open."""
    client = http_client(app)
    await client.__aenter__()
    user = await make_user(name="Moritz Mitglied")
    await login(client, user["email"])
    team = await make_team(user["id"], name="Team Sonnenfeld")
    sub = (
        await api(
            client,
            "POST",
            f"/api/v1/calls/{call['slug']}/submissions",
            {"organisation_id": str(team["id"]), **COMPLETE},
        )
    ).json()
    documents = []
    for name, data in ((filename, content), *more):
        body, content_type = multipart(name, data)
        attached = await client.post(
            f"/api/v1/submissions/{sub['id']}/documents",
            content=body,
            headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
        )
        assert attached.status_code == 201, attached.text
        documents.append(attached.json())
    submitted = await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
    assert submitted.status_code == 200, submitted.text
    return {**submitted.json(), "client": client, "document": documents[0], "documents": documents}


async def assigned_juror(app, staff, call, entry):  # noqa: F811
    juror = await juror_client(app, staff, call)
    assert (
        await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    ).status_code == 200
    assigned = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    assert assigned.status_code == 200, assigned.text
    assert (await juror.get(f"/api/v1/submissions/{entry['id']}")).status_code == 200
    return juror


# --- 1. receipts are issued documents, not attachments ------------------------------------------


async def test_receipts_are_not_attachments_jurors_see_or_teams_delete(app, staff):  # noqa: F811
    call = await open_call()
    entry = await entry_with(app, call, pdf(), "Konzept.pdf")
    team = entry["client"]
    # issued here first: rendering can take longer than the request-body timer of a GET allows
    await receipt_for(app.state.storage, UUID(entry["id"]), base_url="http://portal.test")
    receipt = await team.get(f"/api/v1/submissions/{entry['id']}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF-")
    row = (
        await Document.select()
        .where((Document.kind == "receipt") & (Document.owner_id == entry["id"]))
        .first()
    )
    assert row["owner_type"] == "submission_issued"

    # the team and staff still download it, by the receipt route and by its document id
    assert (await team.get(f"/api/v1/documents/{row['id']}")).content == receipt.content
    assert (await staff.get(f"/api/v1/documents/{row['id']}")).status_code == 200
    assert (await staff.get(f"/api/v1/submissions/{entry['id']}/receipt.pdf")).status_code == 200

    # the team lists only its attachment and cannot remove the receipt
    listed = (await team.get(f"/api/v1/submissions/{entry['id']}")).json()["documents"]
    assert [d["id"] for d in listed] == [entry["document"]["id"]]
    removed = await api(team, "DELETE", f"/api/v1/submissions/{entry['id']}/documents/{row['id']}")
    assert removed.status_code == 404
    assert await Document.exists().where(Document.id == row["id"])

    # a juror neither lists nor downloads it, through the API or the review page
    juror = await assigned_juror(app, staff, call, entry)
    seen = (await juror.get(f"/api/v1/submissions/{entry['id']}")).json()["documents"]
    assert [d["id"] for d in seen] == [entry["document"]["id"]]
    assert (await juror.get(f"/api/v1/documents/{row['id']}")).status_code == 404
    assert (await juror.get(f"/api/v1/submissions/{entry['id']}/receipt.pdf")).status_code == 404
    page = await juror.get(f"/jury/reviews/{entry['id']}")
    assert page.status_code == 200 and entry["document"]["id"] in page.text
    assert str(row["id"]) not in page.text
    for client in (team, juror):
        await client.__aexit__(None, None, None)


async def test_the_migration_moves_receipts_stored_as_attachments():
    migration = importlib.import_module(
        "challenge.piccolo_migrations.challenge_2026_11_30t13_07_56_636276"
    )
    owner = "00000000-0000-4000-8000-00000000abcd"
    now = datetime.now(UTC)
    rows = {}
    for kind in ("receipt", "award_letter", "certificate", "attachment"):
        document = Document(
            storage_key=f"{kind}/2026/{hashlib.sha256(owner.encode() + kind.encode()).hexdigest()[:32]}",
            kind=kind,
            owner_type="submission",
            owner_id=owner,
            filename=f"{kind}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="",
            created_at=now,
        )
        await document.save()
        rows[kind] = document.id
    manager = await migration.forwards()
    await manager.run()
    owners = {
        r["kind"]: r["owner_type"]
        for r in await Document.select(Document.kind, Document.owner_type).where(
            Document.owner_id == owner
        )
    }
    assert owners == {
        "receipt": "submission_issued",
        "award_letter": "submission_issued",
        "certificate": "submission_issued",
        "attachment": "submission",
    }
    await Document.delete().where(Document.owner_id == owner)


# --- 2. jurors get attachments without identifying metadata -------------------------------------


async def test_jurors_get_attachments_without_metadata_and_teams_the_original(app, staff):  # noqa: F811
    call = await open_call(blind_review=True)
    original = pdf_with_metadata()
    assert all(value in metadata_of(original) for value in IDENTIFYING)
    entry = await entry_with(app, call, original, "Sonnenfeld Konzept.pdf")
    document_id = entry["document"]["id"]
    juror = await assigned_juror(app, staff, call, entry)

    served = await juror.get(f"/api/v1/documents/{document_id}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/pdf"
    found = metadata_of(served.content)
    assert not [value for value in IDENTIFYING if value in found], found
    assert not [value.encode() for value in IDENTIFYING if value.encode() in served.content]
    with pikepdf.open(io.BytesIO(served.content)) as copy:
        assert len(copy.pages) == 1 and "/Metadata" not in copy.Root and not copy.docinfo.keys()
    disposition = served.headers["content-disposition"]
    assert "Sonnenfeld" not in disposition and "Anlage-1.pdf" in disposition

    for reader in (entry["client"], staff):  # the team and staff get the original
        response = await reader.get(f"/api/v1/documents/{document_id}")
        assert response.content == original
        assert all(value in metadata_of(response.content) for value in IDENTIFYING)
        assert "Sonnenfeld%20Konzept.pdf" in response.headers["content-disposition"]
    for client in (entry["client"], juror):
        await client.__aexit__(None, None, None)


async def test_on_open_calls_jurors_still_get_no_metadata(app, staff):  # noqa: F811
    call = await open_call(blind_review=False)
    entry = await entry_with(app, call, pdf_with_metadata(), "Konzept Sonnenfeld.pdf")
    juror = await assigned_juror(app, staff, call, entry)
    served = await juror.get(f"/api/v1/documents/{entry['document']['id']}")
    assert served.status_code == 200
    assert not [value for value in IDENTIFYING if value in metadata_of(served.content)]
    for client in (entry["client"], juror):
        await client.__aexit__(None, None, None)


# --- 4. a confirmed direct upload cannot be swapped in the bucket --------------------------------


async def test_a_confirmed_direct_upload_cannot_be_swapped(doc_client, storage_settings):  # noqa: F811
    content = pdf("bestaetigt")
    plan = (
        await api(
            doc_client,
            "POST",
            "/api/v1/me/documents/direct",
            {"filename": "direkt.pdf", "content_type": "application/pdf", "size": len(content)},
        )
    ).json()
    if storage_settings.storage == "local":
        assert plan["mode"] == "stream"  # nothing reaches the storage but through the portal
        return
    async with httpx.AsyncClient() as browser:
        posted = await browser.post(
            plan["url"],
            data=plan["fields"],
            files={"file": ("direkt.pdf", content, "application/pdf")},
        )
        assert posted.status_code in (200, 201, 204)
    confirmed = await api(
        doc_client,
        "POST",
        f"/api/v1/me/documents/{plan['document_id']}/confirm",
        {"sha256": hashlib.sha256(content).hexdigest()},
    )
    assert confirmed.status_code == 200, confirmed.text
    posted_key = plan["fields"]["key"].removeprefix(storage_settings.s3_prefix)

    # the presigned POST is still valid: post other bytes to it, and overwrite the key directly
    swapped = pdf("vertauscht")
    async with httpx.AsyncClient() as browser:
        await browser.post(
            plan["url"],
            data=plan["fields"],
            files={"file": ("direkt.pdf", swapped, "application/pdf")},
        )
    storage = storage_from_settings(storage_settings)

    async def chunks():
        yield swapped

    await storage.put_stream(
        posted_key, chunks(), content_type="application/pdf", max_bytes=len(swapped)
    )
    served = await doc_client.get(f"/api/v1/documents/{plan['document_id']}")
    assert served.status_code == 200
    assert served.content == content
    row = (
        await Document.select(Document.storage_key)
        .where(Document.id == plan["document_id"])
        .first()
    )
    assert (
        row["storage_key"] != posted_key
    )  # the checked bytes live under a key the browser never had


def image_with_metadata(kind: str) -> bytes:
    """A JPEG with the author in EXIF, or a PNG with the author in a text chunk."""
    from PIL import Image, PngImagePlugin

    image, out = Image.new("RGB", (8, 8), "orange"), io.BytesIO()
    if kind == "jpeg":
        exif = Image.Exif()
        exif[0x013B] = AUTHOR  # Artist
        exif[0x010E] = TITLE  # ImageDescription
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", AUTHOR)
        info.add_itxt("Title", TITLE)
        image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


async def test_jurors_get_images_without_exif_or_text_chunks(app, staff):  # noqa: F811
    from PIL import Image

    call = await open_call(
        blind_review=True,
        document_rules={
            "max_files": 3,
            "max_bytes": 1024 * 1024,
            "allowed_types": ["application/pdf", "image/jpeg", "image/png"],
        },
    )
    jpeg, png = image_with_metadata("jpeg"), image_with_metadata("png")
    entry = await entry_with(
        app, call, jpeg, "Foto Sonnenfeld.jpg", more=(("Plan Sonnenfeld.png", png),)
    )
    documents = [
        (d["id"], original, d["content_type"])
        for d, original in zip(entry["documents"], (jpeg, png), strict=True)
    ]
    assert [media_type for _, _, media_type in documents] == ["image/jpeg", "image/png"]
    juror = await assigned_juror(app, staff, call, entry)
    for document_id, original, media_type in documents:
        served = await juror.get(f"/api/v1/documents/{document_id}")
        assert served.status_code == 200 and served.headers["content-type"] == media_type
        assert AUTHOR.encode() not in served.content and TITLE.encode() not in served.content
        with Image.open(io.BytesIO(served.content)) as image:
            assert image.size == (8, 8) and not image.getexif() and "Author" not in image.info
        assert "Sonnenfeld" not in served.headers["content-disposition"]
        assert (await entry["client"].get(f"/api/v1/documents/{document_id}")).content == original
    for client in (entry["client"], juror):
        await client.__aexit__(None, None, None)
