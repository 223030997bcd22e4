"""One stage record per interaction: when it passed each stage of the pipeline; pure.

Times are kept with min-folds, so replaying or reordering events gives the same record.
"""

from collections.abc import Callable
from uuid import UUID

from pydantic import AwareDatetime, computed_field

from services.metrics.folds import Record, earliest, ms, seconds
from shared.events import (
    CaseOpened,
    Channel,
    InteractionClassified,
    InteractionReceived,
    InteractionThreaded,
)

StageEvent = InteractionReceived | InteractionClassified | InteractionThreaded | CaseOpened


class Stages(Record):
    """When one interaction passed each stage of the pipeline; ids and times only."""

    interaction_id: UUID
    agency_id: str
    channel: Channel | None = None
    case_id: UUID | None = None
    received_at: AwareDatetime | None = None
    classified_at: AwareDatetime | None = None
    threaded_at: AwareDatetime | None = None

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented idiom
    @property
    def ingest_to_classify_s(self) -> float | None:
        return seconds(self.received_at, self.classified_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def classify_to_case_s(self) -> float | None:
        return seconds(self.classified_at, self.threaded_at)


STAGE_LATENCIES: dict[str, Callable[[Stages], float | None]] = {
    "ingest_to_classify": lambda s: s.ingest_to_classify_s,
    "classify_to_case": lambda s: s.classify_to_case_s,
}


def apply_stage(stages: Stages | None, event: StageEvent) -> Stages:
    """Fold one event into the interaction's stage record; min-folds make it idempotent.

    A case-opening event counts as threading its first interaction into the case.
    """
    if stages is None:
        stages = Stages(interaction_id=event.interaction_id, agency_id=event.agency_id)
    elif stages.interaction_id != event.interaction_id:
        raise ValueError(
            f"event of interaction {event.interaction_id} applied to {stages.interaction_id}"
        )
    changes: dict[str, object]
    match event:
        case InteractionReceived() | InteractionClassified():
            changes = {
                "channel": event.interaction.channel,
                "received_at": earliest(stages.received_at, event.interaction.received_at),
            }
            if isinstance(event, InteractionClassified):
                changes["classified_at"] = earliest(stages.classified_at, event.occurred_at)
        case InteractionThreaded() | CaseOpened():
            changes = {
                "channel": event.facts.channel,
                "case_id": _case_threaded_first(stages, event),
                "threaded_at": earliest(stages.threaded_at, event.occurred_at),
            }
            if isinstance(event, InteractionThreaded):
                changes["received_at"] = earliest(stages.received_at, event.received_at)
    return stages.model_copy(update=changes)


def _case_threaded_first(stages: Stages, event: InteractionThreaded | CaseOpened) -> UUID:
    """The case of the earliest threading (ties: the smaller id), whatever the arrival order."""
    if stages.case_id is None or stages.threaded_at is None:
        return event.case_id
    return min((stages.threaded_at, stages.case_id), (ms(event.occurred_at), event.case_id))[1]
