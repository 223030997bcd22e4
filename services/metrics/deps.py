"""Typed dependencies: ``Context`` aliases for subscribers, ``Depends`` aliases for routes."""

from typing import Annotated

from fastapi import Depends
from faststream import Context

from services.metrics.instruments import MetricsInstruments
from services.metrics.ports import TimelineStore
from shared.bus import DeadLetters
from shared.http import from_state

StoreDep = Annotated[TimelineStore, Depends(from_state("store"))]
StoreContext = Annotated[TimelineStore, Context("store")]
InstrumentsContext = Annotated[MetricsInstruments, Context("instruments")]
DeadLettersContext = Annotated[DeadLetters, Context("dead_letters")]
