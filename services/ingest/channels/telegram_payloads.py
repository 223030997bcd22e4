"""The Telegram Bot API objects the adapter reads (core.telegram.org/bots/api#update); pure."""

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError


def _as_str(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Telegram ids are integers (chat ids of groups are negative); Agora keeps ids as text.
Id = Annotated[str, BeforeValidator(_as_str)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Body):
    id: Id
    is_bot: bool = False
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None


class Chat(_Body):
    id: Id
    type: str = Field(description="private, group, supergroup or channel")
    title: str | None = None
    username: str | None = None


class PhotoSize(_Body):
    file_id: str
    width: int = 0
    height: int = 0


class File(_Body):
    """Document, Voice, Audio, Video, Animation, VideoNote and Sticker share these fields."""

    file_id: str
    mime_type: str | None = None
    file_name: str | None = None


class GeoPoint(_Body):
    latitude: float
    longitude: float


class Venue(_Body):
    location: GeoPoint
    title: str = ""
    address: str = ""


class Replied(_Body):
    message_id: int


class Message(_Body):
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


class CallbackMessage(_Body):
    """The message a button belonged to; ``date`` is 0 once it is no longer accessible."""

    message_id: int
    chat: Chat


class CallbackQuery(_Body):
    id: str
    sender: User = Field(alias="from")
    message: CallbackMessage | None = None
    data: str | None = None


class Update(_Body):
    update_id: int
    message: Message | None = None
    edited_message: Message | None = None
    channel_post: Message | None = None
    edited_channel_post: Message | None = None
    callback_query: CallbackQuery | None = None


def describe(error: ValidationError) -> str:
    """``"<field>: <problem>"`` for the first error, as ``InvalidInput`` details read."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f"{where}: {first['msg']}"
