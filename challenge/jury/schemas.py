"""JSON shapes of the jury API (API.md: jurors, declaration, conflicts, assignments, reviews)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from challenge.platform.security.limits import Comment, Email, Name, Reason

ChallengeKey = Annotated[str, msgspec.Meta(max_length=40)]


class JurorIn(msgspec.Struct):
    """Without ``challenges`` (or with none) the juror judges the whole call."""

    email: Email
    name: Name
    challenges: Annotated[list[ChallengeKey], msgspec.Meta(max_length=50)] | None = None


class JurorOut(msgspec.Struct):
    id: UUID
    user_id: UUID
    email: str
    name: str
    accepted_at: datetime | None
    declaration_completed_at: datetime | None
    assigned: int = 0
    done: int = 0
    challenges: list[str] = msgspec.field(default_factory=list)  # keys; empty: the whole call


class DeclaredEntry(msgspec.Struct):
    id: UUID
    title: str
    organisation: str
    organisation_id: UUID | None = None
    members: list[str] = msgspec.field(default_factory=list)


class ConflictOut(msgspec.Struct, omit_defaults=True):
    """A conflict names its entry (``submission_id``) — on a blind call its team (``team``, the
    token from the declaration) instead. ``locked``: from team membership or staff, only staff lift it."""

    id: UUID
    reason: str
    source: str
    locked: bool
    submission_id: UUID | None = None
    team: str | None = None


class Declaration(msgspec.Struct):
    submissions: list[DeclaredEntry]
    conflicts: list[ConflictOut]
    complete: bool
    blind: bool = False


class DeclaredTeam(msgspec.Struct):
    team: str  # opaque per call: not the organisation's id, not an entry's
    organisation: str
    members: list[str] = msgspec.field(default_factory=list)


class BlindDeclaration(msgspec.Struct):
    """A blind call's declaration: teams, never entries; conflicts per team."""

    teams: list[DeclaredTeam]
    conflicts: list[ConflictOut]
    complete: bool
    blind: bool = True


class ConflictIn(msgspec.Struct, kw_only=True):
    reason: Reason
    submission_id: UUID | None = None
    organisation_id: UUID | None = None
    team: str | None = None  # blind calls: the team's token from the declaration


class WithdrawIn(msgspec.Struct):
    reason: Reason = ""


class StaffConflictIn(msgspec.Struct):
    juror_id: UUID
    submission_id: UUID
    reason: Reason


class LiftIn(msgspec.Struct):
    reason: Reason


class AutoAssignIn(msgspec.Struct):
    round: int = 1
    reviews_per_submission: int = 3


class AssignmentIn(msgspec.Struct):
    juror_id: UUID
    submission_id: UUID
    round: int = 1


class AssignmentOut(msgspec.Struct):
    id: UUID
    call: str
    round: int
    submission_id: UUID
    title: str
    status: str


class ReviewIn(msgspec.Struct, kw_only=True):
    round: int = 1
    scores: dict[str, Any] = msgspec.field(default_factory=dict)
    comment: Comment = ""
    comments: dict[str, Comment] = msgspec.field(default_factory=dict)
    shareable: bool = False
    final: bool = False


class ReviewOut(msgspec.Struct):
    submission_id: UUID
    round: int
    scores: dict[str, Any]
    comment: str
    comments: dict[str, str]
    shareable: bool
    status: str
    rubric_version: str


class UnitCommentIn(msgspec.Struct):
    body: Comment


class UnitCommentOut(msgspec.Struct):
    """The owning unit's note for the jury: the unit's words, no author."""

    id: UUID
    submission_id: UUID
    unit: str
    body: str
    created_at: datetime
