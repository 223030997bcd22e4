"""The v1.1 X objects the adapter reads, and what X's payloads share; pure.

Account Activity API deliveries carry v1.1 objects (Tweet with ``id_str``, ``extended_tweet``,
DM events with ``message_create``; docs.x.com/x-api/account-activity/introduction); the
X Activity API carries the same DM events. v2 Posts live in ``x_v2_payloads``.
"""

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

from services.ingest.channels.payloads import Id, Payload
from shared.events import Attachment, Author, Location

MEDIA_TYPES = {"photo": "image", "video": "video", "animated_gif": "video"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _v1_time(value: object) -> object:
    """``"Mon May 19 14:01:46 +0000 2025"`` without locale-dependent ``strptime``."""
    if not isinstance(value, str):
        return value
    try:
        _, month, day, clock, offset, year = value.split()
        hour, minute, second = (int(p) for p in clock.split(":"))
        sign = -1 if offset.startswith("-") else 1
        shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
        moment = datetime(
            int(year),
            _MONTHS.index(month) + 1,
            int(day),
            hour,
            minute,
            second,
            tzinfo=timezone(sign * shift),
        )
    except ValueError as error:
        raise ValueError(
            f"expected a date like 'Mon May 19 14:01:46 +0000 2025': {error}"
        ) from None
    return moment.astimezone(UTC)


def _epoch_ms(value: object) -> object:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return value


def unwrap(value: object) -> object:
    """Some X Activity API user objects come wrapped as ``{"data": {...}}``."""
    if isinstance(value, dict) and isinstance(value.get("data"), dict):
        return value["data"]
    return value


V1Time = Annotated[AwareDatetime, BeforeValidator(_v1_time)]
EpochMs = Annotated[AwareDatetime, BeforeValidator(_epoch_ms)]


class V1User(Payload):
    id_str: Id
    screen_name: str | None = None
    name: str | None = None


class V1Mention(Payload):
    id_str: Id


class V1Media(Payload):
    id_str: Id | None = None
    media_url_https: str | None = None
    type: str | None = None  # photo, video, animated_gif

    def attachment(self) -> Attachment:
        return Attachment(
            url=self.media_url_https,
            media_type=MEDIA_TYPES.get(self.type or ""),
            platform_media_id=self.id_str,
        )


class V1Entities(Payload):
    user_mentions: list[V1Mention] = []
    media: list[V1Media] = []


class V1Extended(Payload):
    full_text: str
    entities: V1Entities | None = None
    extended_entities: V1Entities | None = None


class Point(Payload):
    coordinates: list[float]  # GeoJSON order: longitude, latitude

    def location(self, address: str | None) -> Location | None:
        if len(self.coordinates) < 2:
            return Location(address=address) if address else None
        return Location(
            latitude=self.coordinates[1], longitude=self.coordinates[0], address=address
        )


class V1Place(Payload):
    full_name: str | None = None


class V1Tweet(Payload):
    id_str: Id
    created_at: V1Time
    text: str = ""
    full_text: str | None = None
    truncated: bool = False
    extended_tweet: V1Extended | None = None
    user: V1User
    in_reply_to_status_id_str: Id | None = None
    in_reply_to_user_id_str: Id | None = None
    quoted_status_id_str: Id | None = None
    quoted_status: dict[str, Any] | None = None
    retweeted_status: dict[str, Any] | None = None
    entities: V1Entities = V1Entities()
    extended_entities: V1Entities | None = None
    coordinates: Point | None = None
    place: V1Place | None = None
    lang: str | None = None

    @property
    def whole_text(self) -> str:
        """Long posts keep their whole text in ``extended_tweet.full_text``."""
        if self.extended_tweet is not None:
            return self.extended_tweet.full_text
        return self.full_text or self.text

    @property
    def all_entities(self) -> V1Entities:
        extended = self.extended_tweet
        return extended.entities if extended and extended.entities else self.entities

    @property
    def media(self) -> list[V1Media]:
        extended = self.extended_tweet
        source = (extended and extended.extended_entities) or self.extended_entities
        return (source or self.all_entities).media

    @property
    def quoted_user_id(self) -> str | None:
        user = (self.quoted_status or {}).get("user") or {}
        return str(user["id_str"]) if "id_str" in user else None

    @property
    def location(self) -> Location | None:
        address = self.place.full_name if self.place else None
        if self.coordinates is not None:
            return self.coordinates.location(address)
        return Location(address=address) if address else None


class DmUser(Payload):
    """A ``users`` map entry: v1.1 (``screen_name``) or, wrapped in ``data``, v2 (``username``)."""

    id: Id
    screen_name: str | None = None
    username: str | None = None
    name: str | None = None

    def author(self) -> Author:
        return Author(id=self.id, handle=self.screen_name or self.username, display_name=self.name)


class V1Target(Payload):
    recipient_id: Id


class V1DmAttachment(Payload):
    media: V1Media | None = None


class V1MessageData(Payload):
    text: str = ""
    attachment: V1DmAttachment | None = None


class V1MessageCreate(Payload):
    target: V1Target
    sender_id: Id
    message_data: V1MessageData = V1MessageData()


class V1DmEvent(Payload):
    type: str
    id: Id
    created_timestamp: EpochMs | None = None
    message_create: V1MessageCreate | None = None


class V1DeletedStatus(Payload):
    id: Id
    user_id: Id | None = None


class V1DeleteEvent(Payload):
    status: V1DeletedStatus
    timestamp_ms: EpochMs | None = None


class DirectMessages(Payload):
    direct_message_events: list[V1DmEvent] = []
    users: dict[str, Annotated[DmUser, BeforeValidator(unwrap)]] = {}


class AccountActivity(DirectMessages):
    for_user_id: Id
    tweet_create_events: list[V1Tweet] = []
    tweet_delete_events: list[V1DeleteEvent] = []
