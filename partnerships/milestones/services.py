"""Delivering a running partnership's milestones: the partner's evidence and staff reviews with
four eyes. Every step is audited; a refusal changes nothing. (Payments are in ``payments``.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from challenge import db
from challenge.organisations.tables import Organisation
from challenge.platform import clock
from challenge.platform.accounts import stepup
from challenge.platform.audit.service import record
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import store_upload
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from partnerships.contracts import policies as contract_policies
from partnerships.contracts.rules import APPROVALS_NEEDED, invalid, partnership_reference, today
from partnerships.contracts.services import FORBIDDEN, get, milestones_of, visible
from partnerships.milestones import bonus, policies
from partnerships.statuses import milestone_code, payment_code
from partnerships.tables import Amendment, Evidence, Milestone, MilestoneReview, Payment
from partnerships.uploads import EVIDENCE_RULES, discard

MILESTONE_NOT_FOUND = N_("Milestone not found")


async def milestone_context(milestone_id: UUID) -> tuple[dict, dict]:
    """(milestone, partnership) — 404 when there is no such milestone."""
    milestone = await Milestone.select().where(Milestone.id == milestone_id).first()
    if milestone is None:
        raise not_found(MILESTONE_NOT_FOUND)
    return milestone, await get(milestone["partnership"])


async def reportable_milestone(actor, milestone_id: UUID, partnership_id: UUID | None) -> dict:
    """The milestone if the actor may report it (and it belongs to ``partnership_id`` when
    given) — else 404."""
    milestone, partnership = await milestone_context(milestone_id)
    if partnership_id is not None and partnership["id"] != partnership_id:
        raise not_found(MILESTONE_NOT_FOUND)
    if not await policies.may_submit_evidence(actor, partnership):
        raise not_found(MILESTONE_NOT_FOUND)
    return milestone


async def submit_evidence(
    actor, milestone_id: UUID, document: dict | None, note: str, fields: dict | None = None
) -> dict:
    """The partner reports a milestone done: evidence (a stored file and/or a note) → submitted.
    The open-source bonus's evidence is the repository, a release tag or commit and the licence
    (``fields``); a new round clears an earlier verification."""
    reported = await reportable_milestone(actor, milestone_id, None)
    source = {}
    if bonus.is_bonus(reported):
        source = bonus.evidence_fields(fields or {})
    elif document is None and not note.strip():
        raise invalid([FieldError("file", N_("Add a report file or a note."))])
    async with db.write_transaction():
        await db.lock_row(Milestone, milestone_id)
        milestone, partnership = await milestone_context(milestone_id)
        if partnership["status"] != "active":
            raise Problem(
                409, "not_active", N_("Evidence is accepted once the contract is signed.")
            )
        if not policies.awaits_evidence(partnership, milestone):
            raise Problem(
                409,
                "invalid_transition",
                N_("This milestone does not wait for evidence."),
                extra={"status": milestone["status"]},
            )
        round_ = milestone["evidence_round"] + 1
        await Evidence(
            milestone=milestone_id,
            round=round_,
            document=document["id"] if document else None,
            note=note.strip(),
            submitted_by=actor.id,
            created_at=clock.now(),
            **source,
        ).save()
        await Milestone.update(
            {
                Milestone.status: "submitted",
                Milestone.evidence_round: round_,
                Milestone.submitted_at: clock.now(),
                **({Milestone.verification: {}} if source else {}),
            }
        ).where(Milestone.id == milestone_id)
        await record(
            "milestone.evidence",
            actor=actor,
            object_type="milestone",
            object_id=milestone_id,
            payload={
                "round": round_,
                "document": str(document["id"]) if document else None,
                **source,
            },
        )
    return await Milestone.select().where(Milestone.id == milestone_id).first()


async def _store_evidence(
    actor, milestone_id: UUID, storage, multipart, file_optional: bool
) -> dict | None:
    """The uploaded file as a stored document; with ``file_optional`` (the browser form) no file
    part, or an empty one, is no file."""
    try:
        await multipart.start()
    except Problem as problem:  # no file part at all: a note alone is evidence too
        if not file_optional or problem.code != "validation_error":
            raise
        return None
    if (
        file_optional and not multipart.filename
    ):  # the browser sends an empty file part when none was chosen
        async for _chunk in multipart.chunks():
            pass
        await multipart.rest()
        return None
    document = await store_upload(
        storage,
        chunks=multipart.chunks(),
        filename=multipart.filename or "",
        rules=EVIDENCE_RULES,
        owner_type="milestone",
        owner_id=str(milestone_id),
        actor=actor,
        kind="evidence",
    )
    await multipart.rest()
    return document


async def submit_evidence_upload(
    actor,
    milestone_id: UUID,
    storage,
    upload: Callable,
    *,
    partnership_id: UUID | None = None,
    file_optional: bool = False,
) -> dict:
    """Evidence from an upload (``upload()`` opens the request's multipart upload, optional field
    ``note``): who may report is checked before the body is read; the file is stored under the
    evidence rules and removed again when the step is refused."""
    milestone = await reportable_milestone(actor, milestone_id, partnership_id)
    multipart = upload()
    document = None
    optional = file_optional or bonus.is_bonus(milestone)  # the repository is the evidence
    try:
        document = await _store_evidence(actor, milestone_id, storage, multipart, optional)
        return await submit_evidence(
            actor, milestone_id, document, multipart.fields.get("note", ""), multipart.fields
        )
    except Problem:
        if document:
            await discard(storage, document)
        raise


async def _approvers(milestone: dict) -> set:
    """Who approved the milestone's current evidence round."""
    return {
        r["reviewer"]
        for r in await MilestoneReview.select(MilestoneReview.reviewer).where(
            (MilestoneReview.milestone == milestone["id"])
            & (MilestoneReview.round == milestone["evidence_round"])
            & (MilestoneReview.decision == "approve")
        )
    }


async def review(actor, milestone_id: UUID, decision: str, comment: str) -> dict:
    """Staff: request changes (with a comment) or approve; approval needs two different people."""
    if not policies.may_review(actor):
        raise Problem(403, "forbidden", FORBIDDEN)
    if decision not in ("approve", "request_changes"):
        raise invalid([FieldError("decision", N_("Choose approve or request changes."))])
    if decision == "request_changes" and not comment.strip():
        raise invalid([FieldError("comment", N_("Say what needs to change."))])
    if decision == "approve":
        await stepup.require_recent_sign_in(actor)
    async with db.write_transaction():
        await db.lock_row(Milestone, milestone_id)
        milestone, _partnership = await milestone_context(milestone_id)
        if not policies.may_review_milestone(actor, milestone):
            raise Problem(
                409,
                "invalid_transition",
                N_("This milestone has no evidence waiting for review."),
                extra={"status": milestone["status"]},
            )
        approvers = await _approvers(milestone)
        if decision == "approve":
            bonus.require_verified(milestone)
        if decision == "approve" and not policies.may_approve(actor, milestone, approvers):
            raise Problem(
                422,
                "four_eyes_required",
                N_("You approved this already; a second, different staff member must approve."),
            )
        await MilestoneReview(
            milestone=milestone_id,
            round=milestone["evidence_round"],
            reviewer=actor.id,
            decision=decision,
            comment=comment.strip(),
            created_at=clock.now(),
        ).save()
        values = {}
        if decision == "request_changes":
            values = {Milestone.status: "changes_requested"}
        elif len(approvers) + 1 >= APPROVALS_NEEDED:
            values = {Milestone.status: "approved", Milestone.approved_at: clock.now()}
        if values:
            await Milestone.update(values).where(Milestone.id == milestone_id)
        await record(
            f"milestone.{decision}",
            actor=actor,
            object_type="milestone",
            object_id=milestone_id,
            payload={
                "round": milestone["evidence_round"],
                "comment": comment.strip(),
                "approvals": len(approvers) + (decision == "approve"),
            },
        )
    return await Milestone.select().where(Milestone.id == milestone_id).first()


# --- reading ---------------------------------------------------------------------------


async def milestone_detail(user, milestone_id: UUID) -> dict:
    """A milestone with its evidence, reviews and payments, for someone who may see it."""
    milestone, partnership = await milestone_context(milestone_id)
    await visible(user, partnership["id"])
    evidence = (
        await Evidence.select(
            Evidence.round,
            Evidence.document,
            Evidence.note,
            Evidence.repository_url,
            Evidence.ref,
            Evidence.licence,
            Evidence.created_at,
        )
        .where(Evidence.milestone == milestone_id)
        .order_by(Evidence.created_at)
    )
    reviews = (
        await MilestoneReview.select(
            MilestoneReview.round,
            MilestoneReview.decision,
            MilestoneReview.comment,
            MilestoneReview.created_at,
        )
        .where(MilestoneReview.milestone == milestone_id)
        .order_by(MilestoneReview.created_at)
    )
    payments = (
        await Payment.select(Payment.amount_cents, Payment.paid_on, Payment.reference)
        .where(Payment.milestone == milestone_id)
        .order_by(Payment.paid_on)
    )
    return {"milestone": milestone, "evidence": evidence, "reviews": reviews, "payments": payments}


async def _history(milestones: list[dict], partnership_id: UUID) -> list[dict]:
    ids = [m["id"] for m in milestones] or [UUID(int=0)]
    evidence = (
        await Evidence.select().where(Evidence.milestone.is_in(ids)).order_by(Evidence.created_at)
    )
    reviews = (
        await MilestoneReview.select(
            MilestoneReview.milestone,
            MilestoneReview.round,
            MilestoneReview.decision,
            MilestoneReview.comment,
            MilestoneReview.created_at,
            MilestoneReview.reviewer.name.as_alias("reviewer_name"),
            MilestoneReview.reviewer,
        )
        .where(MilestoneReview.milestone.is_in(ids))
        .order_by(MilestoneReview.created_at)
    )
    payments = (
        await Payment.select()
        .where(Payment.partnership == partnership_id)
        .order_by(Payment.paid_on)
    )
    for m in milestones:
        m["evidence"] = [e for e in evidence if e["milestone"] == m["id"]]
        m["reviews"] = [r for r in reviews if r["milestone"] == m["id"]]
        m["payments"] = [p for p in payments if p["milestone"] == m["id"]]
        m["approvals"] = [
            r
            for r in m["reviews"]
            if r["round"] == m["evidence_round"] and r["decision"] == "approve"
        ]
    return payments


async def _permissions(user, partnership: dict, milestones: list[dict]) -> dict:
    """What the templates offer, decided by the policy functions."""
    may_report = await policies.may_submit_evidence(user, partnership)
    for m in milestones:
        m["may_review"] = policies.may_review_milestone(user, m)
        m["may_approve"] = policies.may_approve(user, m, [a["reviewer"] for a in m["approvals"]])
        m["may_pay"] = policies.may_pay_as(user, m, [r["reviewer"] for r in m["reviews"]])
        m["badge"] = milestone_code(m, partnership)
        m["payment_badge"] = payment_code(m)
        m["may_submit_evidence"] = may_report and policies.awaits_evidence(partnership, m)
        m["may_verify"] = policies.may_verify_bonus(user, m)
        m["verification"] = bonus.verification_of(m)
        if bonus.is_bonus(m):
            m["offer_licence"] = await bonus.offer_licence(partnership["submission"])
    return {
        "may_manage": contract_policies.may_manage(user),
        "may_edit_plan": contract_policies.may_edit_plan(user, partnership),
        "may_attach_signed_copy": await contract_policies.may_attach_signed_copy(user, partnership),
        "may_amend": contract_policies.may_amend(user, partnership),
        "may_terminate": contract_policies.may_terminate(user, partnership),
    }


async def detail_context(user, partnership: dict) -> dict:
    """Everything the staff and partner pages show of a partnership, with what the user may do."""
    milestones = await milestones_of(partnership["id"])
    payments = await _history(milestones, partnership["id"])
    amendments = (
        await Amendment.select()
        .output(load_json=True)
        .where(Amendment.partnership == partnership["id"])
        .order_by(Amendment.number)
    )
    for amendment in amendments:  # the plans' dates as dates, for the page's date format
        for plan in (amendment["plan_before"], amendment["plan_after"]):
            for m in (plan or {}).get("milestones") or []:
                if isinstance(m.get("due_date"), str):
                    m["due_date"] = date.fromisoformat(m["due_date"])
    documents = (
        await Document.select(Document.id, Document.filename, Document.kind, Document.created_at)
        .where(
            (Document.owner_type == "partnership")
            & (Document.owner_id == str(partnership["id"]))
            & (Document.status == "stored")
        )
        .order_by(Document.created_at)
    )
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == partnership["organisation"])
        .first()
    )
    return {
        "partnership": partnership,
        "milestones": milestones,
        "amendments": amendments,
        "documents": documents,
        "payments": payments,
        "organisation": organisation["name"],
        "errors": {},
        "values": {},
        "paid_cents": sum(p["amount_cents"] for p in payments),
        "milestones_paid": sum(1 for m in milestones if m["status"] == "paid"),
        "user": user,
        "reference": partnership_reference(partnership),
        "today": today(),
        **await _permissions(user, partnership, milestones),
        "licence_names": bonus.licence_names(milestones),
    }
