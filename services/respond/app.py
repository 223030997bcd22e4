"""Respond's composition root."""

from fastapi import FastAPI

from services.respond.api import cases as cases_api
from services.respond.consumers import interactions_classified
from services.respond.domain.access import supervisor_of_everything
from services.respond.instruments import RespondInstruments
from services.respond.ports import CASES
from services.respond.settings import RespondSettings
from services.respond.store import MongoCaseRepository, MongoTokenStore
from shared.bus import build_broker
from shared.config import load_config
from shared.http import build_http_app
from shared.service import Backends, service_lifespan
from shared.telemetry import build_telemetry

DEMO_USER = "demo"


def create_app(settings: RespondSettings) -> FastAPI:
    config = load_config(settings.config)
    telemetry = build_telemetry("respond", settings.telemetry)
    broker = build_broker(settings.kafka, telemetry=telemetry)
    broker.include_router(interactions_classified.router)
    instruments = RespondInstruments.register(telemetry.registry)

    async def setup(backends: Backends) -> dict[str, object]:
        cases = MongoCaseRepository(backends.db)
        await cases.ensure_indexes()
        tokens = MongoTokenStore(backends.db)
        if settings.demo_token is not None and settings.demo_token.get_secret_value():
            await tokens.save(
                settings.demo_token.get_secret_value(),
                supervisor_of_everything(config, user=DEMO_USER),
            )
        return {
            "settings": settings,
            "config": config,
            "cases": cases,
            "tokens": tokens,
            "instruments": instruments,
        }

    return build_http_app(
        "respond",
        telemetry=telemetry,
        lifespan=service_lifespan(settings, broker, setup=setup, outbox_collections=[CASES]),
        routers=[cases_api.router],
        description="Cases threaded from interactions, routed to teams, answered by responders.",
    )
