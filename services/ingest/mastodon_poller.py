"""Mastodon by polling, for servers where the agency cannot install a webhook.

Mastodon fires status webhooks only for statuses written on its own server, so citizens on other
servers reach the agency through its notifications. Each poll asks for what is newer than the
last notification seen (kept in MongoDB, so a restart resumes), and hands the list to the same
adapter and the same store/outbox path as a webhook.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from services.ingest import usecases
from services.ingest.channels.base import ConnectionContext, WebhookRequest
from services.ingest.channels.mastodon import MastodonAdapter
from shared.config import AgoraConfig
from shared.errors import InvalidInput
from shared.mongo import Database
from shared.secrets import env_value

log = logging.getLogger(__name__)

POLL_STATE = "poll_state"
PAGE = 40


class MastodonPoller:
    """One polling loop per Mastodon connection that has a ``poll_url``."""

    def __init__(
        self,
        *,
        config: AgoraConfig,
        db: Database,
        store: usecases.IngestStore,
        outbox: usecases.Publisher,
        clock: Callable[[], datetime],
        interval_s: float,
        publish_timeout_s: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.state = db[POLL_STATE]
        self.store = store
        self.outbox = outbox
        self.clock = clock
        self.interval_s = interval_s
        self.publish_timeout_s = publish_timeout_s
        self.transport = transport
        self.adapter = MastodonAdapter()
        self._tasks: list[asyncio.Task[None]] = []

    def contexts(self) -> list[tuple[str, str, ConnectionContext]]:
        """(poll url, access token, context) of every connection that polls."""
        found = []
        for agency in self.config.agencies:
            for connection in agency.connections:
                if connection.channel != "mastodon" or not connection.poll_url:
                    continue
                token = env_value(connection.access_token_env)
                if token is None:
                    log.warning("poller_without_token", extra={"connection_id": connection.id})
                    continue
                ctx = ConnectionContext(
                    agency_id=agency.id,
                    connection_id=connection.id,
                    secrets={},
                    received_at=self.clock(),
                    account_id=connection.account_id,
                    account_handle=connection.account_handle,
                )
                found.append((connection.poll_url.rstrip("/"), token, ctx))
        return found

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop(url, token, ctx), name=f"poll-{ctx.connection_id}")
            for url, token, ctx in self.contexts()
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self, url: str, token: str, ctx: ConnectionContext) -> None:
        async with httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=15,
            transport=self.transport,
        ) as client:
            while True:
                try:
                    await self.poll_once(client, ctx)
                except Exception as error:
                    log.warning(
                        "poll_failed",
                        extra={"connection_id": ctx.connection_id, "error": type(error).__name__},
                    )
                await asyncio.sleep(self.interval_s)

    async def poll_once(self, client: httpx.AsyncClient, ctx: ConnectionContext) -> int:
        """Fetch and ingest every notification newer than the last one seen; returns how many."""
        state = await self.state.find_one({"_id": ctx.connection_id})
        since_id = state.get("since_id") if state else None
        total = 0
        while True:
            params: dict[str, Any] = {"limit": PAGE, "types[]": ["mention", "update"]}
            if since_id:
                params["min_id"] = since_id  # the page right after it: no gap when many arrive
            response = await client.get("/api/v1/notifications", params=params)
            response.raise_for_status()
            notifications = response.json()
            if not notifications:
                return total
            await self._ingest(response.content, ctx)
            since_id = max((str(n["id"]) for n in notifications), key=lambda i: (len(i), i))
            await self.state.update_one(
                {"_id": ctx.connection_id}, {"$set": {"since_id": since_id}}, upsert=True
            )
            total += len(notifications)
            if len(notifications) < PAGE:
                return total

    async def _ingest(self, body: bytes, ctx: ConnectionContext) -> None:
        request = WebhookRequest(
            method="GET",
            url="",
            headers={"content-type": "application/json"},
            query={},
            body=body,
            content_type="application/json",
        )
        # A list the adapter cannot parse is kept raw in the quarantine; polling goes on.
        with contextlib.suppress(usecases.Quarantined, InvalidInput):
            await usecases.accept_webhook(
                request,
                ctx,
                adapter=self.adapter,
                store=self.store,
                outbox=self.outbox,
                publish_timeout_s=self.publish_timeout_s,
                now=self.clock(),
                verify=False,  # fetched with the agency's own token over TLS
            )
