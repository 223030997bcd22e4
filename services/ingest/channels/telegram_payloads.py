"""The Telegram Bot API objects the adapter reads (core.telegram.org/bots/api#update); pure."""

from pydantic import Field

from services.ingest.channels.payloads import Id, Payload


class User(Payload):
    id: Id
    is_bot: bool = False
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None


class Chat(Payload):
    id: Id
    type: str = Field(description="private, group, supergroup or channel")
    title: str | None = None
    username: str | None = None


class PhotoSize(Payload):
    file_id: str
    width: int = 0
    height: int = 0


class File(Payload):
    """Document, Voice, Audio, Video, Animation, VideoNote and Sticker share these fields."""

    file_id: str
    mime_type: str | None = None
    file_name: str | None = None


class GeoPoint(Payload):
    latitude: float
    longitude: float


class Venue(Payload):
    location: GeoPoint
    title: str = ""
    address: str = ""


class Replied(Payload):
    message_id: int


class Message(Payload):
    message_id: int
    date: int = Field(description="Unix time")
    chat: Chat
    sender: User | None = Field(default=None, alias="from")
    sender_chat: Chat | None = None
    edit_date: int | None = None
    text: str | None = None
    caption: str | None = None
    photo: list[PhotoSize] = []
    document: File | None = None
    voice: File | None = None
    audio: File | None = None
    video: File | None = None
    video_note: File | None = None
    animation: File | None = None
    sticker: File | None = None
    location: GeoPoint | None = None
    venue: Venue | None = None
    reply_to_message: Replied | None = None
    message_thread_id: int | None = None
    is_topic_message: bool = False


class CallbackMessage(Payload):
    """The message a button belonged to; ``date`` is 0 once it is no longer accessible."""

    message_id: int
    chat: Chat


class CallbackQuery(Payload):
    id: str
    sender: User = Field(alias="from")
    message: CallbackMessage | None = None
    data: str | None = None


class Update(Payload):
    update_id: int
    message: Message | None = None
    edited_message: Message | None = None
    channel_post: Message | None = None
    edited_channel_post: Message | None = None
    callback_query: CallbackQuery | None = None
