"""JSON shapes of organisations (API.md, Organisation)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

Kind = Literal["startup", "student_team", "research_group", "company", "other"]


class OrganisationIn(msgspec.Struct, kw_only=True):
    name: str
    kind: Kind
    register_id: str = ""
    website: str = ""
    city: str = ""


class OrganisationPatch(msgspec.Struct, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: Kind | msgspec.UnsetType = msgspec.UNSET
    register_id: str | msgspec.UnsetType = msgspec.UNSET
    website: str | msgspec.UnsetType = msgspec.UNSET
    city: str | msgspec.UnsetType = msgspec.UNSET


class MemberOut(msgspec.Struct):
    user_id: UUID
    name: str
    email: str
    role: str


class OrganisationOut(msgspec.Struct):
    id: UUID
    name: str
    kind: str
    register_id: str
    website: str
    city: str
    role: str | None = None
    members: list[MemberOut] | None = None


class InviteIn(msgspec.Struct):
    email: str


class InvitationOut(msgspec.Struct):
    id: UUID
    email: str
    expires_at: datetime


class AcceptIn(msgspec.Struct):
    token: str
