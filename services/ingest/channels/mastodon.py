"""Mastodon: admin webhooks (``status.created``/``status.updated``) and polled notifications.

A webhook delivery is ``{"event", "created_at", "object"}`` where ``object`` is the Status
entity, signed ``X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>``
(docs.joinmastodon.org/admin/webhooks/). Mastodon fires status webhooks for statuses written
on its own server only, so citizens on other servers reach the agency through polling:
``GET /api/v1/notifications`` returns Notification entities, read by ``parse_notifications``.

A status becomes an interaction when it mentions or replies to the agency's account
(``ctx.account_id`` or ``ctx.account_handle``); the agency's own statuses are echoes.
"""

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from services.ingest.channels.base import (
    Adapter,
    ConnectionContext,
    Edit,
    Ignored,
    ParseResult,
    WebhookRequest,
    hmac_hex,
    required_header,
    signatures_match,
)
from services.ingest.channels.mastodon_payloads import (
    MediaAttachment,
    Notification,
    Status,
    WebhookEvent,
    html_to_text,
)
from services.ingest.channels.payloads import describe
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Channel, Interaction, Kind

HEADER = "x-hub-signature"
CONNECTION_FIELD = "secret_env"
STATUS_EVENTS = frozenset({"status.created", "status.updated"})
REACTIONS = frozenset({"favourite", "reblog"})
MEDIA_TYPES = {"image": "image", "gifv": "video", "video": "video", "audio": "audio"}
_NOTIFICATIONS = TypeAdapter(list[Notification])


class MastodonAdapter(Adapter):
    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        received = required_header(request, HEADER)
        expected = "sha256=" + hmac_hex(ctx.secrets[CONNECTION_FIELD], request.body)
        if not signatures_match(expected, received.strip().lower()):
            raise Unauthorized("invalid_signature", "The body does not match its signature.")

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        """A webhook event, or a polled notifications list (a JSON array: saved or replayed)."""
        if request.body.lstrip().startswith(b"["):
            try:
                notifications = json.loads(request.body)
            except ValueError as error:
                raise InvalidInput("invalid_payload", f"body: not JSON: {error}") from error
            return parse_notifications(notifications, ctx)
        try:
            event = WebhookEvent.model_validate_json(request.body)
        except ValidationError as error:
            raise InvalidInput("invalid_payload", describe(error)) from error
        if event.event not in STATUS_EVENTS:
            return ParseResult(ignored=[Ignored("unsupported", f"mastodon event: {event.event}")])
        try:
            status = Status.model_validate(event.object)
        except ValidationError as error:
            raise InvalidInput("invalid_payload", describe(error, "object")) from error
        item = classify(status, ctx)
        if isinstance(item, Ignored):
            return ParseResult(ignored=[item])
        if event.event == "status.updated":
            edited_at = status.edited_at or event.created_at or ctx.received_at
            return ParseResult(edits=[Edit(interaction=item, edited_at=edited_at)])
        return ParseResult(interactions=[item])


def parse_notifications(notifications: list[dict[str, Any]], ctx: ConnectionContext) -> ParseResult:
    """Polling mode: the entities returned by ``GET /api/v1/notifications``, oldest or newest first.

    Only ``mention`` notifications become interactions; ``update`` (an edited status the
    agency was mentioned in) becomes an edit; the rest are acknowledged and counted.
    """
    try:
        parsed = _NOTIFICATIONS.validate_python(notifications)
    except ValidationError as error:
        raise InvalidInput("invalid_payload", describe(error)) from error
    interactions: list[Interaction] = []
    edits: list[Edit] = []
    ignored: list[Ignored] = []
    for notification in parsed:
        status = notification.status
        if notification.type in REACTIONS:
            ignored.append(Ignored("reaction", f"mastodon notification: {notification.type}"))
        elif notification.type not in ("mention", "update") or status is None:
            ignored.append(Ignored("unsupported", f"mastodon notification: {notification.type}"))
        elif isinstance(item := classify(status, ctx, mentioned=True), Ignored):
            ignored.append(item)
        elif notification.type == "update":
            edited_at = status.edited_at or notification.created_at or ctx.received_at
            edits.append(Edit(interaction=item, edited_at=edited_at))
        else:
            interactions.append(item)
    return ParseResult(interactions=interactions, edits=edits, ignored=ignored)


def classify(
    status: Status, ctx: ConnectionContext, *, mentioned: bool = False
) -> Interaction | Ignored:
    """The interaction a status is for the agency, or why it is none.

    ``mentioned``: the server already said the status mentions the agency (a notification).
    """
    if _is_agency(status.account.id, status.account.acct, ctx):
        return Ignored("echo", "status by the agency's account")
    if status.reblog is not None:
        return Ignored("reaction", "boost")
    addressed = (
        mentioned
        or (ctx.account_id is not None and status.in_reply_to_account_id == ctx.account_id)
        or any(_is_agency(m.id, m.acct, ctx) for m in status.mentions)
    )
    if not addressed:
        return Ignored("unsupported", "status does not mention the agency")
    return to_interaction(status, ctx)


def _is_agency(account_id: str, acct: str, ctx: ConnectionContext) -> bool:
    if ctx.account_id is not None and account_id == ctx.account_id:
        return True
    if not ctx.account_handle or not acct:
        return False
    handle = ctx.account_handle.lstrip("@").lower()
    seen = acct.lstrip("@").lower()
    # The server names its own accounts without a domain: "agency" is "agency@city.social" there.
    return seen == handle or ("@" in handle and seen == handle.partition("@")[0])


def to_interaction(status: Status, ctx: ConnectionContext) -> Interaction:
    return ctx.interaction(
        channel=Channel.MASTODON,
        kind=_kind(status),
        message_id=status.id,
        conversation_id=_conversation(status),
        parent_id=status.in_reply_to_id,
        author=Author(
            id=status.account.id,
            handle=status.account.acct or status.account.username or None,
            display_name=status.account.display_name or None,
        ),
        text=_text(status),
        attachments=tuple(_attachment(m) for m in status.media_attachments),
        language_hint=status.language,
        created_at=status.created_at,
        received_at=ctx.received_at,
    )


def _kind(status: Status) -> Kind:
    # A "direct" status is a private message: a public answer would disclose it.
    if status.visibility == "direct":
        return Kind.DIRECT_MESSAGE
    return Kind.REPLY if status.in_reply_to_id else Kind.MENTION


def _conversation(status: Status) -> str:
    """The thread when the server names it, else the status answered, else the status."""
    if status.pleroma is not None and status.pleroma.conversation_id:
        return status.pleroma.conversation_id
    return status.in_reply_to_id or status.id


def _text(status: Status) -> str:
    body = html_to_text(status.content)
    warning = status.spoiler_text.strip()  # a content warning is part of what was said
    return f"{warning}\n\n{body}".strip() if warning else body


def _attachment(media: MediaAttachment) -> Attachment:
    return Attachment(
        url=media.url or media.remote_url,
        media_type=MEDIA_TYPES.get(media.type),
        platform_media_id=media.id,
        caption=media.description,
    )
