"""Active content in uploaded PDFs (issue 16): qpdf parses every upload, so scripts, launch,
submit and import actions, rich media, embedded files, encryption and broken files are refused
with their own code — also behind name escapes, inside object streams and in objects hidden
after the end of the file — on the streamed path and on direct uploads to S3. Nothing is kept
on a refusal. The portal's own PDFs (with an embedded JSON file) still verify by upload."""

import hashlib
import io
from datetime import UTC, datetime

import httpx
import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from challenge.platform.accounts.tables import User
from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import store_upload
from challenge.platform.pdf.codes import new_verification_code
from challenge.platform.pdf.issue import store_issued
from challenge.platform.pdf.render import html_to_pdf
from challenge.platform.problems import Problem
from challenge.platform.storage import storage_from_settings
from tests.challenge.platform.documents.test_uploads import doc_client, stored_keys, upload  # noqa: F401 (fixture)
from tests.support.files import multipart
from tests.support.web import api, csrf


def _new() -> pikepdf.Pdf:
    document = pikepdf.new()
    document.add_blank_page()
    return document


def _bytes(document: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    document.save(out, **options)
    return out.getvalue()


def _javascript() -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String("app.alert('hallo')"))


def _annotation(document: pikepdf.Pdf, **entries) -> None:
    annotation = document.make_indirect(
        Dictionary(Type=Name.Annot, Rect=Array([0, 0, 10, 10]), **entries)
    )
    document.pages[0].obj.Annots = document.make_indirect(Array([annotation]))


def clean() -> bytes:
    return _bytes(_new())


def open_action_script() -> bytes:
    document = _new()
    document.Root.OpenAction = _javascript()
    return _bytes(document)


def escaped_names() -> bytes:
    """/J#61vaScript and /J#53 are /JavaScript and /JS to every reader; the bytes are not."""
    document = _new()
    document.Root.OpenAction = _javascript()
    qdf = _bytes(document, qdf=True)  # indented: the escapes fit without moving any offset
    escaped = qdf.replace(b"  /S /JavaScript", b"/S /J#61vaScript").replace(b"  /JS (", b"/J#53 (")
    assert b"/JavaScript" not in escaped and b"/JS " not in escaped and b"/JS(" not in escaped
    return escaped


def script_in_object_stream() -> bytes:
    document = _new()
    document.Root.OpenAction = document.make_indirect(_javascript())
    packed = _bytes(document, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"JavaScript" not in packed  # compressed inside an object stream
    return packed


def document_script_name_tree() -> bytes:
    document = _new()
    document.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("start"), document.make_indirect(_javascript())]))
    )
    return _bytes(document)


def page_additional_action() -> bytes:
    document = _new()
    document.pages[0].obj.AA = Dictionary(
        O=Dictionary(S=Name.GoTo, D=Array([document.pages[0].obj, Name.Fit]))
    )
    return _bytes(document)


def launch_link() -> bytes:
    document = _new()
    _annotation(document, Subtype=Name.Link, A=Dictionary(S=Name.Launch, F=String("cmd.exe")))
    return _bytes(document)


def submit_form_field() -> bytes:
    document = _new()
    field = document.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Btn,
            T=String("senden"),
            Rect=Array([0, 0, 10, 10]),
            A=Dictionary(S=Name.SubmitForm, F=String("https://example.org/collect")),
        )
    )
    document.pages[0].obj.Annots = Array([field])
    document.Root.AcroForm = Dictionary(Fields=Array([field]))
    return _bytes(document)


def import_data() -> bytes:
    document = _new()
    document.Root.OpenAction = Dictionary(S=Name.ImportData, F=String("daten.fdf"))
    return _bytes(document)


def rich_media() -> bytes:
    document = _new()
    _annotation(
        document,
        Subtype=Name.RichMedia,
        RichMediaContent=Dictionary(Assets=Dictionary(Names=Array([]))),
    )
    return _bytes(document)


def embedded_file() -> bytes:
    document = _new()
    document.attachments["liste.xlsx"] = pikepdf.AttachedFileSpec(
        document, b"PK\x03\x04 nicht wirklich"
    )
    return _bytes(document)


def file_attachment_annotation() -> bytes:
    document = _new()
    spec = pikepdf.AttachedFileSpec(document, b"MZ ausfuehrbar", filename="tool.exe")
    _annotation(document, Subtype=Name.FileAttachment, FS=spec.obj)
    return _bytes(document)


def encrypted_without_password() -> bytes:
    return _bytes(_new(), encryption=pikepdf.Encryption(owner="besitzer", user=""))


def encrypted_with_password() -> bytes:
    return _bytes(_new(), encryption=pikepdf.Encryption(owner="besitzer", user="geheim"))


def unparseable() -> bytes:
    return b"%PDF-1.7\n" + b"\x00\xff kein PDF " * 50


def hidden_after_end() -> bytes:
    """A catalog defined again after %%EOF, outside the table: a repairing reader uses it."""
    data = clean()
    with pikepdf.open(io.BytesIO(data)) as document:
        root, pages = document.Root.objgen, document.Root.Pages.objgen
    hidden = (
        b"%d %d obj\n<< /Type /Catalog /Pages %d %d R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%%%EOF\n"
        % (*root, *pages)
    )
    return data + hidden


REFUSED = [
    ("script on open", open_action_script, "pdf_javascript"),
    ("escaped names", escaped_names, "pdf_javascript"),
    ("script in an object stream", script_in_object_stream, "pdf_javascript"),
    ("document script name tree", document_script_name_tree, "pdf_javascript"),
    ("page additional action", page_additional_action, "pdf_javascript"),
    ("hidden object after %%EOF", hidden_after_end, "pdf_javascript"),
    ("launch link", launch_link, "pdf_launch_action"),
    ("form field submit", submit_form_field, "pdf_submit_form"),
    ("import data", import_data, "pdf_import_data"),
    ("rich media annotation", rich_media, "pdf_rich_media"),
    ("embedded file", embedded_file, "pdf_embedded_file"),
    ("file attachment annotation", file_attachment_annotation, "pdf_embedded_file"),
    ("encrypted, no password", encrypted_without_password, "pdf_encrypted"),
    ("encrypted with password", encrypted_with_password, "pdf_encrypted"),
    ("unparseable", unparseable, "pdf_unparseable"),
]


@pytest.mark.parametrize(("case", "build", "code"), REFUSED, ids=[c[0] for c in REFUSED])
async def test_active_content_is_refused_and_nothing_is_stored(
    doc_client,  # noqa: F811
    storage_settings,
    case,
    build,
    code,
):
    content = build()
    keys_before, rows_before = await stored_keys(storage_settings), await Document.count()
    response = await upload(doc_client, "antrag.pdf", content)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == code
    assert (
        body["detail"].startswith("PDF-")
        or body["detail"].startswith("Verschlüsselte")
        or body["detail"].startswith("Die PDF-Datei")
    )
    assert body["errors"][0]["field"] == "file"
    assert await stored_keys(storage_settings) == keys_before
    assert await Document.count() == rows_before


async def test_the_refusal_speaks_english_too(doc_client):  # noqa: F811
    await User.update({User.locale: "en"}).where(User.id == doc_client.user["id"])
    response = await upload(doc_client, "antrag.pdf", launch_link())
    assert response.json()["code"] == "pdf_launch_action"
    assert response.json()["detail"] == "PDF files that start other programs are not accepted."


def text_about_scripts() -> bytes:
    """Harmless: the words /JavaScript and /Launch only in the page's text (uncompressed)."""
    document = _new()
    document.pages[0].obj.Contents = document.make_stream(
        b"BT /F1 12 Tf 72 712 Td (Kein /JavaScript, kein /Launch, kein /JS) Tj ET"
    )
    return _bytes(document, compress_streams=False)


def web_link() -> bytes:
    document = _new()
    _annotation(
        document, Subtype=Name.Link, A=Dictionary(S=Name.URI, URI=String("https://www.leipzig.de/"))
    )
    return _bytes(document)


@pytest.mark.parametrize(
    "build", [clean, text_about_scripts, web_link], ids=["clean", "words only", "web link"]
)
async def test_ordinary_pdfs_are_accepted(doc_client, build):  # noqa: F811
    content = build()
    response = await upload(doc_client, "bericht.pdf", content)
    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == hashlib.sha256(content).hexdigest()


async def test_the_portals_own_pdfs_pass_and_verify_by_upload(app, doc_client):  # noqa: F811
    """Issued PDFs are PDF/A-3 with an embedded JSON file: /verify only hashes them."""
    pdf = html_to_pdf(
        '<html lang="de"><head><title>Prüfstück</title></head><body><p>Prüfstück</p></body></html>',
        attachments=[("release-package.json", b'{"releases": []}', "OCDS")],
    )
    issued = await store_issued(
        app.state.storage,
        pdf,
        code=new_verification_code(),
        issued_at=datetime.now(UTC),
        title="Prüfstück mit Anhang",
        filename="pruefstueck.pdf",
        kind="receipt",
        owner_type="submission_issued",
        owner_id="00000000-0000-4000-8000-000000009999",
    )
    content = b"".join(
        [chunk async for chunk in app.state.storage.get_stream(issued["storage_key"])]
    )
    with pikepdf.open(io.BytesIO(content)) as document:
        assert "release-package.json" in document.attachments
    body, content_type = multipart("pruefstueck.pdf", content)
    result = await doc_client.post(
        f"/verify?_csrf_token={await csrf(doc_client)}",
        content=body,
        headers={"content-type": content_type},
    )
    assert result.status_code == 200
    assert "Das Portal hat dieses Dokument ausgestellt." in result.text
    # as an upload it is still an attachment carrier like any other
    assert (await upload(doc_client, "pruefstueck.pdf", content)).json()[
        "code"
    ] == "pdf_embedded_file"


@pytest.mark.parametrize(
    ("build", "code"),
    [(escaped_names, "pdf_javascript"), (embedded_file, "pdf_embedded_file")],
    ids=["escaped script", "embedded file"],
)
async def test_direct_uploads_get_the_same_check(doc_client, storage_settings, build, code):  # noqa: F811
    content = build()
    plan = (
        await api(
            doc_client,
            "POST",
            "/api/v1/me/documents/direct",
            {"filename": "direkt.pdf", "content_type": "application/pdf", "size": len(content)},
        )
    ).json()
    if storage_settings.storage == "local":
        assert plan["mode"] == "stream"  # local storage: the streamed path above checks it
        return
    async with httpx.AsyncClient() as browser:
        await browser.post(
            plan["url"],
            data=plan["fields"],
            files={"file": ("direkt.pdf", content, "application/pdf")},
        )
    keys_before = await stored_keys(storage_settings)
    response = await api(
        doc_client,
        "POST",
        f"/api/v1/me/documents/{plan['document_id']}/confirm",
        {"sha256": hashlib.sha256(content).hexdigest()},
    )
    assert response.status_code == 422 and response.json()["code"] == code
    assert not await Document.exists().where(Document.id == plan["document_id"])
    key = plan["fields"]["key"].removeprefix(storage_settings.s3_prefix)
    assert await storage_from_settings(storage_settings).head(key) is None
    assert await stored_keys(storage_settings) == keys_before - {key}


async def test_a_context_may_take_embedded_files_but_never_scripts(app):
    """A signed copy of a contract the portal issued keeps its embedded data file: such a
    context allows embedded files (UploadRules.allow_embedded_files), never scripts."""
    rules = UploadRules(allowed_types=("application/pdf",), allow_embedded_files=True)
    owner = "00000000-0000-4000-8000-00000000e3b0"

    async def chunks(content):
        yield content

    stored = await store_upload(
        app.state.storage,
        chunks=chunks(embedded_file()),
        filename="vertrag.pdf",
        rules=rules,
        owner_type="user",
        owner_id=owner,
        actor=None,
    )
    assert stored["status"] == "stored"
    document = _new()
    document.attachments["daten.json"] = pikepdf.AttachedFileSpec(document, b"{}")
    document.Root.OpenAction = _javascript()
    with pytest.raises(Problem) as refused:
        await store_upload(
            app.state.storage,
            chunks=chunks(_bytes(document)),
            filename="vertrag.pdf",
            rules=rules,
            owner_type="user",
            owner_id=owner,
            actor=None,
        )
    assert refused.value.code == "pdf_javascript"
    await Document.delete().where(Document.owner_id == owner)
