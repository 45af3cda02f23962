"""Who is making the request: the identity the auth middleware puts into the ASGI scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID


@dataclass(frozen=True)
class CurrentUser:
    id: UUID
    email: str
    name: str
    locale: str
    affiliation: str
    roles: frozenset[str] = field(default_factory=frozenset)
    session_id: str | None = None
    token_id: UUID | None = None

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)
