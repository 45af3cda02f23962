"""Optional OpenTelemetry traces: with OTEL_EXPORTER_OTLP_ENDPOINT set (and the tracing extra
installed), one request gives one trace, the server span with the spans of the database
statements it ran; statements carry placeholders, not values. Without the variable there is no
tracing at all. An in-memory exporter stands in for the OTLP one."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from challenge.platform import tracing
from tests.conftest import other_app
from tests.support.databases import PG_URL


@pytest.fixture
def exporter(monkeypatch):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    monkeypatch.setattr(tracing, "_otlp_provider", lambda: provider)
    yield exporter
    tracing.disable()


async def test_one_request_gives_one_trace_with_its_database_spans(app, settings, exporter):
    async with other_app(app, settings) as client:
        exporter.clear()
        response = await client.get("/api/v1/calls/kein-aufruf-mit-diesem-namen")
    assert response.status_code == 404
    spans = exporter.get_finished_spans()
    assert len({span.context.trace_id for span in spans}) == 1
    servers = [span for span in spans if span.kind == SpanKind.SERVER]
    assert len(servers) == 1 and servers[0].parent is None
    statements = [span for span in spans if "db.statement" in span.attributes]
    assert statements and {span.name for span in statements} >= {"SELECT"}
    assert {span.attributes["db.system"] for span in statements} == {
        "postgresql" if PG_URL else "sqlite"
    }
    assert all(span.kind == SpanKind.CLIENT and span.parent is not None for span in statements)
    assert not any(
        "kein-aufruf" in span.attributes["db.statement"] for span in statements
    )  # values stay out


async def test_without_an_endpoint_nothing_is_traced(app, monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert tracing.tracing_plugins(app.state.engine) == []
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.tracing_plugins(app.state.engine) == []
