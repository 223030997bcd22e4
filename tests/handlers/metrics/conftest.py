"""The metrics HTTP app on in-memory stores, at a fixed time, for the report route tests."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.metrics.api import public, reports, volumes
from services.metrics.instruments import MetricsInstruments
from services.metrics.settings import MetricsSettings
from services.metrics.usecases import record_case_event, refresh_rollups
from shared.events import CaseEvent
from shared.http import build_http_app
from shared.settings import TelemetrySettings
from shared.telemetry import build_telemetry
from tests.handlers.metrics.fakes import FakeRollupStore, FakeTimelineStore
from tests.unit.metrics.builders import agencies, at

# Reports run "now": 30 days after the first test case, Monday 2 March 2026.
NOW = at(30 * 86400)
MIN_PUBLIC_GROUP = 3


@asynccontextmanager
async def no_backends(app: FastAPI) -> AsyncIterator[None]:
    yield


async def record(
    store: FakeTimelineStore, rollups: FakeRollupStore, events: Sequence[CaseEvent]
) -> None:
    """Fold the events into timelines, then refresh the roll-ups, as the service does."""
    instruments = MetricsInstruments.register(CollectorRegistry())
    for event in events:
        await record_case_event(event, store=store, instruments=instruments, now=NOW)
    await refresh_rollups(store=store, rollups=rollups, agencies=agencies(), now=NOW)


@pytest.fixture
def rollups() -> FakeRollupStore:
    return FakeRollupStore()


def app_on(store: FakeTimelineStore, rollups: FakeRollupStore, now: datetime = NOW) -> FastAPI:
    telemetry = build_telemetry("metrics", TelemetrySettings())
    app = build_http_app(
        "metrics",
        telemetry=telemetry,
        lifespan=no_backends,
        routers=[reports.router, volumes.router, public.router],
    )
    app.state.store = store
    app.state.rollups = rollups
    app.state.agencies = agencies()
    app.state.settings = MetricsSettings(min_public_group=MIN_PUBLIC_GROUP)
    app.state.clock = lambda: now
    return app


@pytest.fixture
async def client(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_on(store, rollups))
    async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
        yield client
