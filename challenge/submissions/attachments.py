"""Proposal attachments: uploading under the call's document rules and removing them."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import delete_document, store_upload
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found
from challenge.submissions.services import editable


async def attach(actor, submission_id: UUID, storage, *, chunks, filename: str) -> dict:
    """Upload an attachment under the call's document rules (and before the deadline)."""
    _row, call, _deadline = await editable(actor, submission_id)
    rules_data = call["document_rules"] or {}
    rules = UploadRules(
        allowed_types=tuple(rules_data.get("allowed_types") or ("application/pdf",)),
        max_bytes=int(rules_data.get("max_bytes") or 20 * 1024 * 1024),
        max_files=int(rules_data.get("max_files") or 5),
    )
    if rules.max_files == 0:
        raise Problem(422, "too_many_files", N_("This call takes no attachments."))
    return await store_upload(
        storage,
        chunks=chunks,
        filename=filename,
        rules=rules,
        owner_type="submission",
        owner_id=str(submission_id),
        actor=actor,
        kind="attachment",
    )


async def detach(actor, submission_id: UUID, document_id: UUID, storage) -> None:
    """Remove an attachment (before the deadline, by the team)."""
    await editable(actor, submission_id)
    document = (
        await Document.select()
        .where(
            (Document.id == document_id)
            & (Document.owner_type == "submission")
            & (Document.owner_id == str(submission_id))
        )
        .first()
    )
    if document is None:
        raise not_found(N_("Document not found"))
    await delete_document(storage, document, actor)
