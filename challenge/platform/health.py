"""Liveness and readiness probes (DESIGN §5, operations)."""

from __future__ import annotations

import asyncio

from litestar import Request, Response, get

from challenge import db
from challenge.platform.storage import StorageUnavailable

CHECK_TIMEOUT = 5.0


@get("/healthz", opt={"exclude_from_auth": True}, include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


async def _check_database(request: Request) -> str:
    try:
        await asyncio.wait_for(db.ping(request.app.state.engine), CHECK_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return f"unavailable: {type(exc).__name__}"
    return "ok"


async def _check_storage(request: Request) -> str:
    try:
        await asyncio.wait_for(request.app.state.storage.check(), CHECK_TIMEOUT)
    except (StorageUnavailable, TimeoutError) as exc:
        return f"unavailable: {exc}" if str(exc) else "unavailable: timeout"
    return "ok"


@get("/readyz", opt={"exclude_from_auth": True}, include_in_schema=False)
async def readyz(request: Request) -> Response:
    """The database and the document storage answer: this replica may take traffic."""
    database, storage = await asyncio.gather(_check_database(request), _check_storage(request))
    ready = database == "ok" and storage == "ok"
    return Response(
        {"status": "ok" if ready else "unavailable", "database": database, "storage": storage},
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )
