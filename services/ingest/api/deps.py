"""Typed dependencies of the ingest routes, read from ``app.state``."""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.ingest.channels.base import ChannelAdapter, ConnectionContext, WebhookRequest
from services.ingest.instruments import IngestInstruments
from services.ingest.ratelimit import RateLimiter
from services.ingest.settings import IngestSettings
from services.ingest.store import MongoIngestStore
from services.ingest.usecases import Accepted, accept_webhook
from shared.clock import utc_now
from shared.config import AgoraConfig
from shared.errors import Unauthorized, Unavailable
from shared.outbox import Outbox


@dataclass(frozen=True)
class IngestContext:
    settings: IngestSettings
    config: AgoraConfig
    store: MongoIngestStore
    outbox: Outbox
    limiter: RateLimiter
    instruments: IngestInstruments

    async def accept(
        self,
        request: WebhookRequest,
        ctx: ConnectionContext,
        adapter: ChannelAdapter,
        *,
        verify: bool = True,
    ) -> Accepted:
        """The webhook use case on this service's store, outbox and settings."""
        return await accept_webhook(
            request,
            ctx,
            adapter=adapter,
            store=self.store,
            outbox=self.outbox,
            publish_timeout_s=self.settings.publish_timeout_s,
            now=utc_now(),
            verify=verify,
        )


def get_ingest(request: Request) -> IngestContext:
    state = request.app.state
    return IngestContext(
        settings=state.settings,
        config=state.config,
        store=state.store,
        outbox=state.outbox,
        limiter=state.limiter,
        instruments=state.instruments,
    )


async def _ingest_dependency(request: Request) -> IngestContext:
    return get_ingest(request)  # async: FastAPI would run a sync dependency in a thread


IngestDep = Annotated[IngestContext, Depends(_ingest_dependency)]


async def require_operator(request: Request, ingest: IngestDep) -> None:
    """Operator endpoints take ``Authorization: Bearer <AGORA_OPERATOR_TOKEN>``."""
    token = ingest.settings.operator_token
    if token is None or not token.get_secret_value():
        raise Unavailable("operator_disabled", "Set AGORA_OPERATOR_TOKEN to use this endpoint.")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.encode(), token.get_secret_value().encode()
    ):
        raise Unauthorized("unauthorized", "A valid operator bearer token is required.")


OperatorDep = Depends(require_operator)
