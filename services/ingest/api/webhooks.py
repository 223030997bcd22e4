"""``/webhooks/{channel}/{connection_id}``: platform deliveries (POST) and handshakes (GET)."""

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from services.ingest import usecases
from services.ingest.api.deps import IngestContext, IngestDep
from services.ingest.channels import ADAPTERS, ChannelAdapter
from services.ingest.channels.base import ConnectionContext, WebhookRequest
from services.ingest.ratelimit import retry_after_header
from services.ingest.store import INTERACTIONS
from shared.clock import utc_now
from shared.config import Connection
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


def _resolve(
    ingest: IngestContext, channel: str, connection_id: str
) -> tuple[ChannelAdapter, Connection, ConnectionContext]:
    found = ingest.config.find_connection(connection_id)
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
        agency_id=agency.id, connection_id=connection.id, secrets=secrets, received_at=utc_now()
    )
    return adapter, connection, ctx


async def _read_body(request: Request, limit: int) -> bytes:
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


def _webhook_request(request: Request, body: bytes) -> WebhookRequest:
    return WebhookRequest(
        method=request.method,
        url=str(request.url),
        headers={k.lower(): v for k, v in request.headers.items()},
        query=dict(request.query_params),
        body=body,
        content_type=request.headers.get("content-type", "").split(";")[0].strip().lower(),
    )


@router.post("/webhooks/{channel}/{connection_id}", summary="Receive a platform delivery")
async def receive_webhook(
    channel: str, connection_id: str, request: Request, ingest: IngestDep
) -> JSONResponse:
    """Verify the signature over the raw body, store durably, publish, then answer 200."""
    try:
        adapter, connection, ctx = _resolve(ingest, channel, connection_id)
        wait = ingest.limiter.acquire(
            connection_id, rate=connection.rate_limit_per_s, now=time.monotonic()
        )
        if wait:
            raise RateLimited(
                "rate_limited",
                f"Too many requests for connection {connection_id!r}.",
                retry_after_s=retry_after_header(wait),
            )
        body = await _read_body(request, ingest.settings.max_body_bytes)
        webhook = _webhook_request(request, body)
        if webhook.content_type not in adapter.content_types:
            raise UnsupportedMediaType(
                "unsupported_media_type",
                f"Expected {' or '.join(adapter.content_types)}, got "
                f"{webhook.content_type or 'no content type'}.",
            )
        accepted = await usecases.accept_webhook(
            webhook,
            ctx,
            adapter=adapter,
            store=ingest.store,
            outbox=ingest.outbox,
            collection=INTERACTIONS,
            publish_timeout_s=ingest.settings.publish_timeout_s,
            now=utc_now(),
        )
    except AgoraError as error:
        ingest.instruments.rejected.labels(
            channel if channel in ADAPTERS else "unknown", error.code
        ).inc()
        raise
    new = len(accepted.interaction_ids) - accepted.duplicates
    ingest.instruments.received.labels(ctx.agency_id, channel).inc(new)
    ingest.instruments.duplicates.labels(ctx.agency_id, channel).inc(accepted.duplicates)
    return JSONResponse(
        {
            "status": "accepted",
            "interaction_ids": accepted.interaction_ids,
            "duplicates": accepted.duplicates,
            "ignored": accepted.ignored,
            "published": accepted.published,
        }
    )


@router.get("/webhooks/{channel}/{connection_id}", summary="Answer a platform handshake")
async def handshake(
    channel: str, connection_id: str, request: Request, ingest: IngestDep
) -> Response:
    adapter, _, ctx = _resolve(ingest, channel, connection_id)
    answer = adapter.handshake(_webhook_request(request, b""), ctx)
    if answer is None:
        raise NotFound("no_handshake", f"The {channel} channel has no GET handshake.")
    return PlainTextResponse(answer)
