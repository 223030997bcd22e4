"""Reply delivery: the one module that calls platform APIs, with bounded retries.

``deliver`` never raises for what a platform answers: every end is a ``DeliveryOutcome``.
A 4xx (except 408 and 429) fails at once with the platform's message; 408, 429, 5xx,
transient platform errors and network errors are retried with doubling delays (or the
platform's ``Retry-After``), then fail with the last reason.
"""

import asyncio
import logging
from datetime import datetime

import httpx

from services.respond.delivery import email, generic, mastodon, meta, telegram, twilio, x
from services.respond.delivery.base import (
    Connector,
    DeliveryOutcome,
    Failed,
    PlatformRequest,
    PlatformResponse,
    Refusal,
    RetryPolicy,
    Sent,
    Target,
    Verdict,
)
from shared.config import Connection
from shared.events import SendReply
from shared.secrets import env_value

log = logging.getLogger(__name__)

# One connector per connection type; adding a platform adds a module and a line here.
CONNECTORS: dict[str, Connector] = {
    "meta": meta.CONNECTOR,
    "telegram": telegram.CONNECTOR,
    "twilio": twilio.CONNECTOR,
    "mastodon": mastodon.CONNECTOR,
    "x": x.CONNECTOR,
    "email": email.CONNECTOR,
    "generic": generic.CONNECTOR,
}
NO_SEND_API = {
    "open311": "Open311 has no API to send a reply: answer service requests in the agency's"
    " own Open311 system, which publishes their status",
}


def plan(
    command: SendReply, connection: Connection, *, now: datetime, base_url: str | None
) -> tuple[Connector, PlatformRequest] | Refusal:
    """The connector and the request for this reply, or why there is none (reads secrets)."""
    connector = CONNECTORS.get(connection.channel)
    if connector is None:
        return Refusal(
            NO_SEND_API.get(connection.channel, f"no connector for {connection.channel}")
        )
    if command.channel not in connector.channels:
        return Refusal(
            f"a {connection.channel} connection cannot send {command.channel.value} replies"
        )
    secrets: dict[str, str] = {}
    for connection_field in connector.secret_fields:
        env_name = getattr(connection, connection_field)
        if not env_name:
            return Refusal(
                f"the {connection.channel} connection {connection.id!r} names no"
                f" {connection_field} (the secret replies are sent with)"
            )
        value = env_value(env_name)
        if value is None:
            return Refusal(f"the secret environment variable {env_name} is not set")
        secrets[connection_field] = value
    target = Target(connection=connection, secrets=secrets, now=now, base_url_override=base_url)
    request = connector.build(command, target)
    return request if isinstance(request, Refusal) else (connector, request)


async def deliver(
    command: SendReply,
    connection: Connection,
    *,
    client: httpx.AsyncClient,
    now: datetime,
    policy: RetryPolicy,
    base_url: str | None = None,
) -> DeliveryOutcome:
    """Send the reply; ``attempts`` in the outcome counts the calls made to the platform."""
    planned = plan(command, connection, now=now, base_url=base_url)
    if isinstance(planned, Refusal):
        outcome = DeliveryOutcome("failed", None, planned.reason, attempts=0)
    else:
        outcome = await _send_with_retries(*planned, client=client, now=now, policy=policy)
    log.info(
        "reply_delivery",
        extra={
            "agency_id": command.agency_id,
            "case_id": str(command.case_id),
            "reply_id": str(command.reply_id),
            "channel": command.channel.value,
            "connection_id": connection.id,
            "outcome": outcome.status,
            "attempts": outcome.attempts,
        },
    )
    return outcome


async def _send_with_retries(
    connector: Connector,
    request: PlatformRequest,
    *,
    client: httpx.AsyncClient,
    now: datetime,
    policy: RetryPolicy,
) -> DeliveryOutcome:
    attempt = 1
    while True:
        verdict = await _call(connector, request, client=client, now=now)
        if isinstance(verdict, Sent):
            return DeliveryOutcome("sent", verdict.platform_message_id, None, attempt)
        if not verdict.retry or attempt >= policy.attempts:
            return DeliveryOutcome("failed", None, verdict.reason, attempt)
        await asyncio.sleep(policy.delay(attempt, verdict.retry_after_s))
        attempt += 1


async def _call(
    connector: Connector, request: PlatformRequest, *, client: httpx.AsyncClient, now: datetime
) -> Verdict:
    try:
        response = await client.request(
            request.method,
            request.url,
            headers=dict(request.headers),
            content=request.body,
            auth=request.auth,
        )
    except httpx.TransportError as error:
        # The class only: an httpx message may quote the URL, and Telegram's holds the token.
        return Failed(f"could not reach the platform ({type(error).__name__})", retry=True)
    received = PlatformResponse(
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        body=response.content,
    )
    return connector.read(received, now=now)
