"""Metrics use cases: fold each event into its record, observe what became known; no framework.

Only ids, timestamps and bounded labels are kept: never message text or author identity.
"""

import logging
from datetime import datetime

from services.metrics.instruments import MetricsInstruments
from services.metrics.ports import Change, TimelineStore
from services.metrics.timeline import StageEvent, Stages, Timeline, apply, apply_stage
from shared.events import (
    CaseEvent,
    CaseOpened,
    InteractionClassified,
    InteractionEdited,
    InteractionReceived,
    InteractionThreaded,
)

log = logging.getLogger(__name__)


def _outcome(change: Change[Timeline] | Change[Stages]) -> str:
    return "changed" if change.changed else "unchanged"


def _log_stage(event: StageEvent, change: Change[Stages]) -> None:
    log.info(
        "interaction_stage_recorded",
        extra={
            "agency_id": event.agency_id,
            "interaction_id": str(event.interaction_id),
            "event_id": str(event.event_id),
            "outcome": _outcome(change),
        },
    )


async def record_case_event(
    event: CaseEvent, *, store: TimelineStore, instruments: MetricsInstruments, now: datetime
) -> Change[Timeline]:
    """Fold a case event into the case's timeline (and, when it threads an interaction, into
    that interaction's stages). Idempotent: a replayed event writes and observes nothing."""
    change = await store.update_timeline(event.case_id, lambda t: apply(t, event), now=now)
    instruments.record_case(change)
    if isinstance(event, CaseOpened | InteractionThreaded):
        await _record_stage(event, store=store, instruments=instruments, now=now)
    log.info(
        "case_event_recorded",
        extra={
            "agency_id": event.agency_id,
            "case_id": str(event.case_id),
            "event_id": str(event.event_id),
            "outcome": _outcome(change),
        },
    )
    return change


async def record_interaction_received(
    event: InteractionReceived | InteractionEdited,
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> Change[Stages] | None:
    """Note when the interaction was received. Idempotent; an edit changes no timing."""
    if isinstance(event, InteractionEdited):
        return None
    change = await _record_stage(event, store=store, instruments=instruments, now=now)
    _log_stage(event, change)
    return change


async def record_interaction_classified(
    event: InteractionClassified,
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> Change[Stages]:
    """Note when the interaction was classified and count it once by its labels. Idempotent."""
    change = await _record_stage(event, store=store, instruments=instruments, now=now)
    instruments.record_classified(event, change)
    _log_stage(event, change)
    return change


async def _record_stage(
    event: StageEvent, *, store: TimelineStore, instruments: MetricsInstruments, now: datetime
) -> Change[Stages]:
    change = await store.update_stages(
        event.interaction_id, lambda s: apply_stage(s, event), now=now
    )
    instruments.record_stages(change)
    return change
