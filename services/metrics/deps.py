"""Typed dependencies: ``Context`` aliases for subscribers, ``Depends`` aliases for routes."""

from typing import Annotated

from fastapi import Depends, Request
from faststream import Context

from services.metrics.instruments import MetricsInstruments
from services.metrics.ports import TimelineStore


def get_store(request: Request) -> TimelineStore:
    store: TimelineStore = request.app.state.store
    return store


StoreDep = Annotated[TimelineStore, Depends(get_store)]
StoreContext = Annotated[TimelineStore, Context("store")]
InstrumentsContext = Annotated[MetricsInstruments, Context("instruments")]
