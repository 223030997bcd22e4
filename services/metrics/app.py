"""Metrics' composition root."""

from fastapi import FastAPI

from services.metrics.api import reports
from services.metrics.consumers import cases_events, interactions_classified, interactions_received
from services.metrics.instruments import MetricsInstruments
from services.metrics.settings import MetricsSettings
from services.metrics.store import MongoTimelineStore
from shared.bus import build_broker
from shared.http import build_http_app
from shared.service import Backends, service_lifespan
from shared.telemetry import build_telemetry


def create_app(settings: MetricsSettings) -> FastAPI:
    telemetry = build_telemetry("metrics", settings.telemetry)
    broker = build_broker(settings.kafka, telemetry=telemetry)
    for module in (interactions_received, interactions_classified, cases_events):
        broker.include_router(module.router)
    instruments = MetricsInstruments.register(telemetry.registry)

    async def setup(backends: Backends) -> dict[str, object]:
        store = MongoTimelineStore(backends.db)
        await store.ensure_indexes()
        return {"store": store, "instruments": instruments}

    # Metrics publishes nothing: no outbox collections.
    lifespan = service_lifespan(settings, broker, setup=setup, outbox_collections=())
    return build_http_app(
        "metrics",
        telemetry=telemetry,
        lifespan=lifespan,
        routers=[reports.router],
        description="Every event folded into case timelines; Prometheus metrics and reports.",
    )
