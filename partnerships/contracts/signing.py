"""The countersigned copy: sent → signed → active, by staff or the partner's members."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from challenge import db
from challenge.organisations.tables import Organisation
from challenge.platform import clock
from challenge.platform.documents.uploads import store_upload
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from partnerships.contracts import policies
from partnerships.contracts.rules import invalid_transition
from partnerships.contracts.services import FORBIDDEN, get, transition
from partnerships.development.stipends import services as stipends
from partnerships.tables import Partnership
from partnerships.uploads import SIGNED_RULES, discard


async def signed_copy(actor, partnership_id: UUID, document: dict) -> dict:
    """sent → signed → active: the countersigned PDF (a stored document) is kept with its
    SHA-256 (staff or the partner)."""
    partnership = await get(partnership_id)
    if partnership is None or not await policies.may_sign_for(actor, partnership):
        raise Problem(403, "forbidden", FORBIDDEN)
    async with db.write_transaction():
        await db.lock_row(Partnership, partnership_id)
        current = await get(partnership_id)
        if not policies.awaits_signed_copy(current):
            raise invalid_transition(current["status"], "signed")
        # the partner's name as signed: what the contract release publishes, whatever it is renamed to
        signed_name = (
            await Organisation.select(Organisation.name)
            .where(Organisation.id == current["organisation"])
            .first()
        )["name"]
        await transition(
            actor,
            partnership_id,
            "signed",
            {
                Partnership.signed_at: clock.now(),
                Partnership.signed_document: document["id"],
                Partnership.signed_sha256: document["sha256"],
                Partnership.signed_name: signed_name,
            },
            payload={"sha256": document["sha256"], "signed_name": signed_name},
        )
        active = await transition(actor, partnership_id, "active")
        await stipends.submit_signed_agreement(actor, active)
        return active


async def attach_signed_copy(actor, partnership_id: UUID, storage, upload: Callable) -> dict:
    """The countersigned PDF from an upload: who and when are checked before the body is read
    (``upload()`` opens the request's multipart upload); the file is stored under the signed-copy
    rules, and removed again when the step is refused."""
    partnership = await get(partnership_id)
    if partnership is None or not await policies.may_sign_for(actor, partnership):
        raise Problem(403, "forbidden", N_("You are not allowed to do this."))
    if not policies.awaits_signed_copy(partnership):
        raise invalid_transition(partnership["status"], "signed")
    multipart = upload()
    await multipart.start()
    document = await store_upload(
        storage,
        chunks=multipart.chunks(),
        filename=multipart.filename or "",
        rules=SIGNED_RULES,
        owner_type="partnership",
        owner_id=str(partnership_id),
        actor=actor,
        kind="signed_contract",
    )
    try:
        return await signed_copy(actor, partnership_id, document)
    except Problem:
        await discard(storage, document)
        raise
