"""Event contracts between services: frozen pydantic models, one module per stream."""

from shared.events.cases import (
    CaseAssigned,
    CaseEvent,
    CaseFacts,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CaseRouted,
    InteractionThreaded,
    ReplyPosted,
)
from shared.events.envelope import Event
from shared.events.interactions import (
    Attachment,
    Author,
    Channel,
    Classification,
    Interaction,
    InteractionClassified,
    InteractionEdited,
    InteractionEvent,
    InteractionReceived,
    Kind,
    Location,
    PersonalDataFinding,
    Verdict,
)
from shared.events.responses import DeliveryStatusReported, ReplyDelivered, SendReply

__all__ = [
    "Attachment",
    "Author",
    "CaseAssigned",
    "CaseEvent",
    "CaseFacts",
    "CaseOpened",
    "CaseReopened",
    "CaseResolved",
    "CaseRouted",
    "Channel",
    "Classification",
    "DeliveryStatusReported",
    "Event",
    "Interaction",
    "InteractionClassified",
    "InteractionEdited",
    "InteractionEvent",
    "InteractionReceived",
    "InteractionThreaded",
    "Kind",
    "Location",
    "PersonalDataFinding",
    "ReplyDelivered",
    "ReplyPosted",
    "SendReply",
    "Verdict",
]
