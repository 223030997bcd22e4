"""The v2 X objects the adapter reads: Posts of the X Activity API and filtered stream; pure.

A Post has ``id``, ``text``, ``author_id``, ``conversation_id`` (the thread's first post),
``note_tweet.text`` for posts longer than 280 characters, ``referenced_tweets``; the users and
media it names come in ``includes`` (docs.x.com/x-api/activity/event-payloads).
"""

from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

from services.ingest.channels.payloads import Id, Payload
from services.ingest.channels.x_payloads import MEDIA_TYPES, Point, unwrap
from shared.events import Attachment, Author, Location


class V2Mention(Payload):
    id: Id | None = None
    username: str | None = None


class V2Entities(Payload):
    mentions: list[V2Mention] = []


class V2Reference(Payload):
    type: str  # replied_to, quoted, retweeted
    id: Id


class V2NoteTweet(Payload):
    text: str


class V2Attachments(Payload):
    media_keys: list[str] = []


class V2Geo(Payload):
    coordinates: Point | None = None
    place_id: str | None = None


class V2Post(Payload):
    id: Id
    text: str = ""
    author_id: Id | None = None
    conversation_id: Id | None = None
    created_at: AwareDatetime | None = None
    in_reply_to_user_id: Id | None = None
    referenced_tweets: list[V2Reference] = []
    entities: V2Entities | None = None
    note_tweet: V2NoteTweet | None = None
    attachments: V2Attachments | None = None
    geo: V2Geo | None = None
    lang: str | None = None


class V2User(Payload):
    id: Id
    username: str | None = None
    name: str | None = None


class V2Media(Payload):
    media_key: str
    type: str | None = None  # photo, video, animated_gif
    url: str | None = None
    preview_image_url: str | None = None
    alt_text: str | None = None


class V2Place(Payload):
    id: str
    full_name: str | None = None


class V2Includes(Payload):
    users: list[Annotated[V2User, BeforeValidator(unwrap)]] = []
    media: list[V2Media] = []
    places: list[V2Place] = []

    def author(self, author_id: str | None) -> Author | None:
        if not author_id:
            return None
        user = next((u for u in self.users if u.id == author_id), None)
        if user is None:
            return Author(id=author_id)
        return Author(id=author_id, handle=user.username, display_name=user.name)

    def attachments(self, post: "V2Post") -> tuple[Attachment, ...]:
        by_key = {m.media_key: m for m in self.media}
        keys = post.attachments.media_keys if post.attachments else []
        return tuple(
            Attachment(
                url=m.url or m.preview_image_url,
                media_type=MEDIA_TYPES.get(m.type or ""),
                platform_media_id=m.media_key,
                caption=m.alt_text,
            )
            for m in (by_key[k] for k in keys if k in by_key)
        )

    def location(self, post: "V2Post") -> Location | None:
        geo = post.geo
        if geo is None:
            return None
        place = next((p for p in self.places if p.id == geo.place_id), None)
        address = place.full_name if place else None
        if geo.coordinates is not None:
            return geo.coordinates.location(address)
        return Location(address=address) if address else None


class ActivityEvent(Payload):
    """The ``data`` of an X Activity API delivery."""

    event_type: str
    filter: dict[str, Any] = {}
    payload: dict[str, Any] = {}
    includes: V2Includes = V2Includes()


class StreamPost(Payload):
    """A bare v2 Post delivery: ``{"data": Post, "includes": {...}}``."""

    data: V2Post
    includes: V2Includes = V2Includes()
