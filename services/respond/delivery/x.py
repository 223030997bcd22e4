"""X API v2: a reply post, or a direct message to the citizen (pure).

A reply is ``POST https://api.x.com/2/tweets`` with ``text`` and
``reply.in_reply_to_tweet_id``; a direct message is
``POST /2/dm_conversations/with/<participant id>/messages`` with ``text`` (Agora's DM
conversation id is the other participant). Both use the connection's user access token as
``Authorization: Bearer``. X has no idempotency key for either.
"""

from services.respond.delivery.base import (
    Connector,
    PlatformRequest,
    Refusal,
    Target,
    bearer,
    error_reader,
    id_reader,
    json_request,
    recipient,
    target_message,
)
from shared.events import Channel, Kind, SendReply

API_URL = "https://api.x.com"
CONNECTION_FIELD = "access_token_env"


def build(command: SendReply, target: Target) -> PlatformRequest | Refusal:
    api = target.base_url(API_URL)
    headers = bearer(target.secret(CONNECTION_FIELD))
    if command.in_reply_to_kind is Kind.DIRECT_MESSAGE:
        url = f"{api}/2/dm_conversations/with/{recipient(command)}/messages"
        return json_request(url, {"text": command.text}, headers)
    payload = {"text": command.text, "reply": {"in_reply_to_tweet_id": target_message(command)}}
    return json_request(f"{api}/2/tweets", payload, headers)


CONNECTOR = Connector(
    channels=frozenset({Channel.X}),
    secret_fields=(CONNECTION_FIELD,),
    build=build,
    message_id=id_reader(("data", "id"), ("data", "dm_event_id")),
    error=error_reader(("detail",), ("errors", 0, "message"), ("title",)),
)
