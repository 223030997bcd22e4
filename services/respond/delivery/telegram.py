"""Telegram Bot API: ``POST https://api.telegram.org/bot<token>/sendMessage`` (pure).

The token is part of the URL, so a URL is never logged nor put in a reason. Agora's Telegram
message ids are ``"<chat_id>:<message_id>"`` (message ids are unique per chat only): the reply
quotes the part after the chat, and the id it gets back is written the same way.
Callback queries (``"callback:<id>"``) name no message: the reply is then a plain message.
"""

from services.respond.delivery.base import (
    Connector,
    PlatformError,
    PlatformRequest,
    PlatformResponse,
    Refusal,
    Target,
    dig,
    first_text,
    json_request,
)
from shared.events import Channel, SendReply

BOT_API_URL = "https://api.telegram.org"
CONNECTION_FIELD = "access_token_env"


def replied_message_id(command: SendReply) -> int | None:
    """The Telegram message id answered, when ``in_reply_to`` is a message of this chat."""
    chat, _, message = (command.in_reply_to or "").rpartition(":")
    if chat != command.conversation_id or not message.isdigit():
        return None
    return int(message)


def build(command: SendReply, target: Target) -> PlatformRequest | Refusal:
    url = f"{target.base_url(BOT_API_URL)}/bot{target.secret(CONNECTION_FIELD)}/sendMessage"
    payload: dict[str, object] = {"chat_id": command.conversation_id, "text": command.text}
    replied = replied_message_id(command)
    if replied is not None:
        # A deleted original must not block the answer: send it as a plain message then.
        payload["reply_parameters"] = {
            "message_id": replied,
            "allow_sending_without_reply": True,
        }
    return json_request(url, payload)


def message_id(response: PlatformResponse) -> str | None:
    document = response.json()
    sent = first_text(document, ("result", "message_id"))
    chat = first_text(document, ("result", "chat", "id"))
    if sent is None:
        return None
    return f"{chat}:{sent}" if chat is not None else sent


def error(response: PlatformResponse) -> PlatformError:
    document = response.json()
    retry_after = dig(document, "parameters", "retry_after")
    return PlatformError(
        first_text(document, ("description",)),
        retry_after_s=float(retry_after) if isinstance(retry_after, int | float) else None,
    )


CONNECTOR = Connector(
    channels=frozenset({Channel.TELEGRAM}),
    secret_fields=(CONNECTION_FIELD,),
    build=build,
    message_id=message_id,
    error=error,
)
