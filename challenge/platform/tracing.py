"""Optional OpenTelemetry traces: one trace per request (Litestar's OpenTelemetry plugin) with a
span per database statement. Active only when the `tracing` extra is installed
(`pip install 'smart-city-challenge[tracing]'`) and an OTLP endpoint is configured with the
standard variables (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; the
exporter reads the other OTEL_* variables itself, e.g. OTEL_SERVICE_NAME, headers, timeouts).
Without them the portal neither imports OpenTelemetry nor pays for it.

Database spans carry the statement with its placeholders, never the parameter values."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)
SERVICE_NAME = "smart-city-challenge"
_EXCLUDE = ["^/static/", "^/healthz$", "^/readyz$", "^/metrics$"]
_tracer: Any = None  # the tracer database spans go to; None: statements run untraced
_patched: set[type] = set()


def wanted(environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").strip()
    )


def _otlp_provider():
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider


def tracing_plugins(engine, tracer_provider=None) -> list:
    """The Litestar plugins for create_app: the OpenTelemetry plugin when tracing is wanted (or a
    tracer provider is given, as the tests do) and the packages are there; else none."""
    if tracer_provider is None and not wanted():
        return []
    try:
        from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
    except ImportError:  # pragma: no cover - depends on the installation
        log.warning(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but the tracing extra is not installed: no traces"
        )
        return []
    provider = tracer_provider or _otlp_provider()
    instrument_database(engine, provider)
    return [
        OpenTelemetryPlugin(
            OpenTelemetryConfig(
                tracer_provider=provider, exclude=_EXCLUDE, exclude_spans=["receive", "send"]
            )
        )
    ]


def instrument_database(engine, tracer_provider) -> None:
    """A client span per statement the engine runs (Piccolo's run_querystring and run_ddl), in
    the trace of the request that runs it."""
    global _tracer
    _tracer = tracer_provider.get_tracer("challenge.db")
    cls = type(engine)
    if cls in _patched:
        return
    system = "sqlite" if engine.engine_type == "sqlite" else "postgresql"
    for name in ("run_querystring", "run_ddl"):
        setattr(cls, name, _traced(getattr(cls, name), system))
    _patched.add(cls)


def disable() -> None:
    """Stop making database spans (tests)."""
    global _tracer
    _tracer = None


def _traced(method, system: str):
    @functools.wraps(method)
    async def run(self, statement, *args, **kwargs):
        tracer = _tracer
        if tracer is None:
            return await method(self, statement, *args, **kwargs)
        from opentelemetry.trace import SpanKind

        if isinstance(statement, str):
            sql = statement
        else:
            sql = statement.compile_string(engine_type=self.engine_type)[0]
        operation = (sql.split(None, 1) or ["SQL"])[0].upper()
        with tracer.start_as_current_span(
            operation,
            kind=SpanKind.CLIENT,
            attributes={"db.system": system, "db.operation": operation, "db.statement": sql[:2000]},
        ):
            return await method(self, statement, *args, **kwargs)

    return run
