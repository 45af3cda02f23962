"""Submitting a proposal (reference, frozen version, receipt mail) and withdrawing it."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.organisations.tables import Membership
from challenge.platform import clock, idempotency
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem
from challenge.submissions.policies import withdrawal_refusal
from challenge.submissions.rules import proposal_errors
from challenge.submissions.services import (
    call_of,
    changeable,
    documents_of,
    editable,
    invalid,
    load,
)
from challenge.submissions.snapshots import (
    FIELDS,
    content_of,
    freeze_version,
    last_submitted_content,
)
from challenge.submissions.tables import Submission


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
    row, call, deadline = await editable(actor, submission_id)
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
                scope=str(call["id"]),
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
        raise invalid(errors)
    return current, content_of(current, documents)


async def _mail_team(organisation_id: UUID, context: dict, scope: str) -> None:
    """Queue the receipt mail to every member of the team, each in their language (staff's
    version of the mail for the call ``scope`` if there is one)."""
    members = await Membership.select(
        Membership.user.email.as_alias("email"), Membership.user.locale.as_alias("locale")
    ).where(Membership.organisation == organisation_id)
    for member in members:
        await enqueue(
            member["email"],
            "submission_received",
            locale=member["locale"],
            context=context,
            scope=scope,
        )


async def withdraw(actor, submission_id: UUID) -> dict:
    """Withdraw for good: a withdrawn proposal cannot be submitted again, and an entry selected
    in published results cannot be withdrawn at all (409 withdrawal_closed)."""
    await changeable(actor, submission_id)
    async with db.write_transaction():
        await db.lock_row(Submission, submission_id)
        row = await load(submission_id)
        refusal = await withdrawal_refusal(await call_of(row["call"]), row)
        if refusal is not None:
            raise refusal
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
