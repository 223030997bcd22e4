"""Meta's Graph API: Facebook comments, Messenger, Instagram and the WhatsApp Cloud API (pure).

Every call is ``POST https://graph.facebook.com/v21.0/<node>/<edge>`` with the connection's
page (or system user) token as ``Authorization: Bearer``:

- Facebook: ``<comment or post id>/comments`` with ``message``;
- Instagram comments: ``<comment id>/replies``; a mention: ``<account_id>/mentions``;
- Messenger and Instagram direct messages: ``<account_id>/messages`` with ``recipient.id`` (the
  sender's page-scoped id, the conversation), tagged ``HUMAN_AGENT`` after 24 hours;
- WhatsApp: ``<sender_id: phone number id>/messages``, a template after 24 hours.

Graph reports throttling as HTTP 400 with a code (or ``is_transient``): those are retried.
"""

from services.respond.delivery.base import (
    Connector,
    PlatformError,
    PlatformRequest,
    PlatformResponse,
    Refusal,
    Target,
    bearer,
    dig,
    first_text,
    id_reader,
    json_request,
    needs,
    recipient,
    target_message,
)
from services.respond.delivery.window import WindowDecision, decide_window
from shared.events import Channel, Kind, SendReply

GRAPH_URL = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
CONNECTION_FIELD = "access_token_env"
DEFAULT_TEMPLATE_LANGUAGE = "en"
# Graph error codes that mean "too many calls, or a hiccup": try again later.
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 613, 80007, 130429, 131056})


def build(command: SendReply, target: Target) -> PlatformRequest | Refusal:
    graph = f"{target.base_url(GRAPH_URL)}/{GRAPH_VERSION}"
    headers = bearer(target.secret(CONNECTION_FIELD))
    channel, kind = command.channel, command.in_reply_to_kind
    if channel is Channel.FACEBOOK:
        url = f"{graph}/{target_message(command)}/comments"
        return json_request(url, {"message": command.text}, headers)
    window = decide_window(
        channel=channel,
        kind=kind,
        last_inbound_at=command.last_inbound_at,
        now=target.now,
        template=target.connection.window_template,
    )
    if window.mode == "refuse":
        return Refusal(window.reason or "outside the platform's messaging window")
    if channel is Channel.WHATSAPP:
        return _whatsapp(command, target, graph, headers, window)
    if channel is Channel.MESSENGER or kind is Kind.DIRECT_MESSAGE:
        return _direct_message(command, target, graph, headers, window)
    if kind is Kind.MENTION:
        return _instagram_mention(command, target, graph, headers)
    url = f"{graph}/{target_message(command)}/replies"
    return json_request(url, {"message": command.text}, headers)


def _direct_message(
    command: SendReply,
    target: Target,
    graph: str,
    headers: dict[str, str],
    window: WindowDecision,
) -> PlatformRequest | Refusal:
    account = target.connection.account_id
    if not account:
        return needs(target.connection, "account_id", "the page or Instagram account id")
    payload: dict[str, object] = {
        "recipient": {"id": recipient(command)},
        "message": {"text": command.text},
    }
    if window.mode == "human_agent_tag":
        payload |= {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    else:
        payload["messaging_type"] = "RESPONSE"
    return json_request(f"{graph}/{account}/messages", payload, headers)


def _instagram_mention(
    command: SendReply, target: Target, graph: str, headers: dict[str, str]
) -> PlatformRequest | Refusal:
    """A comment on the media (or under the comment) where someone @mentioned the agency."""
    account = target.connection.account_id
    if not account:
        return needs(target.connection, "account_id", "the Instagram account id")
    media_id = command.conversation_id
    payload = {"media_id": media_id, "message": command.text}
    if command.in_reply_to and command.in_reply_to != media_id:
        payload["comment_id"] = command.in_reply_to
    return json_request(f"{graph}/{account}/mentions", payload, headers)


def _whatsapp(
    command: SendReply,
    target: Target,
    graph: str,
    headers: dict[str, str],
    window: WindowDecision,
) -> PlatformRequest | Refusal:
    phone_number_id = target.connection.sender_id
    if not phone_number_id:
        return needs(target.connection, "sender_id", "the WhatsApp phone number id")
    payload: dict[str, object] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": recipient(command),
    }
    if window.mode == "template":
        language = command.language or DEFAULT_TEMPLATE_LANGUAGE
        payload |= {
            "type": "template",
            "template": {"name": window.template, "language": {"code": language}},
        }
    else:
        payload |= {"type": "text", "text": {"body": command.text, "preview_url": False}}
        if command.in_reply_to:
            payload["context"] = {"message_id": command.in_reply_to}
    return json_request(f"{graph}/{phone_number_id}/messages", payload, headers)


def error(response: PlatformResponse) -> PlatformError:
    document = response.json()
    message = first_text(document, ("error", "message"), ("error", "error_user_msg"))
    code = dig(document, "error", "code")
    transient = dig(document, "error", "is_transient") is True or code in TRANSIENT_CODES
    if message is not None and isinstance(code, int):
        message = f"{message} (code {code})"
    return PlatformError(message, transient=transient)


CONNECTOR = Connector(
    channels=frozenset({Channel.FACEBOOK, Channel.INSTAGRAM, Channel.MESSENGER, Channel.WHATSAPP}),
    secret_fields=(CONNECTION_FIELD,),
    build=build,
    message_id=id_reader(("id",), ("messages", 0, "id"), ("message_id",)),
    error=error,
)
