"""Meta webhook payloads (Pages, Messenger, Instagram, WhatsApp Cloud API) as tolerant models.

Only the fields Agora reads are declared; everything else is ignored. Ids may arrive as numbers
in older Graph API versions and are read as strings. A ``changes[].value`` stays a plain dict in
the envelope and is validated by its ``field``'s model, so an unknown field never fails a delivery.
"""

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from shared.errors import InvalidInput
from shared.events import Attachment, Author, Location

_MILLISECONDS_FROM = 1e11  # as seconds that is the year 5138; as milliseconds, 1973


def to_datetime(value: object) -> datetime:
    """Epoch seconds or milliseconds (number or numeric string), or ISO 8601 -> aware UTC."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("expected a Unix timestamp or an ISO 8601 time")
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        parsed = datetime.fromisoformat(text)  # its ValueError names the problem
        if parsed.tzinfo is None:
            raise ValueError("expected a time zone") from None
        return parsed.astimezone(UTC)
    seconds = number / 1000 if abs(number) >= _MILLISECONDS_FROM else number
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise ValueError(f"timestamp out of range: {text}") from error


Timestamp = Annotated[datetime, BeforeValidator(to_datetime)]
M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: object, where: str) -> M:
    """``model`` from a dict (or raw JSON bytes); ``InvalidInput`` names the first bad field."""
    try:
        if isinstance(data, bytes):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        path = ".".join([where, *(str(p) for p in first["loc"])]).strip(".") or "body"
        raise InvalidInput("invalid_payload", f"{path}: {first['msg']}") from error


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class Party(Payload):
    id: str = Field(min_length=1)
    name: str | None = None
    username: str | None = None

    def author(self) -> Author:
        return Author(id=self.id, handle=self.username, display_name=self.name)


class Change(Payload):
    field: str
    value: dict[str, Any] = {}


# Messenger and Instagram messaging (entry[].messaging[])


class AttachmentPayload(Payload):
    url: str | None = None


class MessagingAttachment(Payload):
    type: str = "file"
    payload: AttachmentPayload | None = None  # a "fallback" share may carry none


class ReplyTo(Payload):
    mid: str | None = None


class Message(Payload):
    mid: str = Field(min_length=1)
    text: str = ""
    is_echo: bool = False
    is_deleted: bool = False
    is_unsupported: bool = False
    attachments: list[MessagingAttachment] = []
    reply_to: ReplyTo | None = None

    def media(self) -> list[Attachment]:
        """References (url and type), never downloaded; a "fallback" share may have no url."""
        return [
            Attachment(url=a.payload.url if a.payload else None, media_type=a.type)
            for a in self.attachments
        ]


class MessageEdit(Payload):
    mid: str = Field(min_length=1)
    text: str = ""


class Receipt(Payload):
    """``delivery`` (mids and/or watermark) or ``read`` (watermark; Instagram gives a mid)."""

    mids: list[str] = []
    mid: str | None = None
    watermark: int | None = None


class Participant(Payload):
    id: str | None = None  # a plugin opt-in names its person by user_ref only


class Messaging(Payload):
    sender: Participant | None = None
    timestamp: Timestamp | None = None
    message: Message | None = None
    message_edit: MessageEdit | None = None
    delivery: Receipt | None = None
    read: Receipt | None = None
    reaction: dict[str, Any] | None = None


class Entry(Payload):
    id: str | None = None
    time: Timestamp | None = None
    changes: list[Change] = []
    messaging: list[Messaging] = []


class Envelope(Payload):
    object: str = Field(min_length=1)
    entry: list[Entry]


# Facebook Page ``feed`` (field "feed")


class FeedValue(Payload):
    item: str
    verb: str
    post_id: str | None = None
    comment_id: str | None = None
    parent_id: str | None = None
    sender: Party | None = Field(default=None, alias="from")
    sender_id: str | None = None  # Graph API 2.x named the author here
    sender_name: str | None = None
    message: str = ""
    created_time: Timestamp | None = None
    photo: str | None = None
    photos: list[str] = []
    video: str | None = None
    link: str | None = None

    def author(self) -> Author | None:
        if self.sender:
            return self.sender.author()
        return Author(id=self.sender_id, display_name=self.sender_name) if self.sender_id else None

    def media(self) -> list[Attachment]:
        found = [
            Attachment(url=url, media_type="image") for url in (self.photo, *self.photos) if url
        ]
        if self.video:
            found.append(Attachment(url=self.video, media_type="video"))
        if self.item in ("photo", "video") and self.link:
            found.append(
                Attachment(url=self.link, media_type="image" if self.item == "photo" else "video")
            )
        return found


# Instagram ``comments`` / ``live_comments`` and ``mentions``


class Media(Payload):
    id: str = Field(min_length=1)


class InstagramComment(Payload):
    id: str = Field(min_length=1)
    text: str = ""
    sender: Party | None = Field(default=None, alias="from")
    media: Media | None = None
    parent_id: str | None = None


class InstagramMention(Payload):
    media_id: str = Field(min_length=1)
    comment_id: str | None = None  # absent when the mention is in the media's caption


# WhatsApp Cloud API (field "messages")


class WhatsAppProfile(Payload):
    name: str | None = None


class WhatsAppContact(Payload):
    wa_id: str | None = None
    profile: WhatsAppProfile | None = None


class WhatsAppText(Payload):
    body: str = ""


class WhatsAppMedia(Payload):
    id: str | None = None
    mime_type: str | None = None
    caption: str | None = None


class WhatsAppLocation(Payload):
    latitude: float | None = None
    longitude: float | None = None
    name: str | None = None
    address: str | None = None


class WhatsAppChoice(Payload):
    title: str = ""


class WhatsAppInteractive(Payload):
    type: str = ""
    button_reply: WhatsAppChoice | None = None
    list_reply: WhatsAppChoice | None = None


class WhatsAppButton(Payload):
    text: str = ""


class WhatsAppContext(Payload):
    id: str | None = None


class WhatsAppMessage(Payload):
    id: str = Field(min_length=1)
    sender: str = Field(alias="from", min_length=1)
    timestamp: Timestamp | None = None
    type: str = "unknown"
    context: WhatsAppContext | None = None
    text: WhatsAppText | None = None
    image: WhatsAppMedia | None = None
    video: WhatsAppMedia | None = None
    audio: WhatsAppMedia | None = None
    document: WhatsAppMedia | None = None
    sticker: WhatsAppMedia | None = None
    location: WhatsAppLocation | None = None
    interactive: WhatsAppInteractive | None = None
    button: WhatsAppButton | None = None

    def content(self) -> tuple[str, list[Attachment], Location | None] | None:
        """Text, media references (by media id) and location; None for unsupported types."""
        media = getattr(self, self.type, None) if self.type in MEDIA_TYPES else None
        if isinstance(media, WhatsAppMedia):
            attachment = Attachment(
                platform_media_id=media.id, media_type=media.mime_type, caption=media.caption
            )
            return media.caption or "", [attachment], None
        if self.type == "text" and self.text:
            return self.text.body, [], None
        if self.type == "location" and (place := self.location):
            address = ", ".join(part for part in (place.name, place.address) if part) or None
            return (
                "",
                [],
                Location(latitude=place.latitude, longitude=place.longitude, address=address),
            )
        choice = self.interactive and (self.interactive.button_reply or self.interactive.list_reply)
        if self.type == "interactive" and choice:
            return choice.title, [], None
        if self.type == "button" and self.button:
            return self.button.text, [], None
        return None


MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


class WhatsAppError(Payload):
    title: str | None = None


class WhatsAppStatus(Payload):
    id: str = Field(min_length=1)
    status: str
    timestamp: Timestamp | None = None
    recipient_id: str | None = None
    errors: list[WhatsAppError] = []

    def error(self) -> str | None:
        return next((e.title for e in self.errors if e.title), None)


class WhatsAppValue(Payload):
    contacts: list[WhatsAppContact] = []
    messages: list[WhatsAppMessage] = []
    statuses: list[WhatsAppStatus] = []
