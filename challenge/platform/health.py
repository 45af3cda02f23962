"""Liveness and readiness probes and the metrics endpoint (DESIGN §5, operations).

What the portal's insides look like is for operators only: `/metrics` and the details of
`/readyz` (which check failed, and why) need `Authorization: Bearer <CHALLENGE_METRICS_TOKEN>`.
Without that setting they are served only to a request made on this machine — a loopback peer
that carries no forwarding header, so a reverse proxy on the same host does not pass the public
through. Everyone else gets 404 for `/metrics` and only the status word from `/readyz`."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress

from litestar import Request, Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController

from challenge import db
from challenge.platform.storage import StorageUnavailable

CHECK_TIMEOUT = 5.0
_FORWARDING = (b"forwarded", b"x-forwarded-for", b"x-real-ip", b"x-forwarded-host")


def _bearer(connection: ASGIConnection) -> bytes | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip().encode("utf-8", "surrogateescape")


def _local(connection: ASGIConnection) -> bool:
    peer = (connection.scope.get("client") or ("", 0))[0] or ""
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False
    return loopback and not any(
        name in _FORWARDING for name, _ in connection.scope.get("headers", [])
    )


def operator_access(connection: ASGIConnection) -> bool:
    """The right metrics token (compared in constant time), or — with no token configured — a
    request from this machine that no proxy forwarded."""
    token = connection.app.state.settings.metrics_token
    if token:
        sent = _bearer(connection)
        return sent is not None and hmac.compare_digest(sent, token.encode())
    return _local(connection)


def operators_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if not operator_access(connection):
        raise NotFoundException()  # not 401: the public need not learn that the endpoint exists


class MetricsController(PrometheusController):
    """Litestar's Prometheus endpoint behind the operator check."""

    guards = [operators_only]
    include_in_schema = False
    opt = {"exclude_from_auth": True}  # its Bearer token is the metrics token, not an API token


@get("/healthz", opt={"exclude_from_auth": True}, include_in_schema=False)
async def healthz(request: Request) -> Response:
    """The process is alive: 503 once it has not obtained a database connection for
    CHALLENGE_LIVENESS_SECONDS (e.g. a pool it can no longer use), so the orchestrator restarts it."""
    from challenge.platform.dbfaults import alive

    settings = request.app.state.settings
    ok = await alive(request.app.state.engine, settings.liveness_seconds)
    return Response(
        {"status": "ok" if ok else "unavailable"},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )


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


def _check_disk(request: Request) -> str:
    """Free space of the data folder (local documents, the SQLite file, the mail spool)."""
    import logging
    import shutil

    settings = request.app.state.settings
    try:
        free = shutil.disk_usage(settings.data_dir).free
    except OSError as exc:
        return f"unavailable: {exc.strerror}"
    if free < settings.disk_min_free_mb * 1024 * 1024:
        logging.getLogger(__name__).warning(
            "not ready: %d MB free in %s, below CHALLENGE_DISK_MIN_FREE_MB=%d",
            free // (1024 * 1024),
            settings.data_dir,
            settings.disk_min_free_mb,
        )
        return f"low: {free // (1024 * 1024)} MB free"
    return "ok"


@get("/readyz", opt={"exclude_from_auth": True}, include_in_schema=False)
async def readyz(request: Request) -> Response:
    """The database and the document storage answer: this replica may take traffic. The public
    (and the load balancer) get the status word; operators also which check failed."""
    database, storage = await asyncio.gather(_check_database(request), _check_storage(request))
    disk = _check_disk(request)
    ready = database == "ok" and storage == "ok" and disk == "ok"
    body = {"status": "ready" if ready else "not ready"}
    if operator_access(request):
        body |= {"database": database, "storage": storage, "disk": disk}
    return Response(body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})
