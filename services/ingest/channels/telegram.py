"""Telegram Bot API webhook: the ``setWebhook`` secret token, updates -> interactions.

Telegram signs nothing: ``setWebhook(secret_token=...)`` makes it send that token back in the
``X-Telegram-Bot-Api-Secret-Token`` header of every update, compared here in constant time.
One update carries at most one of ``message``, ``edited_message``, ``channel_post``,
``edited_channel_post``, ``callback_query``, ... (core.telegram.org/bots/api#update).
Message ids are unique per chat only, so Agora's message id is ``"<chat_id>:<message_id>"``.
Media are referenced by ``file_id`` (fetching them needs the bot token: delivery's business).
"""

import json
from datetime import UTC, datetime

from pydantic import ValidationError

from services.ingest.channels.base import (
    Adapter,
    ConnectionContext,
    Edit,
    Ignored,
    ParseResult,
    WebhookRequest,
    required_header,
    signatures_match,
)
from services.ingest.channels.payloads import describe
from services.ingest.channels.telegram_payloads import (
    CallbackQuery,
    Chat,
    File,
    Message,
    Update,
    User,
)
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Channel, Interaction, Kind, Location

HEADER = "x-telegram-bot-api-secret-token"
CONNECTION_FIELD = "secret_token_env"
REACTION_UPDATES = frozenset({"message_reaction", "message_reaction_count"})


class TelegramAdapter(Adapter):
    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        received = required_header(request, HEADER)
        if not signatures_match(ctx.secrets[CONNECTION_FIELD], received):
            raise Unauthorized("invalid_signature", "The secret token does not match.")

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        raw = _load(request.body)
        try:
            update = Update.model_validate(raw)
        except ValidationError as error:
            raise InvalidInput("invalid_payload", describe(error)) from error
        if update.message is not None:
            return _message_result(update.message, ctx, edited=False)
        if update.channel_post is not None:
            return _message_result(update.channel_post, ctx, edited=False)
        if update.edited_message is not None:
            return _message_result(update.edited_message, ctx, edited=True)
        if update.edited_channel_post is not None:
            return _message_result(update.edited_channel_post, ctx, edited=True)
        if update.callback_query is not None:
            return _callback_result(update.callback_query, ctx)
        kinds = sorted(k for k in raw if k != "update_id") or ["empty"]
        if REACTION_UPDATES.intersection(kinds):
            return ParseResult(ignored=[Ignored("reaction", f"telegram update: {kinds[0]}")])
        return ParseResult(ignored=[Ignored("unsupported", f"telegram update: {kinds[0]}")])


def _load(body: bytes) -> dict[str, object]:
    try:
        raw = json.loads(body)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise InvalidInput("invalid_payload", "body: not valid JSON") from error
    if not isinstance(raw, dict):
        raise InvalidInput("invalid_payload", "body: expected a JSON object (an Update)")
    return raw


def _is_echo(sender: User | None, ctx: ConnectionContext) -> bool:
    return sender is not None and sender.is_bot and sender.id == ctx.account_id


def _message_result(message: Message, ctx: ConnectionContext, *, edited: bool) -> ParseResult:
    if _is_echo(message.sender, ctx):
        return ParseResult(ignored=[Ignored("echo", "message sent by the agency's bot")])
    interaction = to_interaction(message, ctx)
    if not (interaction.text or interaction.attachments or interaction.location):
        # Service messages: members joining or leaving, pinned messages, new chat titles...
        return ParseResult(ignored=[Ignored("unsupported", "telegram service message")])
    if not edited:
        return ParseResult(interactions=[interaction])
    edited_at = _at(message.edit_date) if message.edit_date else ctx.received_at
    return ParseResult(edits=[Edit(interaction=interaction, edited_at=edited_at)])


def to_interaction(message: Message, ctx: ConnectionContext) -> Interaction:
    chat_id = message.chat.id
    message_id = f"{chat_id}:{message.message_id}"
    parent = _replied_to(message)
    return ctx.interaction(
        channel=Channel.TELEGRAM,
        kind=_kind(message.chat, is_reply=parent is not None),
        message_id=message_id,
        conversation_id=chat_id,
        parent_id=f"{chat_id}:{parent}" if parent is not None else None,
        author=_author(message),
        text=message.text or message.caption or "",
        attachments=_attachments(message),
        location=_location(message),
        created_at=_at(message.date),
    )


def _kind(chat: Chat, *, is_reply: bool) -> Kind:
    if chat.type == "private":
        return Kind.DIRECT_MESSAGE
    if chat.type == "channel":
        return Kind.POST
    return Kind.REPLY if is_reply else Kind.COMMENT


def _replied_to(message: Message) -> int | None:
    replied = message.reply_to_message
    if replied is None:
        return None
    # In forum topics every message "replies" to the topic's first message: not a reply.
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return None
    return replied.message_id


def _author(message: Message) -> Author | None:
    # Channels and anonymous group admins write as a chat; ``from`` is then a placeholder bot.
    if message.sender_chat is not None:
        chat = message.sender_chat
        return Author(id=chat.id, handle=chat.username, display_name=chat.title)
    return _user(message.sender) if message.sender is not None else None


def _user(user: User) -> Author:
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or None
    return Author(id=user.id, handle=user.username, display_name=name)


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.photo:  # several sizes of one photo: keep the largest
        largest = max(message.photo, key=lambda p: p.width * p.height)
        found.append(Attachment(platform_media_id=largest.file_id, media_type="image"))
    # The MIME type when Telegram gives it, else the kind of media, as other adapters do.
    files: tuple[tuple[File | None, str | None], ...] = (
        (message.voice, "audio/ogg"),  # sendVoice: OGG encoded with OPUS
        (message.audio, "audio"),
        (message.video, "video"),
        (message.video_note, "video"),
        (message.animation, "video"),
        (message.sticker, None),
        (message.document, None),
    )
    for file, default in files:
        if file is not None:
            found.append(
                Attachment(
                    platform_media_id=file.file_id,
                    media_type=file.mime_type or default,
                    caption=file.file_name,
                )
            )
    return tuple(found)


def _location(message: Message) -> Location | None:
    if message.venue is not None:
        venue = message.venue
        parts = (venue.address,) if venue.title in venue.address else (venue.title, venue.address)
        address = ", ".join(p for p in parts if p) or None
        point = venue.location
        return Location(latitude=point.latitude, longitude=point.longitude, address=address)
    if message.location is not None:
        point = message.location
        return Location(latitude=point.latitude, longitude=point.longitude)
    return None


def _callback_result(query: CallbackQuery, ctx: ConnectionContext) -> ParseResult:
    """A button press: the citizen's choice (``data``) as a direct message."""
    if _is_echo(query.sender, ctx):
        return ParseResult(ignored=[Ignored("echo", "callback from the agency's bot")])
    origin = query.message
    conversation = origin.chat.id if origin is not None else query.sender.id
    message_id = f"callback:{query.id}"  # callback ids are global, unlike message ids
    interaction = ctx.interaction(
        channel=Channel.TELEGRAM,
        kind=Kind.DIRECT_MESSAGE,
        message_id=message_id,
        conversation_id=conversation,
        parent_id=f"{origin.chat.id}:{origin.message_id}" if origin is not None else None,
        author=_user(query.sender),
        text=query.data or "",
        created_at=ctx.received_at,  # a callback query carries no date
    )
    return ParseResult(interactions=[interaction])


def _at(unix_time: int) -> datetime:
    return datetime.fromtimestamp(unix_time, tz=UTC)
