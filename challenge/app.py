"""create_app(settings): assembly only — routers, plugins, templates, static files."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.plugins.prometheus import PrometheusConfig
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from challenge import db
from challenge.calls.api import CallsApi
from challenge.calls.pages import CallPages
from challenge.calls.staff_pages import StaffCallPages
from challenge.jury.api import JurorApi, StaffJuryApi
from challenge.jury.pages import JuryPages
from challenge.jury.staff_pages import StaffJuryPages
from challenge.organisations.api import OrganisationsApi, my_organisations
from challenge.organisations.pages import TeamPages
from challenge.paths import STATIC_DIR
from challenge.platform.accounts.api import AdminUsersApi, AuthApi, MeApi
from challenge.platform.accounts.middleware import AuthMiddleware
from challenge.platform.accounts.pages import AccountPages, AccountSettingsPages
from challenge.platform.admin.pages import AdminPages
from challenge.platform.audit.api import verify_audit_log
from challenge.platform.documents.api import LibraryApi, download_document
from challenge.platform.documents.pages import VERIFY_MAX_BYTES, LibraryPages, VerifyPages
from challenge.platform.errors import handle_exception
from challenge.platform.headers import make_security_headers_hook
from challenge.platform.health import MetricsController, healthz, readyz
from challenge.platform.observability import RequestIdMiddleware
from challenge.platform.openapi import openapi_config
from challenge.platform.page_cache import response_cache_config
from challenge.platform.pages import SitePages
from challenge.platform.security.csrf import CSRFMiddleware
from challenge.platform.security.limits import MB, RequestLimitsMiddleware, strict_json_body
from challenge.platform.storage import storage_from_settings
from challenge.platform.templating import environment
from challenge.platform.tracing import tracing_plugins
from challenge.results.api import StaffResultsApi, award_letter, job_status, public_results
from challenge.results.pages import PublicResultsPages, StaffResultsPages
from challenge.settings import Settings
from challenge.submissions.api import CallSubmissionsApi, SubmissionsApi, my_submissions
from challenge.submissions.pages import ApplyPages, SubmissionPages, dashboard
from challenge.submissions.staff_pages import StaffExports, StaffSubmissionPages

# One entry per domain of `challenge`; extensions (e.g. partnerships) add theirs through the
# `challenge.extensions` entry points (challenge/platform/extensions.py).
DOMAIN_ROUTERS: list[ControllerRouterHandler] = [
    SitePages,
    AccountPages,
    AccountSettingsPages,
    AuthApi,
    MeApi,
    AdminPages,
    AdminUsersApi,
    verify_audit_log,
    LibraryPages,
    LibraryApi,
    download_document,
    VerifyPages,
    CallPages,
    StaffCallPages,
    CallsApi,
    TeamPages,
    OrganisationsApi,
    my_organisations,
    CallSubmissionsApi,
    SubmissionsApi,
    my_submissions,
    ApplyPages,
    SubmissionPages,
    dashboard,
    StaffSubmissionPages,
    StaffExports,
    StaffJuryApi,
    JurorApi,
    JuryPages,
    StaffJuryPages,
    StaffResultsApi,
    job_status,
    public_results,
    award_letter,
    StaffResultsPages,
    PublicResultsPages,
]


def create_app(
    settings: Settings,
    extra_route_handlers: Sequence[ControllerRouterHandler] = (),
    run_worker: bool = False,
) -> Litestar:
    """Assemble the portal for these (prepared) settings.

    ``run_worker`` runs the outbox worker and scheduled jobs inside this process — the
    embedded single-machine mode of `challenge serve`; production runs `challenge worker`.
    """
    engine = db.bind(settings)
    storage = storage_from_settings(settings)

    @asynccontextmanager
    async def database_pool(app: Litestar):
        await db.start(engine)
        try:
            yield
        finally:
            await db.stop(engine)

    @asynccontextmanager
    async def metrics_refresher(app: Litestar):
        from challenge.platform.metrics import run_refresh

        stop = asyncio.Event()
        task = asyncio.create_task(run_refresh(stop))
        try:
            yield
        finally:
            stop.set()
            await task

    @asynccontextmanager
    async def in_process_worker(app: Litestar):
        from challenge.platform.housekeeping import run_background

        stop = asyncio.Event()
        task = asyncio.create_task(run_background(settings, stop=stop))
        try:
            yield
        finally:
            stop.set()
            await task

    prometheus = PrometheusConfig(
        app_name="challenge",
        prefix="challenge",
        group_path=True,
        exclude=["^/static/", "^/metrics$"],
        exclude_unhandled_paths=True,
    )
    static_router = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        name="static",
        opt={"exclude_from_auth": True},
        include_in_schema=False,
        send_as_attachment=False,
    )

    from challenge.platform.extensions import extensions

    return Litestar(
        route_handlers=[
            *DOMAIN_ROUTERS,
            *(router for extension in extensions() for router in extension.routers),
            healthz,
            readyz,
            MetricsController,
            static_router,
            *extra_route_handlers,
        ],
        state=State({"settings": settings, "engine": engine, "storage": storage}),
        lifespan=[database_pool, metrics_refresher, *([in_process_worker] if run_worker else [])],
        template_config=TemplateConfig(
            engine=JinjaTemplateEngine.from_environment(environment())
        ),
        openapi_config=openapi_config(),
        response_cache_config=response_cache_config(),
        exception_handlers={Exception: handle_exception},
        # Outermost first: request id and access log, metrics, then who is asking, then CSRF
        # (which exempts API tokens).
        middleware=[
            RequestIdMiddleware,
            prometheus.middleware,
            RequestLimitsMiddleware(max_upload_bytes=max(settings.upload_max_mb * MB, VERIFY_MAX_BYTES)),
            AuthMiddleware(settings),
            CSRFMiddleware(secret=settings.secret_key or "", secure=settings.https),
        ],
        before_request=strict_json_body,  # after the guards: strict JSON types
        before_send=[make_security_headers_hook(settings)],
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        logging_config=None,  # logging is set up by the commands (challenge.platform.observability)
        plugins=tracing_plugins(engine),  # OpenTelemetry, when OTEL_EXPORTER_OTLP_ENDPOINT is set
        debug=False,
    )
