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
    # Areas a domain opens to the person without a global role (e.g. "unit" for members of a
    # city unit): for navigation only; every object is still checked by its policy.
    areas: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def sees(self, *names: str) -> bool:
        """A global role or an area of one of these names (navigation)."""
        return any(name in self.roles or name in self.areas for name in names)
