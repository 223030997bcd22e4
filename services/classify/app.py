"""Classify's composition root."""

from fastapi import FastAPI

from services.classify.api import classify as classify_api
from services.classify.consumers import interactions_received
from services.classify.instruments import ClassifyInstruments
from services.classify.knowledge import agency_knowledge, load_models
from services.classify.settings import ClassifySettings
from services.classify.store import CLASSIFICATIONS, MongoClassificationStore
from shared.bus import build_broker
from shared.config import load_config
from shared.http import build_http_app
from shared.service import Backends, service_lifespan
from shared.telemetry import build_telemetry


def create_app(settings: ClassifySettings) -> FastAPI:
    config = load_config(settings.config)
    telemetry = build_telemetry("classify", settings.telemetry)
    broker = build_broker(settings.kafka, telemetry=telemetry)
    broker.include_router(interactions_received.router)
    instruments = ClassifyInstruments.register(telemetry.registry)

    async def setup(backends: Backends) -> dict[str, object]:
        store = MongoClassificationStore(backends.db)
        await store.ensure_indexes()
        models = load_models() if settings.use_models else None  # once per process
        return {
            "store": store,
            "models": models,
            "knowledge": agency_knowledge(config, models),
            "instruments": instruments,
        }

    return build_http_app(
        "classify",
        telemetry=telemetry,
        lifespan=service_lifespan(
            settings, broker, setup=setup, outbox_collections=[CLASSIFICATIONS]
        ),
        routers=[classify_api.router],
        description="Explainable classification of every interaction.",
    )
