"""Submission rules: drafts, optimistic saves, attachments, submitting with a reference and
a frozen version, withdrawing, and deadline extensions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.policies import is_member
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock, idempotency
from challenge.platform.audit.service import record
from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import delete_document, store_upload
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.submissions import policies
from challenge.submissions.rules import check_deadline, proposal_errors
from challenge.submissions.schemas import SubmissionIn, SubmissionPatch
from challenge.submissions.snapshots import (
    FIELDS,
    content_of,
    freeze_version,
    last_submitted_content,
)
from challenge.submissions.tables import (
    DeadlineExtension,
    Submission,
    SubmissionVersion,
)


async def load(submission_id: UUID) -> dict | None:
    """The submission with its team's name and its call's slug, or None."""
    return (
        await Submission.select(
            *Submission.all_columns(),
            Submission.organisation.name.as_alias("organisation_name"),
            Submission.call.slug.as_alias("call_slug"),
        )
        .output(load_json=True)
        .where(Submission.id == submission_id)
        .first()
    )


async def call_of(call_id: UUID) -> dict:
    """The call a submission belongs to."""
    return await Call.select().output(load_json=True).where(Call.id == call_id).first()


async def deadline_for(call: dict, organisation_id: UUID) -> datetime:
    """The call's deadline, or a later one granted to this team."""
    extension = (
        await DeadlineExtension.select(DeadlineExtension.closes_at)
        .where(
            (DeadlineExtension.call == call["id"])
            & (DeadlineExtension.organisation == organisation_id)
        )
        .order_by(DeadlineExtension.closes_at, ascending=False)
        .first()
    )
    return max(call["closes_at"], extension["closes_at"]) if extension else call["closes_at"]


async def visible(actor, submission_id: UUID) -> dict:
    """The submission if the actor may read it — else 404."""
    row = await load(submission_id)
    if row is None or not await policies.may_read(actor, row):
        raise not_found(N_("Submission not found"))
    return row


async def team_view(actor, submission_id: UUID) -> dict:
    """The submission as its team sees it (pages, receipt) if the actor may — else 404."""
    row = await load(submission_id)
    if row is None or not await policies.may_read_as_team(actor, row):
        raise not_found(N_("Submission not found"))
    return row


async def _changeable(actor, submission_id: UUID) -> dict:
    """A submission the actor's team may still change (not withdrawn); 404/403/409 otherwise."""
    row = await visible(actor, submission_id)
    if not await policies.may_edit(actor, row):
        raise Problem(403, "forbidden", N_("Only the team's members can change its proposal."))
    if row["status"] == "withdrawn":
        raise Problem(409, "withdrawn", N_("This proposal was withdrawn and cannot be changed."))
    return row


async def _editable(actor, submission_id: UUID) -> tuple[dict, dict, datetime]:
    """As _changeable, and within the team's deadline."""
    row = await _changeable(actor, submission_id)
    call = await call_of(row["call"])
    deadline = await deadline_for(call, row["organisation"])
    check_deadline(deadline, call["opens_at"], clock.now())
    return row, call, deadline


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


def _already_applied(existing: dict) -> Problem:
    return Problem(
        409,
        "already_applied",
        N_("Your team already has a proposal for this call."),
        extra={"submission_id": str(existing["id"])},
    )


async def _open_proposal(call_id: UUID, organisation_id: UUID) -> dict | None:
    """The team's proposal for the call that is not withdrawn — the key of the unique index
    submissions_one_open_per_call (a challenge column will extend both)."""
    return (
        await Submission.select(Submission.id)
        .where(
            (Submission.call == call_id)
            & (Submission.organisation == organisation_id)
            & (Submission.status != "withdrawn")
        )
        .first()
    )


async def create_draft(actor, call: dict, data: SubmissionIn) -> dict:
    """Start a team's proposal for an open call.

    One proposal per team and call that is not withdrawn: a second one, also from parallel
    requests (the database's unique index decides), is refused with 409 ``already_applied``
    naming the existing proposal in ``submission_id``."""
    if call["status"] == "draft":
        raise not_found(N_("Call not found"))
    if not await is_member(actor, data.organisation_id):
        raise not_found(N_("Organisation not found"))
    check_deadline(await deadline_for(call, data.organisation_id), call["opens_at"], clock.now())
    values = {k: getattr(data, k) for k in FIELDS}
    values["title"], values["summary"] = values["title"].strip(), values["summary"].strip()
    errors = proposal_errors(call, values, complete=False)
    if errors:
        raise _invalid(errors)
    try:
        async with db.write_transaction():
            existing = await _open_proposal(call["id"], data.organisation_id)
            if existing:
                raise _already_applied(existing)
            submission = Submission(
                call=call["id"],
                organisation=data.organisation_id,
                created_by=actor.id,
                created_at=clock.now(),
                **values,
            )
            await submission.save()
            await record(
                "submission.created",
                actor=actor,
                object_type="submission",
                object_id=submission.id,
                payload={"call": call["slug"]},
            )
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        existing = await _open_proposal(call["id"], data.organisation_id)  # the parallel request's
        if existing is None:
            raise
        raise _already_applied(existing) from None
    return await load(submission.id)


async def update(
    actor, submission_id: UUID, patch: SubmissionPatch, *, claim: idempotency.Claim | None = None
) -> dict:
    """Save changes — only on top of the version the editor read (else 409 with the newer one).

    With an idempotency claim the key is recorded with the new version in the same transaction,
    so a retry of a save whose answer was lost finds it (see challenge.platform.idempotency)."""
    row, call, _deadline = await _editable(actor, submission_id)
    changes = {
        k: v
        for k, v in msgspec.structs.asdict(patch).items()
        if k in FIELDS and v is not msgspec.UNSET
    }
    for key in ("title", "summary"):
        if key in changes:
            changes[key] = changes[key].strip()
    if patch.version != row["version"]:
        raise _conflict(row)
    merged = {k: changes.get(k, row[k]) for k in FIELDS}
    errors = proposal_errors(call, merged, complete=False)
    if errors:
        raise _invalid(errors)
    try:
        async with db.write_transaction():
            saved = (
                await Submission.update(
                    {
                        **{getattr(Submission, k): v for k, v in changes.items()},
                        Submission.version: row["version"] + 1,
                    }
                )
                .where((Submission.id == submission_id) & (Submission.version == patch.version))
                .returning(Submission.id)
            )
            if not saved:  # another tab saved between our read and this write
                raise _conflict(await load(submission_id))
            await idempotency.record_effect(
                claim, {"submission": str(submission_id), "version": row["version"] + 1}
            )
    except Exception as error:
        if claim is None or not db.is_unique_violation(error):
            raise
        raise _in_progress() from None  # the same key, sent twice at once: the other one saved
    return await load(submission_id)


def _in_progress() -> Problem:
    return Problem(
        409,
        "request_in_progress",
        N_("This request is already being handled. Reload the page to see the result."),
    )


def _conflict(current: dict) -> Problem:
    return Problem(
        409,
        "version_conflict",
        N_(
            "Someone saved this proposal in the meantime. Your text is kept below; compare and save again."
        ),
        extra={"current": {"version": current["version"], **{k: current[k] for k in FIELDS}}},
    )


async def documents_of(submission_id: UUID) -> list[dict]:
    """The submission's stored attachments, oldest first."""
    return (
        await Document.select()
        .where(
            (Document.owner_type == "submission")
            & (Document.owner_id == str(submission_id))
            & (Document.status == "stored")
        )
        .order_by(Document.created_at)
    )


async def attach(actor, submission_id: UUID, storage, *, chunks, filename: str) -> dict:
    """Upload an attachment under the call's document rules (and before the deadline)."""
    _row, call, _deadline = await _editable(actor, submission_id)
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
    await _editable(actor, submission_id)
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


async def submit(
    actor,
    submission_id: UUID,
    *,
    consent: bool,
    base_url: str,
    claim: idempotency.Claim | None = None,
) -> dict:
    """Submit (again): complete answers, a reference on first submit, a frozen version, a mail.

    The submission's row is locked for the whole step, so parallel submits queue. Submitting
    what was last submitted again, unchanged and with the same consent, changes nothing and
    answers the proposal as it stands: a double click gives one reference, one version, one mail.
    An idempotency claim is recorded in the same transaction (also for the unchanged case)."""
    row, call, deadline = await _editable(actor, submission_id)
    now = clock.now()
    try:
        async with db.write_transaction():
            await db.lock_row(Submission, submission_id)
            current, content = await _complete_content(call, submission_id)
            if (
                current["status"] == "submitted"
                and current["consent_publication"] == consent
                and await last_submitted_content(submission_id) == content
            ):
                await idempotency.record_effect(
                    claim, {"reference": current["reference"], "version": current["version"]}
                )
                return current
            reference, sha256 = await freeze_version(
                actor, call, current, content, consent=consent, now=now
            )
            await idempotency.record_effect(
                claim, {"reference": reference, "version": current["version"] + 1}
            )
            await _mail_team(
                row["organisation"],
                {
                    "base_url": base_url,
                    "reference": reference,
                    "title": current["title"],
                    "call": call["title"],
                    "submitted_at": now,
                    "sha256": sha256,
                    "deadline": deadline,
                    "link": f"{base_url}/submissions/{submission_id}",
                },
            )
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        raise Problem(
            409,
            "submit_in_progress",
            N_(
                "This proposal is being submitted in another window. Reload the page to see the result."
            ),
        ) from None
    return await load(submission_id)


async def _complete_content(call: dict, submission_id: UUID) -> tuple[dict, dict]:
    """The locked submission and its content, if it is complete enough to submit (else 409/422)."""
    current = await load(submission_id)
    if current["status"] == "withdrawn":
        raise Problem(409, "withdrawn", N_("This proposal was withdrawn and cannot be changed."))
    documents = await documents_of(submission_id)
    errors = proposal_errors(call, {k: current[k] for k in FIELDS}, complete=True)
    needs_file = any(q["type"] == "file" and q.get("required") for q in call["questions"] or [])
    if needs_file and not documents:
        errors.append(FieldError("documents", N_("Please attach the required documents.")))
    if errors:
        raise _invalid(errors)
    return current, content_of(current, documents)


async def _mail_team(organisation_id: UUID, context: dict) -> None:
    """Queue the receipt mail to every member of the team, each in their language."""
    members = await Membership.select(
        Membership.user.email.as_alias("email"), Membership.user.locale.as_alias("locale")
    ).where(Membership.organisation == organisation_id)
    for member in members:
        await enqueue(
            member["email"], "submission_received", locale=member["locale"], context=context
        )


async def withdraw(actor, submission_id: UUID) -> dict:
    """Withdraw for good: a withdrawn proposal cannot be submitted again."""
    row = await _changeable(actor, submission_id)
    async with db.write_transaction():
        await Submission.update(
            {
                Submission.status: "withdrawn",
                Submission.withdrawn_at: clock.now(),
                Submission.version: row["version"] + 1,
            }
        ).where(Submission.id == submission_id)
        await record(
            "submission.withdrawn", actor=actor, object_type="submission", object_id=submission_id
        )
    return await load(submission_id)


async def versions(submission_id: UUID) -> list[dict]:
    """Every submitted version of the submission, oldest first."""
    return (
        await SubmissionVersion.select()
        .where(SubmissionVersion.submission == submission_id)
        .order_by(SubmissionVersion.number)
    )


async def mine(actor) -> list[dict]:
    """Every proposal of the actor's teams, newest first, with its call's deadline."""
    teams = [
        row["organisation"]
        for row in await Membership.select(Membership.organisation).where(
            Membership.user == actor.id
        )
    ]
    if not teams:
        return []
    rows = (
        await Submission.select(
            Submission.id,
            Submission.title,
            Submission.status,
            Submission.reference,
            Submission.submitted_at,
            Submission.updated_at,
            Submission.organisation,
            Submission.organisation.name.as_alias("organisation_name"),
            Submission.call.title.as_alias("call_title"),
            Submission.call.slug.as_alias("call_slug"),
            Submission.call.closes_at.as_alias("closes_at"),
        )
        .where(Submission.organisation.is_in(teams))
        .order_by(Submission.updated_at, ascending=False)
    )
    return rows


async def grant_extension(
    actor, call: dict, organisation_id: UUID, closes_at: datetime, reason: str
) -> dict:
    """Give one team until closes_at (later than the call's deadline), with a reason."""
    errors = []
    if closes_at.tzinfo is None or closes_at <= call["closes_at"]:
        errors.append(
            FieldError("closes_at", N_("The extension must end after the call's deadline."))
        )
    if len(reason.strip()) < 5:
        errors.append(FieldError("reason", N_("Give a reason (it is recorded in the audit log).")))
    if not await Organisation.exists().where(Organisation.id == organisation_id):
        errors.append(FieldError("organisation_id", N_("There is no such organisation.")))
    if errors:
        raise _invalid(errors)
    async with db.write_transaction():
        extension = DeadlineExtension(
            call=call["id"],
            organisation=organisation_id,
            closes_at=closes_at,
            reason=reason.strip(),
            granted_by=actor.id,
            created_at=clock.now(),
        )
        await extension.save()
        await record(
            "submission.deadline_extended",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={
                "organisation": str(organisation_id),
                "closes_at": closes_at.isoformat(),
                "reason": reason.strip(),
            },
        )
    return extension.to_dict()
