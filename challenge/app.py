"""create_app(settings): assembly only — the domains' routers, platform infrastructure (health,
metrics, static files), plugins and templates.

Every domain joins through its :class:`~challenge.platform.domains.Domain` record
(``challenge.domains``: the core packages, then the ``challenge.extensions`` entry points) —
warehouse's ``includeme`` in Litestar terms.
"""

from __future__ import annotations

import asyncio
import gc
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
from challenge.domains import install_all
from challenge.paths import STATIC_DIR
from challenge.platform import theme
from challenge.platform.accounts.middleware import AuthMiddleware
from challenge.platform.documents.pages import VERIFY_MAX_BYTES
from challenge.platform.domains import Domain
from challenge.platform.errors import handle_exception
from challenge.platform.headers import make_security_headers_hook
from challenge.platform.health import MetricsController, healthz, readyz
from challenge.platform.observability import RequestIdMiddleware
from challenge.platform.openapi import openapi_config
from challenge.platform.page_cache import response_cache_config
from challenge.platform.security.csrf import CSRFMiddleware
from challenge.platform.security.limits import MB, RequestLimitsMiddleware, strict_json_body
from challenge.platform.storage import storage_from_settings
from challenge.platform.templating import configure as configure_templates
from challenge.platform.templating import environment
from challenge.platform.tracing import tracing_plugins
from challenge.settings import Settings


def infrastructure() -> list[ControllerRouterHandler]:
    """What every portal serves besides its domains: health, metrics and static files."""
    static_router = create_static_files_router(
        path="/static",
        # the city's theme (CHALLENGE_THEME_DIR/static) first: its logo, favicon, …
        directories=[*theme_static(), STATIC_DIR],
        name="static",
        opt={"exclude_from_auth": True},
        include_in_schema=False,
        send_as_attachment=False,
    )
    return [healthz, readyz, MetricsController, static_router]


def theme_static() -> list:
    folder = theme.folder()
    return [folder / "static"] if folder and (folder / "static").is_dir() else []


def route_handlers(domains: Sequence[Domain]) -> list[ControllerRouterHandler]:
    """Every installed domain's routers, in stage order, then the infrastructure."""
    return [*(router for domain in domains for router in domain.routers), *infrastructure()]


def lifespans(settings: Settings, engine, run_worker: bool, freeze_heap: bool = False) -> list:
    """The database pool, the metrics refresher, embedded, the worker and, in a served process,
    the heap frozen once started."""

    @asynccontextmanager
    async def database_pool(app: Litestar):
        await db.start(engine)
        try:
            yield
        finally:
            await db.stop(engine)

    @asynccontextmanager
    async def background(app: Litestar, run):
        stop = asyncio.Event()
        task = asyncio.create_task(run(stop))
        try:
            yield
        finally:
            stop.set()
            await task

    def metrics_refresher(app: Litestar):
        from challenge.platform.metrics import run_refresh

        return background(app, run_refresh)

    def in_process_worker(app: Litestar):
        from challenge.platform.housekeeping import run_background

        return background(app, lambda stop: run_background(settings, stop=stop))

    @asynccontextmanager
    async def frozen_heap(app: Litestar):
        # What start-up created lives as long as the process: out of the collector's sight, a
        # full collection no longer walks it (issue 25: 46–69 ms pauses every ~9 requests).
        gc.collect()
        gc.freeze()
        yield

    return [
        database_pool,
        metrics_refresher,
        *([in_process_worker] if run_worker else []),
        *([frozen_heap] if freeze_heap else []),
    ]


def middleware(settings: Settings) -> list:
    """Outermost first: request id and access log, metrics, then who is asking, then CSRF (which
    exempts API tokens)."""
    prometheus = PrometheusConfig(
        app_name="challenge",
        prefix="challenge",
        group_path=True,
        exclude=["^/static/", "^/metrics$"],
        exclude_unhandled_paths=True,
    )
    return [
        RequestIdMiddleware,
        prometheus.middleware,
        RequestLimitsMiddleware(
            max_upload_bytes=max(settings.upload_max_mb * MB, VERIFY_MAX_BYTES)
        ),
        AuthMiddleware(settings),
        CSRFMiddleware(secret=settings.secret_key or "", secure=settings.https),
    ]


def create_app(
    settings: Settings,
    extra_route_handlers: Sequence[ControllerRouterHandler] = (),
    run_worker: bool = False,
    freeze_heap: bool = False,
) -> Litestar:
    """Assemble the portal for these (prepared) settings.

    ``run_worker`` runs the outbox worker and scheduled jobs inside this process — the
    embedded single-machine mode of `challenge serve`; production runs `challenge worker`.
    ``freeze_heap`` (a served process, not tests) freezes what start-up allocated.
    """
    configure_templates(settings.theme_dir)
    domains = install_all()
    engine = db.bind(settings)
    return Litestar(
        route_handlers=[*route_handlers(domains), *extra_route_handlers],
        state=State(
            {"settings": settings, "engine": engine, "storage": storage_from_settings(settings)}
        ),
        lifespan=lifespans(settings, engine, run_worker, freeze_heap),
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment())),
        openapi_config=openapi_config(),
        response_cache_config=response_cache_config(),
        exception_handlers={Exception: handle_exception},
        middleware=middleware(settings),
        before_request=strict_json_body,  # after the guards: strict JSON types
        before_send=[make_security_headers_hook(settings)],
        # Level 6 (zlib's default) instead of Litestar's 9: within a few per cent of its size in
        # two thirds of the time or less.
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=1024,
            gzip_compress_level=6,
            # already compressed formats: gzip would only cost time (scores.xlsx: ~0.3 s)
            exclude=[r"\.(xlsx|zip|pdf)$"],
            exclude_opt_key="skip_compression",  # a route's opt: it sends its own stored gzip
        ),
        logging_config=None,  # logging is set up by the commands (challenge.platform.observability)
        plugins=tracing_plugins(engine),  # OpenTelemetry, when OTEL_EXPORTER_OTLP_ENDPOINT is set
        debug=False,
    )


def served_app() -> Litestar:
    """The ASGI application factory for several server processes (`challenge serve --workers N`
    starts them; also ``uvicorn --factory challenge.app:served_app``): settings from the
    environment, no embedded worker — the serving command runs one worker process beside them,
    a deployment runs `challenge worker`."""
    from challenge.platform.observability import configure_logging
    from challenge.settings import settings_or_exit

    settings = settings_or_exit()
    configure_logging(settings)
    return create_app(settings, freeze_heap=True)
