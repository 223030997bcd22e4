"""Replies to the platforms and what the platforms say became of them.

A reply is sent once its ``SendReply`` command comes off ``responses.outbound``; the outcome
is kept on the case (without a new version: it never makes a responder's view stale) and
published on ``responses.delivered``. Platforms then report delivery and reads by the message
id they gave, or, for Messenger, by a watermark ("everything sent to this person until t").
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from uuid import UUID

from services.respond import case_events
from services.respond.delivery import DeliveryOutcome
from services.respond.domain.cases import Delivery, record_delivery
from services.respond.ports import CASES, CaseRepository, Publisher, SentMessage, SentMessages
from services.respond.usecases import publish_pending
from shared.config import AgoraConfig, Connection
from shared.errors import Transient
from shared.events import DeliveryStatusReported, SendReply

log = logging.getLogger(__name__)

WATERMARK = "watermark:"
MAX_ATTEMPTS = 5

Send = Callable[[SendReply, Connection], Awaitable[DeliveryOutcome]]


async def deliver_reply(
    command: SendReply,
    *,
    cases: CaseRepository,
    sent: SentMessages,
    outbox: Publisher,
    config: AgoraConfig,
    send: Send,
    now: Callable[[], datetime],
) -> Delivery | None:
    """Send the reply unless a delivery is already known, then record and publish the outcome.

    None when there is nothing to do (unknown case, or already sent: a redelivered command).
    """
    stored = await cases.get(case_id=command.case_id)
    if stored is None:
        log.warning("reply_of_unknown_case", extra={"case_id": str(command.case_id)})
        return None
    known = stored.case.delivery_of(command.reply_id)
    if known is not None and known.status != "pending":
        await publish_pending(stored, outbox)
        return None
    agency = config.agency(command.agency_id)
    connection = agency.connection(command.connection_id) if agency is not None else None
    if connection is None:
        outcome = DeliveryOutcome(
            status="failed",
            platform_message_id=None,
            reason=f"connection {command.connection_id!r} is not configured any more",
            attempts=0,
        )
    else:
        outcome = await send(command, connection)
    at = now()
    if outcome.status == "sent" and outcome.platform_message_id is not None:
        await sent.remember(
            SentMessage(
                connection_id=command.connection_id,
                platform_message_id=outcome.platform_message_id,
                case_id=command.case_id,
                reply_id=command.reply_id,
                recipient_id=command.recipient_id,
                sent_at=at,
            )
        )
    delivery = Delivery(
        status=outcome.status,
        reason=outcome.reason,
        platform_message_id=outcome.platform_message_id,
        attempts=outcome.attempts,
        at=at,
    )
    await record(command.case_id, command.reply_id, delivery, cases=cases, outbox=outbox)
    log.info(
        "reply_delivery",
        extra={
            "agency_id": command.agency_id,
            "case_id": str(command.case_id),
            "channel": str(command.channel),
            "outcome": outcome.status,
        },
    )
    return delivery


async def record(
    case_id: UUID,
    reply_id: UUID,
    delivery: Delivery,
    *,
    cases: CaseRepository,
    outbox: Publisher,
) -> bool:
    """Keep ``delivery`` on the case if it is news, publish it; False when it adds nothing."""
    for _ in range(MAX_ATTEMPTS):
        stored = await cases.get(case_id=case_id)
        if stored is None or stored.case.reply(reply_id) is None:
            return False
        updated = record_delivery(stored.case, reply_id=reply_id, delivery=delivery)
        if updated is None:
            return False
        event = case_events.delivered(updated, reply_id, delivery)
        entries = case_events.outbox_entries([event], case=updated, now=delivery.at)
        if await cases.save_delivery(
            updated, reply_id=reply_id, seen=stored.delivery_version, outbox=entries
        ):
            await outbox.publish(CASES, str(case_id), entries)
            return True
    raise Transient(f"deliveries of case {case_id} kept changing; retry later")


async def apply_status(
    report: DeliveryStatusReported,
    *,
    cases: CaseRepository,
    sent: SentMessages,
    outbox: Publisher,
) -> int:
    """Record a platform's report on the replies it names; how many replies it moved on."""
    if report.platform_message_id.startswith(WATERMARK):
        messages = await _under_watermark(report, sent)
    else:
        one = await sent.find(
            connection_id=report.connection_id, platform_message_id=report.platform_message_id
        )
        messages = [one] if one is not None else []
    if not messages:
        log.info(
            "status_of_unknown_message",
            extra={"agency_id": report.agency_id, "channel": str(report.channel)},
        )
    changed = 0
    for message in messages:
        delivery = Delivery(
            status=report.status,
            reason=report.error,
            platform_message_id=message.platform_message_id,
            at=report.reported_at,
        )
        if await record(message.case_id, message.reply_id, delivery, cases=cases, outbox=outbox):
            changed += 1
    return changed


async def _under_watermark(report: DeliveryStatusReported, sent: SentMessages) -> list[SentMessage]:
    """Messages sent to the reporting citizen up to the watermark's time."""
    if report.recipient_id is None:
        return []
    try:
        millis = int(report.platform_message_id.removeprefix(WATERMARK))
    except ValueError:
        return []
    until = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return await sent.sent_to(
        connection_id=report.connection_id, recipient_id=report.recipient_id, until=until
    )
