"""The contract and amendment PDFs embed the release the open data publishes: one builder, one
release id (and for an amendment, the same release)."""

import io
import json

import pytest
from pypdf import PdfReader

from partnerships.opendata import cache
from tests.conftest import http_client
from tests.partnerships.opendata.test_opendata import busy_partnership

RELEASES = "/api/v1/opendata/ocds/release-package.json"


@pytest.fixture(autouse=True)
def look_every_time(monkeypatch):
    monkeypatch.setattr(cache, "RECHECK_SECONDS", 0)


def embedded_release(pdf_bytes: bytes) -> dict:
    [(name, [content])] = list(PdfReader(io.BytesIO(pdf_bytes)).attachments.items())
    assert name.endswith("release-package.json")
    [release] = json.loads(content)["releases"]
    return release


async def test_the_pdfs_embed_the_release_ids_of_the_open_data_package(app, clients):
    entry, partnership = await busy_partnership(app, clients)
    staff = clients["staff"]
    published = {
        r["id"]: r
        for r in (await http_client(app).get(RELEASES)).json()["releases"]
        if r["ocid"] == partnership["ocid"]
    }

    contract = embedded_release(
        (await staff.get(f"/api/v1/partnerships/{partnership['id']}/contract.pdf")).content
    )
    assert contract["id"] == f"{partnership['ocid']}-contract" and contract["id"] in published
    assert contract["tag"] == published[contract["id"]]["tag"] == ["contract"]

    [amendment] = (await staff.get(f"/api/v1/partnerships/{partnership['id']}/amendments")).json()
    document = await staff.get(f"/api/v1/documents/{amendment['document_id']}")
    embedded = embedded_release(document.content)
    assert embedded["id"] == f"{partnership['ocid']}-amendment-1"
    assert (
        embedded == published[embedded["id"]]
    )  # issued after the amendment: the very release published
