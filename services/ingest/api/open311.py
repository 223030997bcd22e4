"""``/open311/v2``: Open311 GeoReport v2 ``services.json`` (GET) and ``requests.json`` (POST).

``POST requests.json`` finds its connection by ``api_key`` (form, or query): each open311
connection's ``api_keys_env`` names a variable holding comma-separated keys. The agency is that
connection's; ``jurisdiction_id``, if sent, must be its id. ``GET services.json`` needs no key:
``jurisdiction_id`` (an agency id) names the agency, and may be left out when a single agency
has an open311 connection. A request is verified, validated, stored and published by the same
use case as a webhook; every error is Open311's JSON array.
"""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.ingest.api.deps import IngestDep
from services.ingest.api.webhooks import check_rate, read_body, webhook_request
from services.ingest.channels import open311
from services.ingest.channels.base import ConnectionContext
from shared.clock import utc_now
from shared.config import Agency, AgoraConfig, Connection
from shared.errors import AgoraError, RateLimited, UnsupportedMediaType
from shared.secrets import connection_secrets

log = logging.getLogger(__name__)

router = APIRouter(prefix="/open311/v2", tags=["open311"])

CHANNEL = "open311"
JSON_UTF8 = "application/json; charset=utf-8"
SERVICE_NOTICE = "Received: the agency's team will review your request."


def _open311_error(error: AgoraError) -> JSONResponse:
    response = JSONResponse(open311.error_array(error), error.status, media_type=JSON_UTF8)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after_s)
    return response


def _open311_agencies(config: AgoraConfig) -> list[Agency]:
    return [a for a in config.agencies if any(c.channel == CHANNEL for c in a.connections)]


def _agency_of_jurisdiction(config: AgoraConfig, jurisdiction_id: str | None) -> Agency:
    agencies = _open311_agencies(config)
    if jurisdiction_id:
        found = next((a for a in agencies if a.id == jurisdiction_id), None)
        if found is None:
            raise open311.rejected(
                [open311.Problem(404, "unknown_jurisdiction", "jurisdiction_id was not found.")]
            )
        return found
    if len(agencies) != 1:
        raise open311.rejected(
            [open311.Problem(400, "missing_jurisdiction", "jurisdiction_id was not provided.")]
        )
    return agencies[0]


def _connection_of_key(
    config: AgoraConfig, api_key: str
) -> tuple[Agency, Connection, dict[str, str]] | None:
    """The first open311 connection holding the key; every connection is checked."""
    found: tuple[Agency, Connection, dict[str, str]] | None = None
    for agency in _open311_agencies(config):
        for connection in (c for c in agency.connections if c.channel == CHANNEL):
            secrets, missing = connection_secrets(connection)
            if missing:
                log.warning("connection_misconfigured", extra={"connection_id": connection.id})
                continue
            if open311.key_matches(api_key, secrets["api_keys_env"]) and found is None:
                found = (agency, connection, secrets)
    return found


@router.get("/services.json", summary="Open311 service list")
async def list_services(request: Request, ingest: IngestDep) -> JSONResponse:
    """One service per routing topic of the agency, plus ``other``."""
    try:
        agency = _agency_of_jurisdiction(ingest.config, request.query_params.get("jurisdiction_id"))
    except AgoraError as error:
        return _open311_error(error)
    services = open311.service_catalogue(agency)
    return JSONResponse([s.model_dump() for s in services], media_type=JSON_UTF8)


@router.post("/requests.json", summary="Create an Open311 service request")
async def create_service_request(request: Request, ingest: IngestDep) -> JSONResponse:
    """Key, jurisdiction and arguments are checked before anything is stored."""
    try:
        webhook = webhook_request(request, await read_body(request, ingest.settings.max_body_bytes))
        if webhook.content_type != open311.FORM:
            raise UnsupportedMediaType("unsupported_media_type", f"Expected {open311.FORM}.")
        form = open311.parse_form(webhook.body)
        key = open311.api_key_of(form, webhook.query)
        found = _connection_of_key(ingest.config, key) if key else None
        if found is None:
            raise open311.api_key_refused(missing=not key)
        agency, connection, secrets = found
        jurisdiction = form.get("jurisdiction_id") or webhook.query.get("jurisdiction_id")
        if jurisdiction and jurisdiction != agency.id:
            raise open311.rejected(
                [open311.Problem(404, "unknown_jurisdiction", "jurisdiction_id was not found.")]
            )
        check_rate(ingest, connection)
        ctx = ConnectionContext(
            agency_id=agency.id, connection_id=connection.id, secrets=secrets, received_at=utc_now()
        )
        adapter = open311.Open311Adapter(open311.service_catalogue(agency))
        # Validated here too: a client's mistake is answered, never quarantined as a payload.
        open311.validate_request(
            form,
            adapter.services,
            ctx,
            idempotency_key=webhook.headers.get(open311.IDEMPOTENCY_HEADER),
        )
        accepted = await ingest.accept(webhook, ctx, adapter)
    except AgoraError as error:
        ingest.instruments.rejected.labels(CHANNEL, error.code).inc()
        return _open311_error(error)
    ingest.instruments.count(accepted, agency=agency.id, channel=CHANNEL)
    return JSONResponse(
        [
            {
                "service_request_id": accepted.interaction_ids[0],
                "service_notice": SERVICE_NOTICE,
                "account_id": form.get("account_id") or None,
            }
        ],
        media_type=JSON_UTF8,
    )
