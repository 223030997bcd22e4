"""X (Twitter) webhooks: the CRC handshake, ``x-twitter-webhooks-signature``, three payloads.

Both checks are base64 HMAC-SHA256 keyed with the app's consumer secret, prefixed ``sha256=``:
over the ``crc_token`` of a ``GET`` (answered as ``{"response_token": ...}``), and over the raw
body of a ``POST`` (docs.x.com/x-api/webhooks/quickstart). A ``POST`` is one of:

- Account Activity API: ``{"for_user_id", "tweet_create_events" | "direct_message_events" |
  "favorite_events" | ...}`` with v1.1 objects;
- X Activity API: ``{"data": {"event_type", "filter", "payload", "includes"}}`` where
  ``post.create``/``post.mention.create`` carry a v2 Post and ``dm.*`` carry DM events;
- a bare v2 Post, ``{"data": {"id", "text", "author_id", ...}, "includes"}`` (filtered stream).
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from services.ingest.channels.base import (
    Acknowledgement,
    Adapter,
    ConnectionContext,
    Deletion,
    Ignored,
    ParseResult,
    WebhookRequest,
    required_header,
    signatures_match,
)
from services.ingest.channels.payloads import describe
from services.ingest.channels.x_payloads import AccountActivity, DirectMessages, V1Tweet
from services.ingest.channels.x_v2_payloads import ActivityEvent, StreamPost, V2Includes, V2Post
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Channel, Interaction, Kind, Location

HEADER = "x-twitter-webhooks-signature"
CONNECTION_FIELD = "consumer_secret_env"
NO_LANGUAGE = frozenset({"und", "zxx", "qme", "qht", "qam", "qct", "qst"})
Model = TypeVar("Model", bound=BaseModel)
IgnoredType = Literal["reaction", "unsupported"]


def x_signature(consumer_secret: str, message: bytes) -> str:
    """``sha256=`` + base64 HMAC-SHA256: the CRC response token and the body signature alike."""
    digest = hmac.new(consumer_secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


class XAdapter(Adapter):
    def handshake(self, request: WebhookRequest, ctx: ConnectionContext) -> Acknowledgement | None:
        token = request.query.get("crc_token")
        if not token:
            raise InvalidInput("missing_crc_token", "An X handshake carries a crc_token.")
        answer = {"response_token": x_signature(ctx.secrets[CONNECTION_FIELD], token.encode())}
        return Acknowledgement(body=json.dumps(answer).encode())

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        received = required_header(request, HEADER)
        expected = x_signature(ctx.secrets[CONNECTION_FIELD], request.body)
        if not signatures_match(expected, received.strip()):
            raise Unauthorized("invalid_signature", "The body does not match its signature.")

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        try:
            raw = json.loads(request.body)
        except ValueError as error:
            raise InvalidInput("invalid_payload", "body: not valid JSON") from error
        if not isinstance(raw, dict):
            raise InvalidInput("invalid_payload", "body: expected a JSON object")
        data = raw.get("data")
        if "for_user_id" in raw:
            return _account_activity(raw, ctx)
        if isinstance(data, dict) and "event_type" in data:
            return _activity_event(data, ctx)
        if isinstance(data, dict):
            stream = _validate(StreamPost, raw)
            return _one(_post(stream.data, stream.includes, ctx.account_id, ctx, mentioned=False))
        what = next(iter(raw), "empty")
        return ParseResult(ignored=[Ignored("unsupported", f"x payload: {what}")])


def _validate(model: type[Model], raw: object, prefix: str = "") -> Model:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise InvalidInput("invalid_payload", describe(error, prefix)) from error


def _one(item: Interaction | Ignored | Deletion) -> ParseResult:
    result = ParseResult()
    _add(result, item)
    return result


def _add(result: ParseResult, item: Interaction | Ignored | Deletion) -> None:
    if isinstance(item, Interaction):
        result.interactions.append(item)
    elif isinstance(item, Deletion):
        result.deletions.append(item)
    else:
        result.ignored.append(item)


def _account_activity(raw: dict[str, Any], ctx: ConnectionContext) -> ParseResult:
    activity = _validate(AccountActivity, raw)
    me = activity.for_user_id
    if ctx.account_id is not None and ctx.account_id != me:
        # One webhook may serve several subscribed accounts: the others' connections take these.
        return ParseResult(ignored=[Ignored("unsupported", "event for another subscribed account")])
    result = ParseResult()
    for tweet in activity.tweet_create_events:
        _add(result, _tweet(tweet, me, ctx))
    _direct_messages(activity, me, ctx, result)
    for deleted in activity.tweet_delete_events:
        if deleted.status.user_id == me:
            _add(result, Ignored("echo", "the agency deleted one of its posts"))
        else:
            at = deleted.timestamp_ms or ctx.received_at
            _add(result, Deletion(Channel.X, deleted.status.id, at))
    handled = {"tweet_create_events", "direct_message_events", "tweet_delete_events"}
    for key, value in raw.items():
        if key.endswith("_events") and key not in handled:
            reason: IgnoredType = "reaction" if key == "favorite_events" else "unsupported"
            for _ in value if isinstance(value, list) else [value]:
                _add(result, Ignored(reason, f"x account activity: {key}"))
    if not (result.interactions or result.deletions or result.ignored):
        _add(result, Ignored("unsupported", "x account activity without events"))
    return result


def _tweet(tweet: V1Tweet, me: str, ctx: ConnectionContext) -> Interaction | Ignored:
    if tweet.user.id_str == me:
        return Ignored("echo", "post by the agency's account")
    if tweet.retweeted_status is not None:
        return Ignored("reaction", "repost")
    parent = tweet.in_reply_to_status_id_str
    # A post that merely starts with "@agency" also names the agency in in_reply_to_user_id.
    if parent is not None and tweet.in_reply_to_user_id_str == me:
        kind = Kind.REPLY
    elif any(m.id_str == me for m in tweet.all_entities.user_mentions):
        kind = Kind.MENTION
    elif tweet.quoted_user_id == me:  # a quote of the agency's post: a comment on it
        kind, parent = Kind.COMMENT, tweet.quoted_status_id_str
    else:
        return Ignored("unsupported", "post neither mentions nor answers the agency")
    return _interaction(
        ctx,
        message_id=tweet.id_str,
        kind=kind,
        conversation_id=tweet.in_reply_to_status_id_str or tweet.id_str,
        parent_id=parent,
        author=Author(
            id=tweet.user.id_str, handle=tweet.user.screen_name, display_name=tweet.user.name
        ),
        text=tweet.whole_text,
        attachments=tuple(m.attachment() for m in tweet.media),
        location=tweet.location,
        language=tweet.lang,
        created_at=tweet.created_at,
    )


def _direct_messages(
    batch: DirectMessages, me: str | None, ctx: ConnectionContext, result: ParseResult
) -> None:
    for event in batch.direct_message_events:
        create = event.message_create
        if event.type != "message_create" or create is None:
            _add(result, Ignored("unsupported", f"x direct message event: {event.type}"))
            continue
        if create.sender_id == me:
            _add(result, Ignored("echo", "direct message sent by the agency"))
            continue
        user = batch.users.get(create.sender_id)
        author = user.author() if user else Author(id=create.sender_id)
        media = create.message_data.attachment.media if create.message_data.attachment else None
        interaction = _interaction(
            ctx,
            message_id=event.id,
            kind=Kind.DIRECT_MESSAGE,
            conversation_id=create.sender_id,  # the other participant
            parent_id=None,
            author=author,
            text=create.message_data.text,
            attachments=(media.attachment(),) if media else (),
            location=None,
            language=None,
            created_at=event.created_timestamp or ctx.received_at,
        )
        _add(result, interaction)


def _activity_event(data: dict[str, Any], ctx: ConnectionContext) -> ParseResult:
    event = _validate(ActivityEvent, data, "data")
    me = ctx.account_id or (str(event.filter["user_id"]) if "user_id" in event.filter else None)
    kind = event.event_type
    if kind in ("post.create", "post.mention.create"):
        post = _validate(V2Post, event.payload, "data.payload")
        mentioned = kind == "post.mention.create"
        return _one(_post(post, event.includes, me, ctx, mentioned=mentioned))
    if kind == "post.delete":
        post = _validate(V2Post, event.payload, "data.payload")
        if post.author_id is not None and post.author_id == me:
            return _one(Ignored("echo", "the agency deleted one of its posts"))
        return _one(Deletion(Channel.X, post.id, ctx.received_at))
    if kind in ("dm.received", "dm.sent"):
        result = ParseResult()
        _direct_messages(_validate(DirectMessages, event.payload, "data.payload"), me, ctx, result)
        return result
    reason: IgnoredType = "reaction" if kind.startswith("like.") else "unsupported"
    return _one(Ignored(reason, f"x activity event: {kind}"))


def _post(
    post: V2Post, includes: V2Includes, me: str | None, ctx: ConnectionContext, *, mentioned: bool
) -> Interaction | Ignored:
    if me is not None and post.author_id == me:
        return Ignored("echo", "post by the agency's account")
    refs = {r.type: r.id for r in post.referenced_tweets}
    if "retweeted" in refs:
        return Ignored("reaction", "repost")
    handle = (ctx.account_handle or "").lstrip("@").lower()
    names = post.entities.mentions if post.entities else []
    if "replied_to" in refs and me is not None and post.in_reply_to_user_id == me:
        kind = Kind.REPLY
    elif mentioned or any(
        (me is not None and m.id == me) or (handle and (m.username or "").lower() == handle)
        for m in names
    ):
        kind = Kind.MENTION
    else:
        kind = Kind.POST  # a post matched by a filter rule without naming the agency
    return _interaction(
        ctx,
        message_id=post.id,
        kind=kind,
        conversation_id=post.conversation_id or refs.get("replied_to") or post.id,
        parent_id=refs.get("replied_to") or refs.get("quoted"),
        author=includes.author(post.author_id),
        text=post.note_tweet.text if post.note_tweet else post.text,  # long posts: note_tweet
        attachments=includes.attachments(post),
        location=includes.location(post),
        language=post.lang,
        created_at=post.created_at or ctx.received_at,
    )


def _interaction(
    ctx: ConnectionContext,
    *,
    message_id: str,
    kind: Kind,
    conversation_id: str,
    parent_id: str | None,
    author: Author | None,
    text: str,
    attachments: tuple[Attachment, ...],
    location: Location | None,
    language: str | None,
    created_at: datetime,
) -> Interaction:
    return ctx.interaction(
        channel=Channel.X,
        kind=kind,
        message_id=message_id,
        conversation_id=conversation_id,
        parent_id=parent_id,
        author=author,
        text=text,
        attachments=attachments,
        location=location,
        language_hint=language if language and language not in NO_LANGUAGE else None,
        created_at=created_at,
    )
