"""Metrics' composition root."""

from datetime import timedelta

from fastapi import FastAPI

from services.metrics.agencies import Agencies
from services.metrics.api import public, reports, volumes
from services.metrics.consumers import cases_events, interactions_classified, interactions_received
from services.metrics.gauges import REFRESH_INTERVAL_S, CaseCountsReader, CaseGauges
from services.metrics.instruments import MetricsInstruments
from services.metrics.lag import ConsumerLagGauge, ConsumerLagReader
from services.metrics.maintenance import RollupMaintenance
from services.metrics.rollup_store import MongoRollupStore
from services.metrics.settings import MetricsSettings
from services.metrics.store import MongoTimelineStore
from shared.bus import build_broker
from shared.clock import utc_now
from shared.config import load_config
from shared.http import build_http_app
from shared.service import Backends, service_lifespan
from shared.telemetry import build_telemetry
from shared.workers import Periodic


def create_app(settings: MetricsSettings) -> FastAPI:
    config = load_config(settings.config)
    agencies = Agencies.from_config(config)
    telemetry = build_telemetry("metrics", settings.telemetry)
    broker = build_broker(settings.kafka, telemetry=telemetry)
    for module in (interactions_received, interactions_classified, cases_events):
        broker.include_router(module.router)
    instruments = MetricsInstruments.register(telemetry.registry)
    case_gauges = CaseGauges(config)
    lag_gauge = ConsumerLagGauge()
    telemetry.registry.register(case_gauges)
    telemetry.registry.register(lag_gauge)

    async def setup(backends: Backends) -> dict[str, object]:
        store = MongoTimelineStore(backends.db)
        await store.ensure_indexes()
        lag = ConsumerLagReader(settings.kafka)
        rollups = MongoRollupStore(backends.db)
        await rollups.ensure_indexes()
        maintenance = RollupMaintenance(
            store=store,
            rollups=rollups,
            agencies=agencies,
            retention=timedelta(days=settings.retention_days),
            clock=utc_now,
        )

        case_counts = CaseCountsReader(backends.db)

        async def refresh_cases() -> None:
            case_gauges.snapshot.update(await case_counts.read(now=utc_now()))

        async def refresh_lag() -> None:
            lag_gauge.snapshot.update(await lag.read())

        workers = [
            Periodic("case_gauges", refresh_cases, interval_s=REFRESH_INTERVAL_S),
            Periodic("consumer_lag", refresh_lag, interval_s=REFRESH_INTERVAL_S, close=lag.close),
        ]
        if settings.rollup_interval_s > 0:  # 0 on all replicas but one
            workers.append(
                Periodic("rollups", maintenance.step, interval_s=settings.rollup_interval_s)
            )
        return {
            "store": store,
            "instruments": instruments,
            "workers": workers,
            "rollups": rollups,
            "agencies": agencies,
            "settings": settings,
        }

    # Metrics publishes nothing: no outbox collections.
    lifespan = service_lifespan(settings, broker, setup=setup, outbox_collections=())
    return build_http_app(
        "metrics",
        telemetry=telemetry,
        lifespan=lifespan,
        routers=[reports.router, volumes.router, public.router],
        description="Every event folded into case timelines; Prometheus metrics and reports.",
    )
