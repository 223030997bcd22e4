"""Meta webhooks: Facebook Page feed, Messenger, Instagram and the WhatsApp Cloud API.

Handshake: ``GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`` answered with the
challenge. Signature: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``.
One delivery batches ``entry`` items, each with ``changes`` and/or ``messaging``; every change,
messaging event, WhatsApp message and status becomes its own result item.

Read receipts: Messenger's ``read`` (and a ``delivery`` without ``mids``) names no message, only
a watermark meaning "everything sent up to this time". It becomes one status whose
``platform_message_id`` is ``"watermark:<milliseconds>"``, for the sender as ``recipient_id``.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from services.ingest.channels import meta_payloads as p
from services.ingest.channels.base import (
    Acknowledgement,
    Adapter,
    ConnectionContext,
    Deletion,
    DeliveryStatus,
    Edit,
    Ignored,
    ParseResult,
    WebhookRequest,
    hmac_hex,
    required_header,
    signatures_match,
)
from shared.errors import Forbidden, InvalidInput, Unauthorized
from shared.events import Attachment, Author, Channel, Interaction, Kind, Location

SIGNATURE_HEADER = "x-hub-signature-256"
Item = Interaction | Edit | Deletion | DeliveryStatus | Ignored
POST_ITEMS = frozenset({"status", "post", "photo", "video", "share"})
State = Literal["sent", "delivered", "read", "failed"]
STATES: dict[str, State] = {state: state for state in get_args(State)}


@dataclass(frozen=True)
class _Scope:
    """Where an item sits in the delivery: channel, path for errors, fallback time, own ids."""

    ctx: ConnectionContext
    channel: Channel
    where: str
    sent_at: datetime  # entry.time when given, else the reception time
    own_ids: frozenset[str]  # the agency's account: its own posts and comments are echoes

    def interaction(
        self,
        kind: Kind,
        message_id: str,
        conversation_id: str,
        created_at: datetime | None,
        *,
        parent_id: str | None = None,
        author: Author | None = None,
        text: str = "",
        attachments: Iterable[Attachment] = (),
        location: Location | None = None,
    ) -> Interaction:
        return self.ctx.interaction(
            channel=self.channel,
            kind=kind,
            message_id=message_id,
            conversation_id=conversation_id,
            parent_id=parent_id,
            author=author,
            text=text,
            attachments=tuple(attachments),
            location=location,
            created_at=created_at or self.sent_at,
        )


def _need(value: str | None, where: str) -> str:
    if not value:
        raise InvalidInput("invalid_payload", f"{where}: Field required")
    return value


class MetaAdapter(Adapter):
    def handshake(self, request: WebhookRequest, ctx: ConnectionContext) -> Acknowledgement | None:
        mode, token, challenge = (
            request.query.get(f"hub.{name}", "") for name in ("mode", "verify_token", "challenge")
        )
        for name, value in (("mode", mode), ("verify_token", token), ("challenge", challenge)):
            if not value:
                raise InvalidInput("invalid_handshake", f"hub.{name}: Field required")
        if mode != "subscribe":
            raise InvalidInput("invalid_handshake", "hub.mode: expected 'subscribe'")
        if not signatures_match(ctx.secrets["verify_token_env"], token):
            raise Forbidden("invalid_verify_token", "The verify token does not match.")
        return Acknowledgement(body=challenge.encode(), media_type="text/plain")

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        received = required_header(request, SIGNATURE_HEADER)
        expected = "sha256=" + hmac_hex(ctx.secrets["app_secret_env"], request.body)
        if not signatures_match(expected, received.strip()):
            raise Unauthorized("invalid_signature", "The body does not match its signature.")

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        items = list(_delivery(p.validated(p.Envelope, request.body, ""), ctx))
        return ParseResult(
            interactions=[i for i in items if isinstance(i, Interaction)],
            edits=[i for i in items if isinstance(i, Edit)],
            deletions=[i for i in items if isinstance(i, Deletion)],
            statuses=[i for i in items if isinstance(i, DeliveryStatus)],
            ignored=[i for i in items if isinstance(i, Ignored)],
        )


def _delivery(envelope: p.Envelope, ctx: ConnectionContext) -> Iterator[Item]:
    social = {"page": Channel.FACEBOOK, "instagram": Channel.INSTAGRAM}.get(envelope.object)
    if social is None and envelope.object != "whatsapp_business_account":
        yield Ignored("unsupported", f"object {envelope.object}")
        return
    for i, entry in enumerate(envelope.entry):
        own = frozenset(x for x in (ctx.account_id, entry.id) if x)
        sent_at = entry.time or ctx.received_at
        for j, change in enumerate(entry.changes):
            where = f"entry.{i}.changes.{j}.value"
            if social is None:
                yield from _whatsapp(change, _Scope(ctx, Channel.WHATSAPP, where, sent_at, own))
            elif social is Channel.FACEBOOK:
                yield from _feed(change, _Scope(ctx, social, where, sent_at, own))
            else:
                yield from _instagram(change, _Scope(ctx, social, where, sent_at, own))
        chat = Channel.MESSENGER if social is Channel.FACEBOOK else Channel.INSTAGRAM
        for k, event in enumerate(entry.messaging):
            yield from _messaging(
                event, _Scope(ctx, chat, f"entry.{i}.messaging.{k}", sent_at, own)
            )


def _feed(change: p.Change, scope: _Scope) -> Iterator[Item]:
    if change.field != "feed":
        yield Ignored("unsupported", f"page field {change.field}")
        return
    value = p.validated(p.FeedValue, change.value, scope.where)
    if value.item in ("reaction", "like"):
        yield Ignored("reaction", f"feed {value.item}")
        return
    if value.item != "comment" and value.item not in POST_ITEMS:
        yield Ignored("unsupported", f"feed item {value.item}")
        return
    post_id = _need(value.post_id, f"{scope.where}.post_id")
    message_id = post_id
    if value.item == "comment":
        message_id = _need(value.comment_id, f"{scope.where}.comment_id")
    if value.verb in ("remove", "delete"):
        yield Deletion(scope.channel, message_id, scope.sent_at)
        return
    if value.verb not in ("add", "edited"):
        yield Ignored("unsupported", f"feed {value.item} {value.verb}")
        return
    author_id = value.sender.id if value.sender else value.sender_id
    if author_id in scope.own_ids:
        yield Ignored("echo", f"the page's own {value.item}")
        return
    kind, parent_id = Kind.POST, None
    if value.item == "comment":
        parent_id = value.parent_id or post_id
        kind = Kind.COMMENT if parent_id == post_id else Kind.REPLY
    interaction = scope.interaction(
        kind,
        message_id,
        post_id,
        value.created_time,
        parent_id=parent_id,
        author=value.author(),
        text=value.message,
        attachments=value.media(),
    )
    yield Edit(interaction, scope.sent_at) if value.verb == "edited" else interaction


def _instagram(change: p.Change, scope: _Scope) -> Iterator[Item]:
    if change.field in ("comments", "live_comments"):
        comment = p.validated(p.InstagramComment, change.value, scope.where)
        media_id = _need(comment.media.id if comment.media else None, f"{scope.where}.media.id")
        if comment.sender and comment.sender.id in scope.own_ids:
            yield Ignored("echo", "the account's own comment")
            return
        author = comment.sender
        yield scope.interaction(
            Kind.REPLY if comment.parent_id else Kind.COMMENT,
            comment.id,
            media_id,
            None,  # comment notifications carry no time of their own: entry.time
            parent_id=comment.parent_id or media_id,
            author=author.author() if author else None,
            text=comment.text,
        )
    elif change.field == "mentions":
        mention = p.validated(p.InstagramMention, change.value, scope.where)
        yield scope.interaction(
            Kind.MENTION,
            mention.comment_id or mention.media_id,
            mention.media_id,
            None,  # the notification names the comment or media only: no text, no author
            parent_id=mention.media_id if mention.comment_id else None,
        )
    else:
        yield Ignored("unsupported", f"instagram field {change.field}")


def _messaging(event: p.Messaging, scope: _Scope) -> Iterator[Item]:
    at, message, receipt = (
        event.timestamp or scope.sent_at,
        event.message,
        event.delivery or event.read,
    )
    if not (message or event.message_edit or receipt or event.reaction is not None):
        yield Ignored("unsupported", "messaging event")
        return
    sender = _need(event.sender.id if event.sender else None, f"{scope.where}.sender.id")
    if (message and message.is_echo) or sender in scope.own_ids:
        yield Ignored("echo", "the account's own message")
    elif message and message.is_deleted:
        yield Deletion(scope.channel, message.mid, at)
    elif message and message.is_unsupported:
        yield Ignored("unsupported", "a message the platform cannot show")
    elif message:
        yield scope.interaction(
            Kind.DIRECT_MESSAGE,
            message.mid,
            sender,
            at,
            parent_id=message.reply_to.mid if message.reply_to else None,
            author=Author(id=sender),
            text=message.text,
            attachments=message.media(),
        )
    elif event.message_edit:
        edit = event.message_edit
        yield Edit(scope.interaction(Kind.DIRECT_MESSAGE, edit.mid, sender, at, text=edit.text), at)
    elif receipt:
        yield from _receipts(receipt, "delivered" if event.delivery else "read", sender, at, scope)
    else:
        yield Ignored("reaction", "message reaction")


def _receipts(
    receipt: p.Receipt,
    status: Literal["delivered", "read"],
    sender: str,
    at: datetime,
    scope: _Scope,
) -> Iterator[Item]:
    mids = receipt.mids or ([receipt.mid] if receipt.mid else [])
    if not mids and receipt.watermark is None:
        yield Ignored("unsupported", f"{status} receipt without mids or watermark")
        return
    for mid in mids or [f"watermark:{receipt.watermark}"]:
        yield DeliveryStatus(scope.channel, mid, status, at, recipient_id=sender)


def _whatsapp(change: p.Change, scope: _Scope) -> Iterator[Item]:
    if change.field != "messages":
        echo = change.field == "smb_message_echoes"
        yield Ignored("echo" if echo else "unsupported", f"whatsapp field {change.field}")
        return
    value = p.validated(p.WhatsAppValue, change.value, scope.where)
    names = {c.wa_id: c.profile.name for c in value.contacts if c.wa_id and c.profile}
    for message in value.messages:
        yield _whatsapp_message(message, names.get(message.sender), scope)
    for status in value.statuses:
        if status.status not in STATES:
            yield Ignored("unsupported", f"whatsapp status {status.status}")
            continue
        yield DeliveryStatus(
            Channel.WHATSAPP,
            status.id,
            STATES[status.status],
            status.timestamp or scope.sent_at,
            recipient_id=status.recipient_id,
            error=status.error(),
        )


def _whatsapp_message(message: p.WhatsAppMessage, name: str | None, scope: _Scope) -> Item:
    if message.type == "reaction":
        return Ignored("reaction", "whatsapp reaction")
    content = message.content()
    if content is None:
        return Ignored("unsupported", f"whatsapp message type {message.type}")
    text, attachments, location = content
    return scope.interaction(
        Kind.DIRECT_MESSAGE,
        message.id,
        message.sender,
        message.timestamp,
        parent_id=message.context.id if message.context else None,
        author=Author(id=message.sender, display_name=name),
        text=text,
        attachments=attachments,
        location=location,
    )
