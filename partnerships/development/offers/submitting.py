"""Submitting the offer (complete, before the deadline to the second, then frozen with a SHA-256
and receipted by mail and PDF) and its presentation PDF through the document pipeline."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from challenge import db
from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import store_upload
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.pdf.issue import issue_pdf
from challenge.platform.problems import Problem
from partnerships.development.offers import services
from partnerships.development.rules import offer_errors
from partnerships.development.tables import Offer
from partnerships.uploads import discard

MB = 1024 * 1024
OWNER_TYPE = "offer"  # the presentation; owner_id: the submission
RECEIPT_OWNER_TYPE = "offer_receipt"
PRESENTATION_RULES = UploadRules(allowed_types=("application/pdf",), max_bytes=30 * MB, max_files=3)


async def presentation_of(offer: dict | None) -> dict | None:
    """The offer's stored presentation document, if any."""
    if not offer or not offer["presentation_document"]:
        return None
    return (
        await Document.select()
        .where((Document.id == offer["presentation_document"]) & (Document.status == "stored"))
        .first()
    )


async def submit(actor, submission_id: UUID, *, base_url: str) -> dict:
    """Submit the team's offer: complete (422 ``validation_error``), before ``offer_due_at``
    (422 ``deadline_passed``, the draft unchanged), once (409 ``offer_submitted``); then frozen
    with the SHA-256 of its canonical content, audited, and a receipt mail to the team."""
    entry = await services.writable(actor, submission_id)
    due = await services.due_at(entry)
    now = clock.now()
    current = await services.load(submission_id)
    if current is not None and current["status"] == "submitted":
        raise services.frozen()
    services.check_due(due, now)
    row = current or services.empty_offer(submission_id)
    errors = offer_errors(services.offer_in(row), entry["challenge"], submitting=True)
    if errors:
        raise services.invalid(errors)
    presentation = await presentation_of(row)
    sha256 = services.sha256_of(services.content_of(row, presentation))
    async with db.write_transaction():
        done = (
            await Offer.update(
                {
                    Offer.status: "submitted",
                    Offer.sha256: sha256,
                    Offer.submitted_at: now,
                    Offer.submitted_by: actor.id,
                    Offer.version: row["version"] + 1,
                }
            )
            .where(
                (Offer.submission == submission_id)
                & (Offer.version == row["version"])
                & (Offer.status == "draft")
            )
            .returning(Offer.id)
        )
        if not done:
            raise _changed_meanwhile(await services.load(submission_id))
        await record(
            "offer.submitted",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={"sha256": sha256, "total_cents": row["total_cents"]},
        )
        await _mail_team(entry, {"sha256": sha256, "submitted_at": now, "base_url": base_url})
    return await services.load(submission_id)


def _changed_meanwhile(current: dict | None) -> Problem:
    if current is not None and current["status"] == "submitted":
        return services.frozen()
    return services.conflict(current)


async def _mail_team(entry: dict, facts: dict) -> None:
    """Queue the receipt mail to every member of the team, each in their language."""
    context = {
        **facts,
        "reference": entry["reference"],
        "title": entry["title"],
        "challenge": entry["challenge"]["title"],
        "link": f"{facts['base_url']}/development/{entry['id']}/offer",
    }
    members = await Membership.select(
        Membership.user.email.as_alias("email"), Membership.user.locale.as_alias("locale")
    ).where(Membership.organisation == entry["organisation"])
    for member in members:
        await enqueue(
            member["email"],
            "offer_received",
            locale=member["locale"],
            context=context,
            scope=str(entry["call"]),
        )


async def attach_presentation(actor, submission_id: UUID, storage, upload: Callable) -> dict:
    """The presentation PDF (multipart ``file``) of a draft offer: who may and whether it is still
    a draft are checked before the body is read; the file runs through the upload checks
    (PDF only, no active content); a refused step removes it again, a new one replaces the old."""
    entry = await services.writable(actor, submission_id)
    services.check_due(await services.due_at(entry), clock.now())
    current = await services.load(submission_id)
    if current is not None and current["status"] == "submitted":
        raise services.frozen()
    multipart = upload()
    await multipart.start()
    document = await store_upload(
        storage,
        chunks=multipart.chunks(),
        filename=multipart.filename or "",
        rules=PRESENTATION_RULES,
        owner_type=OWNER_TYPE,
        owner_id=str(submission_id),
        actor=actor,
        kind="offer_presentation",
    )
    try:
        previous = await _link_presentation(actor, entry, document)
    except BaseException:
        await discard(storage, document)
        raise
    if previous is not None:
        await discard(storage, previous)
    return await services.load(submission_id)


async def _link_presentation(actor, entry: dict, document: dict) -> dict | None:
    """Point the draft at the new document (creating the draft if there is none yet); returns
    the document it replaces."""
    submission_id = entry["id"]
    try:
        async with db.write_transaction():
            current = await services.load(submission_id)
            if current is None:
                await Offer(
                    submission=submission_id,
                    challenge=entry["challenge"]["id"],
                    version=1,
                    created_at=clock.now(),
                    presentation_document=document["id"],
                ).save()
            else:
                updated = (
                    await Offer.update(
                        {
                            Offer.presentation_document: document["id"],
                            Offer.version: Offer.version + 1,
                        }
                    )
                    .where((Offer.submission == submission_id) & (Offer.status == "draft"))
                    .returning(Offer.id)
                )
                if not updated:
                    raise services.frozen()
            await record(
                "offer.presentation_attached",
                actor=actor,
                object_type="submission",
                object_id=submission_id,
                payload={"document": str(document["id"]), "sha256": document["sha256"]},
            )
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        raise services.conflict(await services.load(submission_id)) from None
    return await presentation_of(current)


async def receipt_for(storage, entry: dict, offer: dict | None, *, base_url: str) -> dict:
    """The receipt PDF of the submitted offer, issued on first request."""
    if offer is None or offer["status"] != "submitted":
        raise Problem(
            409, "not_submitted", N_("There is no receipt before the offer is submitted.")
        )
    existing = (
        await Document.select()
        .where(
            (Document.owner_type == RECEIPT_OWNER_TYPE)
            & (Document.owner_id == str(entry["id"]))
            & (Document.status == "stored")
        )
        .first()
    )
    if existing is not None:
        return existing
    return await issue_pdf(
        storage,
        template="offer_receipt.html",
        context={
            "entry": entry,
            "offer": offer,
            "presentation": await presentation_of(offer),
            "verify_url": f"{base_url}/verify",
        },
        locale="de",
        title=f"Eingangsbestätigung Angebot {entry['reference']}",
        filename=f"Eingangsbestaetigung-Angebot-{entry['reference']}.pdf",
        kind="receipt",
        owner_type=RECEIPT_OWNER_TYPE,
        owner_id=str(entry["id"]),
    )


async def reader(user, document: dict) -> bool:
    """Offer files (presentation, receipt): whoever reads the offer (team, owning unit, staff)."""
    try:
        submission_id = UUID(document["owner_id"])
    except ValueError:
        return False
    entry = await services.access.selected_entry(submission_id)
    return entry is not None and await services.access.may_read_offer(user, entry)
