"""A signed copy of the contract is the portal's own PDF/A-3 contract, which embeds its OCDS
release, sent back after signing (issue 16): the PDF check must accept that embedded data file
there while scripts and actions stay refused."""

import pikepdf

from tests.partnerships.conftest import awarded_entry, plan, upload
from tests.partnerships.test_partnerships import state
from tests.support.web import api


def _signed(contract: bytes, tmp_path, **entries) -> bytes:
    """The contract as a signing tool hands it back: rewritten, its embedded release kept."""
    path = tmp_path / "contract.pdf"
    path.write_bytes(contract)
    with pikepdf.open(path) as document:
        assert len(document.attachments) == 1  # the OCDS release package
        document.docinfo[pikepdf.Name.Producer] = "Signaturwerkzeug"
        for key, value in entries.items():
            document.Root[pikepdf.Name("/" + key)] = document.make_indirect(value)
        document.save(tmp_path / "signed.pdf")
    return (tmp_path / "signed.pdf").read_bytes()


async def test_the_portals_own_contract_comes_back_as_the_signed_copy(app, clients, tmp_path):
    entry = await awarded_entry()
    pid = (
        await api(clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"]))
    ).json()["id"]
    assert (
        await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/send")
    ).status_code == 200
    contract = await clients["staff"].get(f"/api/v1/partnerships/{pid}/contract.pdf")
    assert contract.status_code == 200
    signed = await upload(
        clients["staff"], f"/api/v1/partnerships/{pid}/signed", _signed(contract.content, tmp_path)
    )
    assert signed.status_code == 200, signed.text
    assert (await state(pid))["status"] == "active"


async def test_a_signed_copy_with_a_script_is_still_refused(app, clients, tmp_path):
    entry = await awarded_entry()
    pid = (
        await api(clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"]))
    ).json()["id"]
    await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/send")
    contract = await clients["staff"].get(f"/api/v1/partnerships/{pid}/contract.pdf")
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    scripted = _signed(contract.content, tmp_path, OpenAction=script)
    refused = await upload(clients["staff"], f"/api/v1/partnerships/{pid}/signed", scripted)
    assert refused.status_code == 422 and refused.json()["code"] == "pdf_javascript"
    assert (await state(pid))["status"] == "sent"
