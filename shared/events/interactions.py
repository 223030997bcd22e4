"""The canonical interaction and the events that carry it through ingest and classify."""

from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.envelope import Event
from shared.ids import conversation_key


class Channel(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    MESSENGER = "messenger"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    SMS = "sms"
    MASTODON = "mastodon"
    X = "x"
    EMAIL = "email"
    OPEN311 = "open311"
    GENERIC = "generic"


class Kind(StrEnum):
    COMMENT = "comment"
    REPLY = "reply"
    DIRECT_MESSAGE = "direct_message"
    MENTION = "mention"
    POST = "post"
    SMS = "sms"
    EMAIL = "email"
    SERVICE_REQUEST = "service_request"


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Author(_Value):
    """Who wrote it: personal data, kept only where respond needs it."""

    id: str
    handle: str | None = None
    display_name: str | None = None


class Attachment(_Value):
    """A reference to media on the platform, never the bytes."""

    url: str | None = None
    media_type: str | None = None
    platform_media_id: str | None = None
    caption: str | None = None


class Location(_Value):
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None


class Interaction(_Value):
    """One citizen message in canonical form, whatever platform it came from."""

    interaction_id: UUID
    agency_id: str
    connection_id: str
    channel: Channel
    kind: Kind
    message_id: str
    conversation_id: str
    parent_id: str | None = None
    author: Author | None = None
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    location: Location | None = None
    language_hint: str | None = None
    created_at: AwareDatetime
    received_at: AwareDatetime
    raw_ref: str | None = None

    @property
    def conversation_key(self) -> str:
        return conversation_key(self.agency_id, self.channel, self.conversation_id)


class InteractionReceived(Event):
    event_type: Literal["interaction.received"] = "interaction.received"
    interaction_id: UUID
    interaction: Interaction


class InteractionEdited(Event):
    """The citizen edited a message: ``interaction`` is the message as it now reads."""

    event_type: Literal["interaction.edited"] = "interaction.edited"
    interaction_id: UUID
    interaction: Interaction
    edited_at: AwareDatetime


# What travels on ``interactions.received``: a new message or a new version of one.
InteractionEvent = Annotated[
    InteractionReceived | InteractionEdited, Field(discriminator="event_type")
]


class Verdict(_Value):
    """One dimension's answer, with the reason a person can read."""

    label: str
    score: float = Field(ge=0.0, le=1.0)
    by: str
    evidence: tuple[str, ...] = ()


class PersonalDataFinding(_Value):
    type: str
    start: int
    end: int


class Classification(_Value):
    language: Verdict
    topic: Verdict
    intent: Verdict
    sentiment: Verdict
    urgency: Verdict
    toxicity: Verdict
    spam: Verdict
    misinformation: Verdict
    crisis_relevance: Verdict
    crisis_info_type: Verdict
    personal_data: tuple[PersonalDataFinding, ...] = ()
    redacted_text: str = ""

    @classmethod
    def dimensions(cls) -> tuple[str, ...]:
        """The names of the labelled dimensions (every ``Verdict`` field), in order."""
        return tuple(n for n, f in cls.model_fields.items() if f.annotation is Verdict)

    def labels(self) -> dict[str, str]:
        """Each dimension's label."""
        return {name: getattr(self, name).label for name in self.dimensions()}


class InteractionClassified(Event):
    """The interaction with its classification; analytics read only ``redacted_text``."""

    event_type: Literal["interaction.classified"] = "interaction.classified"
    interaction_id: UUID
    interaction: Interaction
    classification: Classification
    edited_at: AwareDatetime | None = Field(
        default=None, description="Set when this classifies an edited version of the message."
    )
