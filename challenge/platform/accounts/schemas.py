"""JSON shapes of the account API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class RegisterIn(msgspec.Struct):
    email: str
    password: str
    name: str
    locale: str = "de"


class TokenIn(msgspec.Struct):
    token: str


class LoginIn(msgspec.Struct):
    email: str
    password: str


class EmailIn(msgspec.Struct):
    email: str


class ResetConfirmIn(msgspec.Struct):
    token: str
    password: str


class PasswordChangeIn(msgspec.Struct):
    current_password: str
    new_password: str


class ProfileIn(msgspec.Struct):
    name: str | None = None
    locale: str | None = None
    affiliation: str | None = None


class MeOut(msgspec.Struct):
    id: UUID
    email: str
    name: str
    locale: str
    affiliation: str
    roles: list[str]


class StatusOut(msgspec.Struct):
    status: str


class VerifiedOut(msgspec.Struct):
    """The answer to a followed verification link; already_verified for a link followed again."""

    status: str
    already_verified: bool = False


class ApiTokenIn(msgspec.Struct):
    name: str
    days: int = 90


class ApiTokenOut(msgspec.Struct):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class ApiTokenCreated(msgspec.Struct):
    id: UUID
    name: str
    token: str
    expires_at: datetime


class RoleIn(msgspec.Struct):
    role: str


class UserOut(msgspec.Struct):
    id: UUID
    email: str
    name: str
    roles: list[str]
    email_verified_at: datetime | None
    is_active: bool
    created_at: datetime


class UserPage(msgspec.Struct):
    items: list[UserOut]
    total: int
    page: int
    per_page: int
