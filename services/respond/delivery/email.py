"""E-mail through SendGrid's v3 Mail Send API: ``POST https://api.sendgrid.com/v3/mail/send``.

(pure) The citizen's address is the recipient; ``sender_id`` is the From address; the API key
is ``Authorization: Bearer``. ``In-Reply-To`` names the mail answered and ``References`` the
thread (its root, as ingest keeps it, then that mail), so mail clients thread the answer.
SendGrid answers 202 with an empty body and the message id in the ``X-Message-Id`` header.
"""

from services.respond.delivery.base import (
    Connector,
    PlatformRequest,
    PlatformResponse,
    Refusal,
    Target,
    bearer,
    error_reader,
    json_request,
    needs,
)
from shared.events import Channel, SendReply

API_URL = "https://api.sendgrid.com"
CONNECTION_FIELD = "access_token_env"
SUBJECT = "Re: your message"


def angle(message_id: str) -> str:
    """A Message-ID as mail headers write it: ``<id@host>`` (ingest keeps it bare)."""
    bare = message_id.strip().removeprefix("<").removesuffix(">")
    return f"<{bare}>"


def thread_headers(command: SendReply) -> dict[str, str]:
    if not command.in_reply_to:
        return {}
    chain = [command.conversation_id, command.in_reply_to]
    references = " ".join(angle(m) for m in dict.fromkeys(chain) if m)
    return {"In-Reply-To": angle(command.in_reply_to), "References": references}


def build(command: SendReply, target: Target) -> PlatformRequest | Refusal:
    sender = target.connection.sender_id
    if not sender:
        return needs(target.connection, "sender_id", "the From address")
    to = command.recipient_handle or command.recipient_id
    if not to or "@" not in to:
        return Refusal("the reply names no e-mail address to send to")
    personalization: dict[str, object] = {"to": [{"email": to}]}
    headers = thread_headers(command)
    if headers:
        personalization["headers"] = headers
    payload = {
        "personalizations": [personalization],
        "from": {"email": sender},
        "subject": SUBJECT,
        "content": [{"type": "text/plain", "value": command.text}],
        "custom_args": {"agora_reply_id": str(command.reply_id)},
    }
    api = target.base_url(API_URL)
    return json_request(f"{api}/v3/mail/send", payload, bearer(target.secret(CONNECTION_FIELD)))


def message_id(response: PlatformResponse) -> str | None:
    return response.headers.get("x-message-id") or None


CONNECTOR = Connector(
    channels=frozenset({Channel.EMAIL}),
    secret_fields=(CONNECTION_FIELD,),
    build=build,
    message_id=message_id,
    error=error_reader(("errors", 0, "message")),
)
