"""Twilio Programmable Messaging: SMS, and WhatsApp through Twilio (pure).

``POST https://api.twilio.com/2010-04-01/Accounts/<AccountSid>/Messages.json``, form-encoded
``To``, ``From`` (the connection's ``sender_id``), ``Body``, with HTTP Basic auth
``AccountSid:auth token``. WhatsApp numbers carry the ``whatsapp:`` prefix; outside the
24-hour window only a Content template (``ContentSid`` = ``window_template``) may be sent.
``StatusCallback`` is the connection's ``public_url``: ingest already reads Twilio's status
callbacks there. Twilio has no idempotency key for sending: a retried timeout may send twice.
"""

from services.respond.delivery.base import (
    Connector,
    PlatformRequest,
    Refusal,
    Target,
    error_reader,
    form_request,
    id_reader,
    needs,
    recipient,
)
from services.respond.delivery.window import decide_window
from shared.events import Channel, SendReply

API_URL = "https://api.twilio.com"
CONNECTION_FIELD = "auth_token_env"
WHATSAPP_PREFIX = "whatsapp:"


def address(number: str, channel: Channel) -> str:
    """The number as Twilio addresses it on ``channel``."""
    bare = number.removeprefix(WHATSAPP_PREFIX)
    return f"{WHATSAPP_PREFIX}{bare}" if channel is Channel.WHATSAPP else bare


def build(command: SendReply, target: Target) -> PlatformRequest | Refusal:
    connection = target.connection
    if not connection.account_id:
        return needs(connection, "account_id", "the Twilio Account SID")
    if not connection.sender_id:
        return needs(connection, "sender_id", "the Twilio number replies are sent from")
    window = decide_window(
        channel=command.channel,
        kind=command.in_reply_to_kind,
        last_inbound_at=command.last_inbound_at,
        now=target.now,
        template=connection.window_template,
    )
    if window.mode == "refuse":
        return Refusal(
            f"{window.reason} (a WhatsApp reply via Twilio then needs a Content template SID)"
        )
    fields = [
        ("To", address(recipient(command), command.channel)),
        ("From", address(connection.sender_id, command.channel)),
    ]
    if window.mode == "template" and window.template:
        fields.append(("ContentSid", window.template))
    else:
        fields.append(("Body", command.text))
    if connection.public_url:
        fields.append(("StatusCallback", connection.public_url))
    url = f"{target.base_url(API_URL)}/2010-04-01/Accounts/{connection.account_id}/Messages.json"
    return form_request(url, fields, auth=(connection.account_id, target.secret(CONNECTION_FIELD)))


CONNECTOR = Connector(
    channels=frozenset({Channel.SMS, Channel.WHATSAPP}),
    secret_fields=(CONNECTION_FIELD,),
    build=build,
    message_id=id_reader(("sid",)),
    error=error_reader(("message",)),
)
