"""Receipts: a PDF per submitted version, listing the reference, time, snapshot hash and files."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.documents.tables import Document
from challenge.platform.i18n import N_
from challenge.platform.pdf.issue import issue_pdf
from challenge.platform.problems import Problem
from challenge.submissions.policies import ISSUED_OWNER_TYPE
from challenge.submissions.snapshots import snapshot_of
from challenge.submissions.tables import SubmissionVersion


async def receipt_for(storage, submission_id: UUID, *, base_url: str) -> dict:
    """The receipt of the latest submitted version, issued on first request."""
    version = (
        await SubmissionVersion.select()
        .where(SubmissionVersion.submission == submission_id)
        .order_by(SubmissionVersion.number, ascending=False)
        .first()
    )
    if version is None:
        raise Problem(
            409, "not_submitted", N_("There is no receipt before the proposal is submitted.")
        )
    if version["receipt_document"]:
        document = await Document.select().where(Document.id == version["receipt_document"]).first()
        if document is not None:
            return document
    snapshot = snapshot_of(version)
    document = await issue_pdf(
        storage,
        template="receipt.html",
        context={
            "snapshot": snapshot,
            "sha256": version["sha256"],
            "verify_url": f"{base_url}/verify",
        },
        locale="de",
        title=f"Eingangsbestätigung {snapshot['reference']}",
        filename=f"Eingangsbestaetigung-{snapshot['reference']}-v{version['number']}.pdf",
        kind="receipt",
        owner_type=ISSUED_OWNER_TYPE,
        owner_id=str(submission_id),
    )
    await SubmissionVersion.update({SubmissionVersion.receipt_document: document["id"]}).where(
        SubmissionVersion.id == version["id"]
    )
    return document
