"""Generic connections: the reply as JSON, POSTed to the connection's ``api_base_url`` (pure).

The body is signed like Agora's generic webhooks, the other way round:
``X-Agora-Signature: sha256=<hex HMAC-SHA256(secret named by secret_env, raw body)>``.
``Idempotency-Key`` is the reply id. With a base URL override (the local platform simulator)
the reply goes to ``<override>/generic/<connection id>``.
"""

import hashlib
import hmac
from dataclasses import replace

from services.respond.delivery.base import (
    Connector,
    PlatformRequest,
    Refusal,
    Target,
    error_reader,
    id_reader,
    json_request,
    needs,
)
from shared.events import Channel, SendReply

CONNECTION_FIELD = "secret_env"
SIGNATURE_HEADER = "x-agora-signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def endpoint(target: Target) -> str | None:
    if target.base_url_override:
        return f"{target.base_url_override.rstrip('/')}/generic/{target.connection.id}"
    return target.connection.api_base_url


def build(command: SendReply, target: Target) -> PlatformRequest | Refusal:
    url = endpoint(target)
    if url is None:
        return needs(target.connection, "api_base_url", "where replies are posted")
    payload = {
        "reply_id": str(command.reply_id),
        "case_id": str(command.case_id),
        "agency_id": command.agency_id,
        "connection_id": command.connection_id,
        "channel": command.channel.value,
        "conversation_id": command.conversation_id,
        "in_reply_to": command.in_reply_to,
        "recipient_id": command.recipient_id,
        "recipient_handle": command.recipient_handle,
        "language": command.language,
        "text": command.text,
    }
    request = json_request(url, payload, {"idempotency-key": str(command.reply_id)})
    signed = signature(target.secret(CONNECTION_FIELD), request.body)
    return replace(request, headers={**request.headers, SIGNATURE_HEADER: signed})


CONNECTOR = Connector(
    channels=frozenset({Channel.GENERIC}),
    secret_fields=(CONNECTION_FIELD,),
    build=build,
    message_id=id_reader(("id",), ("message_id",)),
    error=error_reader(("detail",), ("error",), ("message",)),
)
