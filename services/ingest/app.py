"""Ingest's composition root."""

from fastapi import FastAPI

from services.ingest.api import open311, quarantine, webhooks
from services.ingest.instruments import IngestInstruments
from services.ingest.mastodon_poller import MastodonPoller
from services.ingest.ratelimit import RateLimiter
from services.ingest.settings import IngestSettings
from services.ingest.store import INTERACTIONS, STATUSES, MongoIngestStore
from shared.bus import build_broker
from shared.clock import utc_now
from shared.config import load_config
from shared.http import build_http_app
from shared.service import Backends, service_lifespan
from shared.telemetry import build_telemetry


def create_app(settings: IngestSettings) -> FastAPI:
    config = load_config(settings.config)
    telemetry = build_telemetry("ingest", settings.telemetry)
    broker = build_broker(settings.kafka, telemetry=telemetry)
    instruments = IngestInstruments.register(telemetry.registry)

    async def setup(backends: Backends) -> dict[str, object]:
        store = MongoIngestStore(backends.db)
        await store.ensure_indexes()
        poller = MastodonPoller(
            config=config,
            db=backends.db,
            store=store,
            outbox=backends.outbox,
            clock=utc_now,
            interval_s=settings.mastodon_poll_interval_s,
            publish_timeout_s=settings.publish_timeout_s,
        )
        return {
            "workers": [poller],
            "settings": settings,
            "config": config,
            "store": store,
            "limiter": RateLimiter(),
            "instruments": instruments,
        }

    lifespan = service_lifespan(
        settings, broker, setup=setup, outbox_collections=[INTERACTIONS, STATUSES]
    )
    return build_http_app(
        "ingest",
        telemetry=telemetry,
        lifespan=lifespan,
        routers=[webhooks.router, open311.router, quarantine.router],
        description="Verified platform webhooks in; canonical interactions out.",
    )
