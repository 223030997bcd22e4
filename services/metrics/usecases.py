"""Metrics use cases: fold events into their records, observe what became known; no framework.

Only ids, timestamps and bounded labels are kept: never message text or author identity.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.metrics.agencies import Agencies
from services.metrics.instruments import MetricsInstruments
from services.metrics.measures import measure_case
from services.metrics.ports import Change, RollupStore, TimelineStore
from services.metrics.reports import CaseSample, GroupStats, summarise
from services.metrics.rollups import contributions_of, roll_up
from services.metrics.timeline import StageEvent, Stages, Timeline, apply, apply_stage
from services.metrics.transparency import PublicRow, transparency
from services.metrics.volumes import Interval, VolumePoint, volume_series
from shared.events import (
    CaseEvent,
    CaseOpened,
    InteractionClassified,
    InteractionEdited,
    InteractionReceived,
    InteractionThreaded,
)

log = logging.getLogger(__name__)

# Timelines saved this long before the previous refresh started are read again: a write
# stamped just before it may have landed after that refresh read past it.
REFRESH_OVERLAP = timedelta(seconds=30)
REFRESH_BATCH = 500


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


def _case_fold(event: CaseEvent) -> Callable[[Timeline | None], Timeline]:
    return lambda timeline: apply(timeline, event)


def _stage_fold(event: StageEvent) -> Callable[[Stages | None], Stages]:
    return lambda stages: apply_stage(stages, event)


async def record_case_events(
    events: Sequence[CaseEvent],
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> list[Change[Timeline]]:
    """Fold case events, in order, into their cases' timelines (and, for those threading an
    interaction, into that interaction's stages), each record written once. Observes what each
    event made known, as one by one would. Idempotent: replayed events write and observe nothing."""
    changes = await store.update_timelines([(e.case_id, _case_fold(e)) for e in events], now=now)
    for change in changes:
        instruments.record_case(change)
    threading = [e for e in events if isinstance(e, CaseOpened | InteractionThreaded)]
    await _record_stages(threading, store=store, instruments=instruments, now=now)
    for event, change in zip(events, changes, strict=True):
        log.info(
            "case_event_recorded",
            extra={
                "agency_id": event.agency_id,
                "case_id": str(event.case_id),
                "event_id": str(event.event_id),
                "outcome": _outcome(change),
            },
        )
    return changes


async def record_interactions_received(
    events: Sequence[InteractionReceived | InteractionEdited],
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> list[Change[Stages] | None]:
    """Note when each interaction was received (``None`` for an edit: it changes no timing).
    Idempotent."""
    received = [e for e in events if isinstance(e, InteractionReceived)]
    changes = await _record_stages(received, store=store, instruments=instruments, now=now)
    for event, change in zip(received, changes, strict=True):
        _log_stage(event, change)
    in_order = iter(changes)
    return [next(in_order) if isinstance(e, InteractionReceived) else None for e in events]


async def record_interactions_classified(
    events: Sequence[InteractionClassified],
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> list[Change[Stages]]:
    """Note when each interaction was classified and count it once by its labels. Idempotent."""
    changes = await _record_stages(events, store=store, instruments=instruments, now=now)
    for event, change in zip(events, changes, strict=True):
        instruments.record_classified(event, change)
        _log_stage(event, change)
    return changes


async def record_case_event(
    event: CaseEvent, *, store: TimelineStore, instruments: MetricsInstruments, now: datetime
) -> Change[Timeline]:
    """``record_case_events`` of one event."""
    (change,) = await record_case_events([event], store=store, instruments=instruments, now=now)
    return change


async def record_interaction_received(
    event: InteractionReceived | InteractionEdited,
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> Change[Stages] | None:
    """``record_interactions_received`` of one event."""
    (change,) = await record_interactions_received(
        [event], store=store, instruments=instruments, now=now
    )
    return change


async def record_interaction_classified(
    event: InteractionClassified,
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> Change[Stages]:
    """``record_interactions_classified`` of one event."""
    (change,) = await record_interactions_classified(
        [event], store=store, instruments=instruments, now=now
    )
    return change


async def _record_stages(
    events: Sequence[StageEvent],
    *,
    store: TimelineStore,
    instruments: MetricsInstruments,
    now: datetime,
) -> list[Change[Stages]]:
    folds = [(e.interaction_id, _stage_fold(e)) for e in events]
    changes = await store.update_stage_records(folds, now=now)
    for change in changes:
        instruments.record_stages(change)
    return changes


# -- roll-ups ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refreshed:
    timelines: int
    contributions_written: int
    days: int


async def refresh_rollups(
    *,
    store: TimelineStore,
    rollups: RollupStore,
    agencies: Agencies,
    now: datetime,
    overlap: timedelta = REFRESH_OVERLAP,
    batch_size: int = REFRESH_BATCH,
) -> Refreshed:
    """Bring the roll-ups up to date with the timelines saved since the last refresh.

    Each changed case's contributions are recomputed from its whole timeline and replace the
    stored ones; then every day those contributions touch (old and new) is recomputed from
    all the contributions of that day. Nothing is incremented: a refresh run twice, or cut
    short and run again, gives the same rows. The watermark moves only after a full pass.
    """
    watermark = await rollups.watermark()
    since = None if watermark is None else watermark - overlap
    days: set[tuple[str, date]] = set()
    seen = written = 0
    async for batch in store.changed_timelines(since=since, batch_size=batch_size):
        fresh = {c.id: c for t in batch for c in contributions_of(t, agencies.zone(t.agency_id))}
        stored = {
            c.id: c
            for c in await rollups.contributions_of_cases(case_ids=[t.case_id for t in batch])
        }
        put = [c for key, c in fresh.items() if stored.get(key) != c]
        gone = [key for key in stored if key not in fresh]
        await rollups.save_contributions(put=put, delete=gone)
        days |= {(c.agency_id, c.day) for c in (*fresh.values(), *stored.values())}
        seen, written = seen + len(batch), written + len(put) + len(gone)
    for agency_id, day in sorted(days):
        rows = roll_up(await rollups.contributions_of_day(agency_id=agency_id, day=day))
        await rollups.replace_rows(agency_id=agency_id, day=day, rows=rows)
    await rollups.save_watermark(at=now)
    refreshed = Refreshed(timelines=seen, contributions_written=written, days=len(days))
    # Quiet when idle: the refresh runs every few seconds.
    log.log(logging.INFO if seen else logging.DEBUG, "rollups_refreshed", extra=vars(refreshed))
    return refreshed


async def purge_expired(
    *, store: TimelineStore, rollups: RollupStore, now: datetime, retention: timedelta
) -> int:
    """Delete what is older than ``retention``: timelines, stage records, roll-ups."""
    cutoff = now - retention
    deleted = await store.purge(before=cutoff) + await rollups.purge(before=cutoff.date())
    log.info("metrics_purged", extra={"deleted": deleted, "cutoff": cutoff.isoformat()})
    return deleted


# -- reports -----------------------------------------------------------------------------------


async def response_times(
    *,
    store: TimelineStore,
    agencies: Agencies,
    start: datetime,
    end: datetime,
    agency_id: str | None,
    group_by: tuple[str, ...],
    now: datetime,
) -> list[GroupStats]:
    """First-response statistics of the cases first received in ``[start, end)``."""
    records = await store.case_records(start=start, end=end, agency_id=agency_id)
    samples = [CaseSample.of(r, measure_case(r, agencies, now=now)) for r in records]
    return summarise(samples, group_by)


@dataclass(frozen=True)
class Volumes:
    series: list[VolumePoint]
    topics: list[VolumePoint]
    sentiments: list[VolumePoint]


async def volumes(
    *,
    rollups: RollupStore,
    start: date,
    end: date,
    agency_id: str | None,
    interval: Interval,
    group_by: tuple[str, ...],
) -> Volumes:
    """Interactions and cases per period of local days ``[start, end)``, with the topic and
    sentiment trends."""
    rows = await rollups.rows(start=start, end=end, agency_id=agency_id)
    return Volumes(
        series=volume_series(rows, interval, group_by),
        topics=volume_series(rows, interval, ("topic",)),
        sentiments=volume_series(rows, interval, ("sentiment",)),
    )


async def public_transparency(
    *,
    store: TimelineStore,
    agencies: Agencies,
    start: datetime,
    end: datetime,
    agency_id: str | None,
    min_group: int,
    now: datetime,
) -> list[PublicRow]:
    """The public table of the cases first received in ``[start, end)``."""
    records = await store.case_records(start=start, end=end, agency_id=agency_id)
    measured = [(r, measure_case(r, agencies, now=now)) for r in records]
    return transparency(measured, agencies=agencies, min_group=min_group)
