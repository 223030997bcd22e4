"""Mastodon: ``POST <server>/api/v1/statuses`` in reply to the citizen's status (pure).

The server is the connection's ``api_base_url``, else its ``poll_url`` (a Mastodon server has
no global address). A reply mentions the citizen (``@handle``) so it reaches them; a direct
message (or a status of unknown kind) gets a ``direct`` answer, and a public mention a
``public`` one: an agency answers in the open what was asked in the open.
``Idempotency-Key`` is the reply id, so a retry after a lost answer returns the status already
posted instead of posting twice.
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
    needs,
    target_message,
)
from shared.events import Channel, Kind, SendReply

CONNECTION_FIELD = "access_token_env"
# A reply never discloses more than the citizen did: an unknown kind gets a direct answer.
PUBLIC_KINDS = frozenset({Kind.MENTION, Kind.REPLY, Kind.COMMENT, Kind.POST})


def with_mention(text: str, handle: str | None) -> str:
    """``text`` starting with ``@handle`` unless it already names them."""
    if not handle:
        return text
    mention = "@" + handle.lstrip("@")
    if mention.lower() in text.lower():
        return text
    return f"{mention} {text}"


def visibility(kind: Kind | None) -> str:
    """``public`` for what was said in public; ``direct`` otherwise, an unknown kind included."""
    return "public" if kind in PUBLIC_KINDS else "direct"


def build(command: SendReply, target: Target) -> PlatformRequest | Refusal:
    server = target.base_url(target.connection.poll_url)
    if server is None:
        return needs(target.connection, "api_base_url", "the Mastodon server")
    payload: dict[str, object] = {
        "status": with_mention(command.text, command.recipient_handle),
        "in_reply_to_id": target_message(command),
        "visibility": visibility(command.in_reply_to_kind),
    }
    if command.language:
        payload["language"] = command.language
    headers = bearer(target.secret(CONNECTION_FIELD)) | {"idempotency-key": str(command.reply_id)}
    return json_request(f"{server}/api/v1/statuses", payload, headers)


CONNECTOR = Connector(
    channels=frozenset({Channel.MASTODON}),
    secret_fields=(CONNECTION_FIELD,),
    build=build,
    message_id=id_reader(("id",)),
    error=error_reader(("error",)),
)
