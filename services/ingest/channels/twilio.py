"""Twilio Messaging webhook (SMS, MMS and WhatsApp): ``X-Twilio-Signature``, form -> interactions.

Twilio posts ``application/x-www-form-urlencoded`` parameters and signs them
(twilio.com/docs/usage/webhooks/webhooks-security): the full URL it called, then every POST
parameter sorted by name, each name immediately followed by its value, HMAC-SHA1 keyed with
the account's auth token, base64. The URL is the one configured at Twilio (``public_url``),
since a proxy in front of Agora may change what the request looks like here.

An incoming message carries ``MessageSid``, ``From``, ``To``, ``Body``, ``NumMedia`` with
``MediaUrl{N}``/``MediaContentType{N}``, and for WhatsApp ``whatsapp:``-prefixed numbers,
``ProfileName`` and shared locations (twilio.com/docs/messaging/guides/webhook-request).
A status callback carries ``MessageStatus`` and no ``Body``. Neither carries a timestamp.
"""

import base64
import hashlib
import hmac
from typing import Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.ingest.channels.base import (
    Acknowledgement,
    Adapter,
    ConnectionContext,
    DeliveryStatus,
    Ignored,
    ParseResult,
    WebhookRequest,
    required_header,
    signatures_match,
)
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Channel, Interaction, Kind, Location

HEADER = "x-twilio-signature"
CONNECTION_FIELD = "auth_token_env"
WHATSAPP_PREFIX = "whatsapp:"
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
DEFAULT_PORTS = {"https": 443, "http": 80}
StatusName = Literal["sent", "delivered", "read", "failed"]
# The Message resource's status values, onto what Agora tracks of an outgoing message.
STATUSES: dict[str, StatusName] = {
    "accepted": "sent",  # accepted, queued, scheduled, sending: Twilio has taken it on
    "scheduled": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "partially_delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}


def twilio_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Base64 HMAC-SHA1 of the URL followed by each sorted ``name + value``."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioForm(BaseModel):
    """The parameters Agora reads; Twilio adds others without notice."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    message_sid: str = Field(alias="MessageSid", min_length=1)
    sender: str = Field(alias="From", default="")
    recipient: str = Field(alias="To", default="")
    body: str | None = Field(alias="Body", default=None)
    num_media: int = Field(alias="NumMedia", default=0, ge=0)
    profile_name: str | None = Field(alias="ProfileName", default=None)
    latitude: float | None = Field(alias="Latitude", default=None)
    longitude: float | None = Field(alias="Longitude", default=None)
    address: str | None = Field(alias="Address", default=None)
    label: str | None = Field(alias="Label", default=None)
    replied_sid: str | None = Field(alias="OriginalRepliedMessageSid", default=None)
    message_status: str | None = Field(alias="MessageStatus", default=None)
    error_code: str | None = Field(alias="ErrorCode", default=None)


class TwilioAdapter(Adapter):
    content_types: tuple[str, ...] = ("application/x-www-form-urlencoded",)

    def acknowledge(self, result: ParseResult) -> Acknowledgement | None:
        """An empty TwiML document: receive, never auto-reply."""
        return Acknowledgement(body=EMPTY_TWIML, media_type="text/xml")

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        received = required_header(request, HEADER)
        try:
            params = _params(request.body)
        except InvalidInput as error:
            raise Unauthorized("invalid_signature", "The body is not UTF-8 form data.") from error
        token = ctx.secrets[CONNECTION_FIELD]
        for url in _url_variants(ctx.public_url or request.url):
            if signatures_match(twilio_signature(token, url, params), received.strip()):
                return
        raise Unauthorized("invalid_signature", "The request does not match its signature.")

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        params = _params(request.body)
        fields = dict(params)  # Twilio sends each parameter once
        try:
            form = TwilioForm.model_validate(fields)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise InvalidInput("invalid_payload", f"{where}: {first['msg']}") from error
        if "Body" not in fields and form.message_status is not None:
            return _status_result(form, ctx)
        return ParseResult(interactions=[to_interaction(form, fields, ctx)])


def _params(body: bytes) -> list[tuple[str, str]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput("invalid_payload", "body: not UTF-8 form data") from error
    return parse_qsl(text, keep_blank_values=True)


def _url_variants(url: str) -> list[str]:
    """The URL as given, then with its default port added or removed.

    Twilio's own validators accept both, since Twilio has signed both forms.
    """
    parts = urlsplit(url)
    default = DEFAULT_PORTS.get(parts.scheme)
    if default is None or parts.hostname is None:
        return [url]
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    if parts.port is None:
        other = parts._replace(netloc=f"{prefix}{host}:{default}")
    elif parts.port == default:
        other = parts._replace(netloc=f"{prefix}{host}")
    else:
        return [url]
    return [url, urlunsplit(other)]


def _channel(*numbers: str) -> Channel:
    return Channel.WHATSAPP if any(n.startswith(WHATSAPP_PREFIX) for n in numbers) else Channel.SMS


def _number(address: str) -> str:
    return address.removeprefix(WHATSAPP_PREFIX)


def to_interaction(form: TwilioForm, fields: dict[str, str], ctx: ConnectionContext) -> Interaction:
    channel = _channel(form.sender)
    sender = _number(form.sender)
    if not sender:
        raise InvalidInput("invalid_payload", "From: Field required")
    return ctx.interaction(
        channel=channel,
        kind=Kind.DIRECT_MESSAGE if channel is Channel.WHATSAPP else Kind.SMS,
        message_id=form.message_sid,
        conversation_id=sender,
        parent_id=form.replied_sid or None,
        author=Author(id=sender, display_name=form.profile_name or None),
        text=form.body or "",
        attachments=_media(form.num_media, fields),
        location=_location(form),
        created_at=ctx.received_at,  # Twilio sends no timestamp with a message
    )


def _media(count: int, fields: dict[str, str]) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for index in range(count):
        url = fields.get(f"MediaUrl{index}")
        if not url:
            continue
        last = urlsplit(url).path.rstrip("/").rpartition("/")[2]
        found.append(
            Attachment(
                url=url,
                media_type=fields.get(f"MediaContentType{index}") or None,
                platform_media_id=last if last.startswith("ME") else None,
            )
        )
    return tuple(found)


def _location(form: TwilioForm) -> Location | None:
    if form.latitude is None or form.longitude is None:
        return None
    label, street = form.label or "", form.address or ""
    address = street if label in street else ", ".join(p for p in (label, street) if p)
    return Location(latitude=form.latitude, longitude=form.longitude, address=address or None)


def _status_result(form: TwilioForm, ctx: ConnectionContext) -> ParseResult:
    status = form.message_status or ""
    mapped = STATUSES.get(status)
    if mapped is None:
        return ParseResult(ignored=[Ignored("unsupported", f"twilio message status: {status}")])
    error = (form.error_code or status) if mapped == "failed" else None
    delivery = DeliveryStatus(
        channel=_channel(form.sender, form.recipient),
        platform_message_id=form.message_sid,
        status=mapped,
        at=ctx.received_at,
        recipient_id=_number(form.recipient) or None,
        error=error,
    )
    return ParseResult(statuses=[delivery])
