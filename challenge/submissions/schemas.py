"""JSON shapes of submissions (API.md, Submission)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from challenge.platform.documents.schemas import DocumentOut
from challenge.platform.security.limits import Reason

Category = Annotated[str, msgspec.Meta(max_length=100)]  # Submission.category is Varchar(100)


class SubmissionIn(msgspec.Struct, kw_only=True):
    organisation_id: UUID
    challenge: Annotated[str, msgspec.Meta(max_length=40)] | None = None  # key, on such calls
    title: str = ""
    summary: str = ""
    category: Category = ""
    answers: dict[str, Any] = msgspec.field(default_factory=dict)


class SubmissionPatch(msgspec.Struct, kw_only=True):
    version: int
    title: str | msgspec.UnsetType = msgspec.UNSET
    summary: str | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    answers: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class SubmitIn(msgspec.Struct, kw_only=True):
    consent_publication: bool = False


class ExtensionIn(msgspec.Struct, kw_only=True):
    organisation_id: UUID
    closes_at: datetime
    reason: Reason


class SubmissionOut(msgspec.Struct):
    id: UUID
    call: str
    organisation_id: UUID
    organisation: str
    title: str
    summary: str
    category: str
    answers: dict[str, Any]
    status: str
    version: int
    reference: str | None
    submitted_at: datetime | None
    closes_at: datetime
    documents: list[DocumentOut]
    versions: int = 0
    challenge: str | None = None  # the challenge's key on a call with challenges
