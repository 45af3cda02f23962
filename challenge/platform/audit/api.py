"""GET /api/v1/audit/verify — recompute the hash chain (admins)."""

from __future__ import annotations

from litestar import get

from challenge.platform.accounts.guards import admin_required
from challenge.platform.audit.service import VerifyResult, verify


@get("/api/v1/audit/verify", guards=[admin_required], tags=["admin"])
async def verify_audit_log() -> VerifyResult:
    """Whether every audit entry's hash and link to its predecessor are intact."""
    return await verify()
