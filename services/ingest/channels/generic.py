"""Generic JSON webhook for any other source, signed with HMAC-SHA256 over the raw body.

Header: ``X-Agora-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>``.
Body: one message object, or ``{"messages": [...]}`` with several (schema: ``GenericMessage``).
A message with ``edited_at`` is a new version of an earlier one; ``"deleted": true`` retracts it.
"""

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Discriminator, Field, Tag, TypeAdapter, ValidationError

from services.ingest.channels.base import (
    Adapter,
    ConnectionContext,
    Deletion,
    Edit,
    ParseResult,
    WebhookRequest,
    hmac_hex,
    required_header,
    signatures_match,
)
from services.ingest.channels.payloads import Payload, describe
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Channel, Interaction, Kind, Location

SIGNATURE_HEADER = "x-agora-signature-256"


class GenericAuthor(Payload):
    id: str = Field(min_length=1, max_length=256)
    handle: str | None = None
    name: str | None = None


class GenericMessage(Payload):
    message_id: str = Field(min_length=1, max_length=256, description="The source's own id.")
    conversation_id: str | None = Field(default=None, max_length=256)
    kind: Kind = Kind.COMMENT
    text: str = Field(default="", max_length=20_000)
    author: GenericAuthor | None = None
    created_at: AwareDatetime | None = None
    parent_id: str | None = None
    attachments: list[Attachment] = []
    location: Location | None = None
    language: str | None = Field(default=None, max_length=16)
    edited_at: AwareDatetime | None = Field(
        default=None, description="Set when this is a new version of an earlier message."
    )
    deleted: bool = Field(default=False, description="The author deleted the message.")


class GenericBatch(Payload):
    messages: list[GenericMessage] = Field(min_length=1, max_length=500)


# One message, or a batch: an object with a "messages" key, wherever the key stands.
_BODY: TypeAdapter[GenericBatch | GenericMessage] = TypeAdapter(
    Annotated[
        Annotated[GenericBatch, Tag("batch")] | Annotated[GenericMessage, Tag("message")],
        Discriminator(lambda v: "batch" if isinstance(v, dict) and "messages" in v else "message"),
    ]
)


class GenericAdapter(Adapter):
    # Our own documented schema: the sender is told what is wrong (422) rather than 200.
    refuse_malformed = True

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        received = required_header(request, SIGNATURE_HEADER)
        expected = "sha256=" + hmac_hex(ctx.secrets["secret_env"], request.body)
        if not signatures_match(expected, received.strip()):
            raise Unauthorized("invalid_signature", "The body does not match its signature.")

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        try:
            body = _BODY.validate_json(request.body)
        except ValidationError as error:
            detail = describe(error).removeprefix("message.").removeprefix("batch.")
            raise InvalidInput("invalid_payload", detail) from error
        messages = body.messages if isinstance(body, GenericBatch) else [body]
        result = ParseResult()
        for message in messages:
            if message.deleted:
                deleted_at = message.edited_at or ctx.received_at
                result.deletions.append(Deletion(Channel.GENERIC, message.message_id, deleted_at))
            elif message.edited_at is not None:
                result.edits.append(Edit(to_interaction(message, ctx), message.edited_at))
            else:
                result.interactions.append(to_interaction(message, ctx))
        return result


def to_interaction(message: GenericMessage, ctx: ConnectionContext) -> Interaction:
    created_at: datetime = message.created_at or ctx.received_at
    return ctx.interaction(
        channel=Channel.GENERIC,
        kind=message.kind,
        message_id=message.message_id,
        conversation_id=message.conversation_id or message.message_id,
        parent_id=message.parent_id,
        author=(
            Author(
                id=message.author.id, handle=message.author.handle, display_name=message.author.name
            )
            if message.author
            else None
        ),
        text=message.text,
        attachments=tuple(message.attachments),
        location=message.location,
        language_hint=message.language,
        created_at=created_at,
        received_at=ctx.received_at,
    )
