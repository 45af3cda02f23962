"""PDFs: PDF/A-3u with language, title and tags; a fetcher that only serves static files;
the call PDF issued once per version; /verify by code and by file."""

import io
import re

import pytest
from pypdf import PdfReader

from challenge.calls.tables import Call
from challenge.platform.documents.tables import Document
from challenge.platform.pdf.codes import new_verification_code, normalise_code
from challenge.platform.pdf.fetcher import RefusedURL, StaticOnlyFetcher
from challenge.platform.pdf.render import html_to_pdf
from tests.support.factories import make_call
from tests.support.files import multipart
from tests.support.web import csrf


def xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_fetcher_serves_static_files_and_refuses_everything_else():
    fetcher = StaticOnlyFetcher()
    assert fetcher.fetch("static:/css/pdf.css").read().startswith(b"/*")
    assert fetcher.fetch("font:/FiraSans-Regular").read()[:4] in (
        b"\x00\x01\x00\x00",
        b"OTTO",
        b"true",
    )
    for url in (
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://127.0.0.1/",
        "static:/../../../etc/passwd",
        "font:/../../etc/passwd",
        "ftp://x/y",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_rendering_never_pulls_local_files_into_a_pdf():
    html = (
        '<html lang="de"><head><title>T</title><link rel="stylesheet" href="file:///etc/passwd"></head>'
        '<body><img src="file:///etc/passwd"><object data="file:///etc/passwd"></object><p>ok</p></body></html>'
    )
    pdf = html_to_pdf(html)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "root:" not in text and b"root:x:" not in pdf


def test_verification_codes_are_random_and_normalised():
    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("zu kurz") == ""


async def test_call_pdf_is_pdfa3_tagged_with_language_title_and_code(client):
    call = await make_call(
        title="Hitzeschutz im Quartier", description="## Ziel\n\nSchatten für **alle**."
    )
    response = await client.get(f"/calls/{call['slug']}/call.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    metadata = xmp(reader)
    assert 'pdfaid:part="3"' in metadata or "<pdfaid:part>3</pdfaid:part>" in metadata
    assert (
        'pdfaid:conformance="U"' in metadata
        or "<pdfaid:conformance>U</pdfaid:conformance>" in metadata
    )
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    assert reader.metadata.title == "Aufruf: Hitzeschutz im Quartier"
    text = "".join(page.extract_text() for page in reader.pages)
    document = (
        await Document.select()
        .where(
            (Document.owner_type == "call")
            & (
                Document.owner_id
                == str((await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"])
            )
        )
        .first()
    )
    assert document["verification_code"] in text
    assert "Schatten für" in text
    fonts = {
        str(font.get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Fira" in font for font in fonts)


async def test_call_pdf_is_issued_once_per_version(client):
    call = await make_call()
    first = await client.get(f"/calls/{call['slug']}/call.pdf")
    second = await client.get(f"/calls/{call['slug']}/call.pdf")
    assert first.content == second.content
    row = await Call.select(Call.id).where(Call.slug == call["slug"]).first()
    assert (
        await Document.count().where(
            (Document.owner_type == "call") & (Document.owner_id == str(row["id"]))
        )
        == 1
    )
    await Call.update({Call.summary: "Neue Fassung"}).where(Call.id == row["id"])
    third = await client.get(f"/calls/{call['slug']}/call.pdf")
    assert third.content != first.content
    assert (
        await Document.count().where(
            (Document.owner_type == "call") & (Document.owner_id == str(row["id"]))
        )
        == 2
    )


async def test_draft_call_has_no_public_pdf(client):
    call = await make_call(status="draft")
    assert (await client.get(f"/calls/{call['slug']}/call.pdf")).status_code == 404


async def test_verify_by_code_and_by_file(client):
    call = await make_call(title="Prüfbarer Aufruf")
    pdf = (await client.get(f"/calls/{call['slug']}/call.pdf")).content
    code = (
        await Document.select(Document.verification_code)
        .where(Document.title == "Aufruf: Prüfbarer Aufruf")
        .first()
    )["verification_code"]

    page = await client.get("/verify", params={"code": code.lower().replace("-", "")})
    assert page.status_code == 200
    assert "Das Portal hat dieses Dokument ausgestellt." in page.text
    assert "Aufruf: Prüfbarer Aufruf" in page.text

    unknown = await client.get("/verify", params={"code": "0000-0000-0000"})
    assert "Kein Dokument mit diesem Prüfcode" in unknown.text

    for content, genuine in ((pdf, True), (pdf[:-10] + b"manipuliert", False)):
        body, content_type = multipart("aufruf.pdf", content)
        result = await client.post(
            f"/verify?_csrf_token={await csrf(client)}",
            content=body,
            headers={"content-type": content_type},
        )
        assert result.status_code == 200
        assert ("Das Portal hat dieses Dokument ausgestellt." in result.text) is genuine
    assert (
        await Document.count().where(Document.title == "Aufruf: Prüfbarer Aufruf") == 1
    )  # checking stores nothing


async def test_verify_shows_nothing_personal(client):
    call = await make_call(title="Öffentlicher Aufruf")
    await client.get(f"/calls/{call['slug']}/call.pdf")
    row = await Document.select().where(Document.title == "Aufruf: Öffentlicher Aufruf").first()
    page = await client.get("/verify", params={"code": row["verification_code"]})
    assert row["storage_key"] not in page.text
    assert str(row["id"]) not in page.text
