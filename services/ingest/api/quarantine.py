"""Operator endpoints: list the quarantined payloads and replay one after a fix."""

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.ingest import usecases
from services.ingest.api.deps import IngestDep, OperatorDep
from services.ingest.api.webhooks import resolve_connection
from services.ingest.channels.base import WebhookRequest
from shared.clock import utc_now
from shared.errors import Conflict, NotFound
from shared.mongo import Document

router = APIRouter(prefix="/quarantine", tags=["operators"], dependencies=[OperatorDep])


def _summary(entry: Document) -> dict[str, Any]:
    return {
        "id": entry["_id"],
        "agency_id": entry["agency_id"],
        "connection_id": entry["connection_id"],
        "content_type": entry["content_type"],
        "error": entry["error"],
        "size": len(entry["body"]),
        "received_at": entry["received_at"].isoformat(),
        "replayed_at": entry["replayed_at"].isoformat() if entry.get("replayed_at") else None,
        "replay_outcome": entry.get("replay_outcome"),
    }


@router.get("", summary="List quarantined payloads, newest first")
async def list_quarantine(
    ingest: IngestDep,
    connection_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    include_replayed: bool = False,
) -> dict[str, Any]:
    entries = await ingest.store.quarantined(
        connection_id=connection_id, limit=limit, include_replayed=include_replayed
    )
    return {"items": [_summary(e) for e in entries]}


@router.get("/{entry_id}", summary="One quarantined payload, with its raw body")
async def get_quarantined(entry_id: str, ingest: IngestDep) -> dict[str, Any]:
    entry = await ingest.store.quarantine_entry(entry_id)
    if entry is None:
        raise NotFound("quarantine_entry_not_found", f"No quarantined payload {entry_id!r}.")
    return {**_summary(entry), "body_base64": base64.b64encode(entry["body"]).decode()}


@router.post("/{entry_id}/replay", summary="Parse a quarantined payload again and ingest it")
async def replay(entry_id: str, ingest: IngestDep) -> dict[str, Any]:
    """The signature was verified on arrival; replay parses with the current adapter."""
    entry = await ingest.store.quarantine_entry(entry_id)
    if entry is None:
        raise NotFound("quarantine_entry_not_found", f"No quarantined payload {entry_id!r}.")
    if entry.get("replay_outcome") == "ingested":
        raise Conflict("already_replayed", "This payload was already replayed and ingested.")
    found = ingest.config.find_connection(entry["connection_id"])
    if found is None:
        raise NotFound("unknown_connection", f"No connection {entry['connection_id']!r} now.")
    adapter, _, ctx = resolve_connection(ingest.config, found[1].channel, found[1].id)
    request = WebhookRequest(
        method="POST",
        url="",
        headers=entry["headers"],
        query={},
        body=entry["body"],
        content_type=entry["content_type"],
    )
    now = utc_now()
    try:
        accepted = await ingest.accept(request, ctx, adapter, verify=False)
    except usecases.Quarantined as still:
        await ingest.store.record_failed_replay(entry_id, at=now, error=still.detail)
        raise
    await ingest.store.mark_replayed(entry_id, at=now, outcome="ingested")
    return {
        "status": "ingested",
        "interaction_ids": accepted.interaction_ids,
        "duplicates": accepted.duplicates,
    }
