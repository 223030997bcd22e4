"""Respond's composition root."""

import httpx
from fastapi import FastAPI

from services.respond.api import audit as audit_api
from services.respond.api import cases as cases_api
from services.respond.api import templates as templates_api
from services.respond.commands import CaseCommands
from services.respond.consumers import interactions_classified, outbound
from services.respond.delivery import DeliveryOutcome, RetryPolicy, deliver
from services.respond.domain.access import supervisor_of_everything
from services.respond.escalations import escalation_watch
from services.respond.instruments import RespondInstruments
from services.respond.loads import AssigneeLoads
from services.respond.ports import CASES
from services.respond.settings import RespondSettings
from services.respond.store import (
    MongoAuditLog,
    MongoCaseRepository,
    MongoSentMessages,
    MongoTokenStore,
)
from shared.bus import build_broker
from shared.clock import utc_now
from shared.config import ConfigSource, Connection
from shared.events import SendReply
from shared.http import build_http_app
from shared.service import Backends, service_lifespan
from shared.telemetry import build_telemetry
from shared.workers import Closing

DEMO_USER = "demo"


def create_app(settings: RespondSettings) -> FastAPI:
    config_source = ConfigSource(settings.config)
    telemetry = build_telemetry("respond", settings.telemetry)
    broker = build_broker(settings.kafka, telemetry=telemetry)
    broker.include_router(interactions_classified.router)
    broker.include_router(outbound.router)
    instruments = RespondInstruments.register(telemetry.registry)
    policy = RetryPolicy(attempts=settings.delivery_attempts, backoff_s=settings.delivery_backoff_s)

    async def setup(backends: Backends) -> dict[str, object]:
        cases = MongoCaseRepository(backends.db)
        sent = MongoSentMessages(backends.db)
        audit = MongoAuditLog(backends.db)
        tokens = MongoTokenStore(backends.db)
        for store in (cases, sent, audit, tokens):
            await store.ensure_indexes()
        if settings.demo_token is not None and settings.demo_token.get_secret_value():
            await tokens.save(
                settings.demo_token.get_secret_value(),
                supervisor_of_everything(config_source.current, user=DEMO_USER),
            )
        client = httpx.AsyncClient(timeout=settings.delivery_timeout_s)

        async def send(command: SendReply, connection: Connection) -> DeliveryOutcome:
            return await deliver(
                command,
                connection,
                client=client,
                now=utc_now(),
                policy=policy,
                base_url=settings.delivery_base_url,
            )

        workers: list[object] = [Closing(client.aclose)]
        if settings.config_reload_s > 0:
            workers.append(config_source.watch(settings.config_reload_s))
        if settings.escalation_interval_s > 0:
            workers.append(
                escalation_watch(
                    cases=cases,
                    outbox=backends.outbox,
                    clock=utc_now,
                    interval_s=settings.escalation_interval_s,
                )
            )
        return {
            "settings": settings,
            "config_source": config_source,
            "cases": cases,
            "loads": AssigneeLoads(cases),
            "sent_messages": sent,
            "audit": audit,
            "tokens": tokens,
            "send": send,
            "instruments": instruments,
            "commands": CaseCommands(
                cases=cases,
                outbox=backends.outbox,
                audit=audit,
                config=config_source,
                publish_timeout_s=settings.publish_timeout_s,
            ),
            "workers": workers,
        }

    return build_http_app(
        "respond",
        telemetry=telemetry,
        lifespan=service_lifespan(settings, broker, setup=setup, outbox_collections=[CASES]),
        routers=[cases_api.router, templates_api.router, audit_api.router],
        description=(
            "Cases threaded from interactions, routed to teams, assigned, answered by responders,"
            " delivered to the platforms, and audited."
        ),
    )
