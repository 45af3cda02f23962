"""Frozen versions of a proposal: the reference, the canonical snapshot and its checksum."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from challenge.platform.audit.service import record
from challenge.platform.i18n import BERLIN
from challenge.platform.references import proposal_reference
from challenge.submissions.tables import ReferenceCounter, Submission, SubmissionVersion

FIELDS = ("title", "summary", "category", "answers")


async def next_reference(now: datetime) -> str:
    """The next proposal reference of the year (Berlin time), counted in the database."""
    year = now.astimezone(BERLIN).year
    rows = await ReferenceCounter.raw(
        "INSERT INTO reference_counters (year, last) VALUES ({}, 1) "
        "ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last",
        year,
    )
    return proposal_reference(year, rows[0]["last"])


def canonical(snapshot: dict) -> str:
    """The snapshot as the JSON text whose checksum is published (sorted keys, no spaces)."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_of(row: dict, documents: list[dict]) -> dict:
    """What a submit freezes: the answers and the attached files' names, sizes and checksums."""
    return {
        **{k: row[k] for k in FIELDS},
        "documents": [
            {"filename": d["filename"], "size": d["size"], "sha256": d["sha256"]} for d in documents
        ],
    }


async def last_submitted_content(submission_id: UUID) -> dict | None:
    """The content frozen in the latest version, or None before the first submit."""
    last = (
        await SubmissionVersion.select(SubmissionVersion.snapshot)
        .where(SubmissionVersion.submission == submission_id)
        .order_by(SubmissionVersion.number, ascending=False)
        .first()
    )
    frozen = json.loads(last["snapshot"]) if last else None
    return content_of(frozen, frozen["documents"]) if frozen else None


async def freeze_version(
    actor, call: dict, current: dict, content: dict, *, consent: bool, now: datetime
) -> tuple[str, str]:
    """Mark the submission submitted and store its next frozen version: (reference, sha256)."""
    submission_id = current["id"]
    reference = current["reference"] or await next_reference(now)
    number = (
        await SubmissionVersion.count().where(SubmissionVersion.submission == submission_id) + 1
    )
    snapshot = {
        "reference": reference,
        "version": number,
        "submitted_at": now.isoformat(),
        "call": {"slug": call["slug"], "title": call["title"]},
        "organisation": current["organisation_name"],
        **content,
    }
    if current.get("challenge_key"):  # calls without challenges keep their snapshot's shape
        snapshot["challenge"] = {
            "key": current["challenge_key"],
            "title": current["challenge_title"],
        }
    text = canonical(snapshot)
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    await Submission.update(
        {
            Submission.status: "submitted",
            Submission.reference: reference,
            Submission.submitted_at: now,
            Submission.consent_publication: consent,
            Submission.version: current["version"] + 1,
        }
    ).where(Submission.id == submission_id)
    version = SubmissionVersion(
        submission=submission_id,
        number=number,
        snapshot=text,
        sha256=sha256,
        created_by=actor.id,
        created_at=now,
    )
    await version.save()
    await record(
        "submission.submitted",
        actor=actor,
        object_type="submission",
        object_id=submission_id,
        payload={"reference": reference, "version": number, "sha256": sha256},
    )
    return reference, sha256


def snapshot_of(version: dict) -> dict[str, Any]:
    """A stored version's snapshot as data."""
    return json.loads(version["snapshot"])
