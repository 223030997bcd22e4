"""``/webhooks/{channel}/{connection_id}``: platform deliveries (POST) and handshakes (GET)."""

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from services.ingest import usecases
from services.ingest.api.deps import IngestContext, IngestDep, get_ingest
from services.ingest.channels import ADAPTERS, ChannelAdapter
from services.ingest.channels.base import (
    Acknowledgement,
    ConnectionContext,
    ParseResult,
    WebhookRequest,
)
from services.ingest.ratelimit import retry_after_header
from shared.clock import utc_now
from shared.config import AgoraConfig, Connection
from shared.errors import (
    AgoraError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unavailable,
    UnsupportedMediaType,
)
from shared.secrets import connection_secrets

router = APIRouter(tags=["webhooks"])


def resolve_connection(
    config: AgoraConfig, channel: str, connection_id: str
) -> tuple[ChannelAdapter, Connection, ConnectionContext]:
    """The adapter, the configured connection and its context (secrets read here)."""
    found = config.find_connection(connection_id)
    adapter = ADAPTERS.get(channel)
    if found is None or adapter is None or found[1].channel != channel:
        raise NotFound("unknown_connection", f"No {channel} connection named {connection_id!r}.")
    agency, connection = found
    secrets, missing = connection_secrets(connection)
    if missing:
        raise Unavailable(
            "connection_misconfigured",
            f"Connection {connection_id!r} has no secret: set {', '.join(missing)}.",
        )
    ctx = ConnectionContext(
        agency_id=agency.id,
        connection_id=connection.id,
        secrets=secrets,
        received_at=utc_now(),
        public_url=connection.public_url,
        account_id=connection.account_id,
        account_handle=connection.account_handle,
    )
    return adapter, connection, ctx


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge("payload_too_large", f"The body exceeds {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge("payload_too_large", f"The body exceeds {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def webhook_request(request: Request, body: bytes) -> WebhookRequest:
    return WebhookRequest(
        method=request.method,
        url=str(request.url),
        headers={k.lower(): v for k, v in request.headers.items()},
        query=dict(request.query_params),
        body=body,
        content_type=request.headers.get("content-type", "").split(";")[0].strip().lower(),
    )


def _answer(ack: Acknowledgement | None, default: dict[str, object]) -> Response:
    if ack is None:
        return JSONResponse(default)
    return Response(ack.body, status_code=ack.status_code, media_type=ack.media_type)


def check_rate(ingest: IngestContext, connection: Connection) -> None:
    wait = ingest.limiter.acquire(
        connection.id, rate=connection.rate_limit_per_s, now=time.monotonic()
    )
    if wait:
        raise RateLimited(
            "rate_limited",
            f"Too many requests for connection {connection.id!r}.",
            retry_after_s=retry_after_header(wait),
        )


async def receive_webhook(request: Request) -> Response:
    """``POST /webhooks/{channel}/{connection_id}``: verify the signature over the raw body,
    store durably, publish, then answer as the platform expects.

    A verified payload that cannot be parsed is quarantined: platforms get their usual 200
    (so they never disable the webhook); the generic channel gets 422 naming the problem.
    A plain Starlette route: this is the hot path, and FastAPI's dependency machinery costs
    more than the rest of the request (bench/ingest_webhooks.py).
    """
    channel = request.path_params["channel"]
    connection_id = request.path_params["connection_id"]
    ingest = get_ingest(request)
    label = channel if channel in ADAPTERS else "unknown"
    try:
        adapter, connection, ctx = resolve_connection(ingest.config, channel, connection_id)
        webhook = webhook_request(request, await read_body(request, ingest.settings.max_body_bytes))
        if webhook.content_type not in adapter.content_types:
            raise UnsupportedMediaType(
                "unsupported_media_type",
                f"Expected {' or '.join(adapter.content_types)}, got "
                f"{webhook.content_type or 'no content type'}.",
            )
        # Verified before the rate limit: unsigned traffic cannot spend the platform's budget.
        adapter.verify(webhook, ctx)
        check_rate(ingest, connection)
        accepted = await ingest.accept(webhook, ctx, adapter, verify=False)
    except usecases.Quarantined as quarantined:
        ingest.instruments.quarantined.labels(ctx.agency_id, label).inc()
        if getattr(adapter, "refuse_malformed", False):
            raise
        return _answer(
            adapter.acknowledge(ParseResult()),
            {"status": "quarantined", "quarantine_id": quarantined.quarantine_id},
        )
    except AgoraError as error:
        ingest.instruments.rejected.labels(label, error.code).inc()
        raise
    ingest.instruments.count(accepted, agency=ctx.agency_id, channel=label)
    return _answer(
        adapter.acknowledge(accepted.parsed),
        {
            "status": "accepted",
            "interaction_ids": accepted.interaction_ids,
            "duplicates": accepted.duplicates,
            "edits": accepted.edits,
            "statuses": accepted.statuses,
            "deletions": accepted.deletions,
            "ignored": accepted.ignored,
            "published": accepted.published,
        },
    )


@router.get("/webhooks/{channel}/{connection_id}", summary="Answer a platform handshake")
async def handshake(
    channel: str, connection_id: str, request: Request, ingest: IngestDep
) -> Response:
    """Meta's ``hub.challenge`` and X's CRC ``crc_token`` verifications."""
    adapter, _, ctx = resolve_connection(ingest.config, channel, connection_id)
    answer = adapter.handshake(webhook_request(request, b""), ctx)
    if answer is None:
        raise NotFound("no_handshake", f"The {channel} channel has no GET handshake.")
    ingest.instruments.other_events.labels(ctx.agency_id, channel, "verification").inc()
    return _answer(answer, {})


router.routes.append(
    Route("/webhooks/{channel}/{connection_id}", receive_webhook, methods=["POST"])
)
