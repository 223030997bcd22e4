"""Typed dependencies of the ingest routes, read from ``app.state``."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.ingest.instruments import IngestInstruments
from services.ingest.ratelimit import RateLimiter
from services.ingest.settings import IngestSettings
from services.ingest.store import MongoInteractionStore
from shared.config import AgoraConfig
from shared.outbox import Outbox


@dataclass(frozen=True)
class IngestContext:
    settings: IngestSettings
    config: AgoraConfig
    store: MongoInteractionStore
    outbox: Outbox
    limiter: RateLimiter
    instruments: IngestInstruments


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


IngestDep = Annotated[IngestContext, Depends(get_ingest)]
