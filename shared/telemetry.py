"""Structured JSON logs with trace ids, a per-app metrics registry and tracer provider."""

import json
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased
from prometheus_client import CollectorRegistry

from shared.settings import TelemetrySettings

# Fields a log call may attach through ``extra=``; anything else is dropped, so a careless
# ``extra={"text": ...}`` can never put a citizen's message in the logs.
LOG_FIELDS = frozenset(
    {
        "service",
        "agency_id",
        "interaction_id",
        "case_id",
        "event_id",
        "channel",
        "connection_id",
        "topic",
        "group",
        "outcome",
        "error",
        "count",
        "url",
        "duration_s",
        "status",
        "team",
        "action",
        "path",
        "problems",
    }
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the current trace and span ids."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["trace_id"] = format(span_context.trace_id, "032x")
            entry["span_id"] = format(span_context.span_id, "016x")
        entry.update({k: v for k, v in record.__dict__.items() if k in LOG_FIELDS})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route every logger (ours, uvicorn's, faststream's) through the JSON formatter."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "aiokafka", "faststream"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("pymongo").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Telemetry:
    """One app's own metrics registry and tracer provider (never the process globals)."""

    service: str
    registry: CollectorRegistry
    tracer_provider: TracerProvider

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()


def build_telemetry(service: str, settings: TelemetrySettings) -> Telemetry:
    """Spans are recorded only when they are exported; otherwise they still carry trace ids
    (for the logs and across Kafka) but cost next to nothing on the hot path."""
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"agora-{service}"}),
        sampler=ParentBased(ALWAYS_ON) if settings.otlp_endpoint else ALWAYS_OFF,
    )
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )

        endpoint = settings.otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return Telemetry(service=service, registry=CollectorRegistry(), tracer_provider=provider)
