"""Replies sent to the platforms and the platforms' reports, on in-memory ports."""

from datetime import UTC, datetime
from uuid import UUID

import pytest

from services.respond.commands import CaseCommands
from services.respond.deliveries import apply_status, deliver_reply
from services.respond.delivery import DeliveryOutcome
from services.respond.domain.cases import Delivery
from services.respond.usecases import thread_interaction
from shared.config import Connection
from shared.events import Channel, DeliveryStatusReported, SendReply
from shared.ids import case_id, derived_event_id
from shared.topics import Topic
from tests.handlers.respond.fakes import FakeCaseRepository, FakeOutbox, FakeSentMessages
from tests.unit.respond.builders import CONFIG, CONNECTION, at, classified, user

CASE = case_id("lyon", "facebook", "post-9", 0)


class FakeSend:
    """The platform: answers each call with the next outcome, remembers the calls."""

    def __init__(self, *outcomes: DeliveryOutcome) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[SendReply, Connection]] = []

    async def __call__(self, command: SendReply, connection: Connection) -> DeliveryOutcome:
        self.calls.append((command, connection))
        return self.outcomes.pop(0)


def sent(message_id: str) -> DeliveryOutcome:
    return DeliveryOutcome(status="sent", platform_message_id=message_id, reason=None, attempts=1)


@pytest.fixture
def sent_messages() -> FakeSentMessages:
    return FakeSentMessages()


async def a_reply(
    cases: FakeCaseRepository, outbox: FakeOutbox, commands: CaseCommands, *, s: float = 60
) -> SendReply:
    """The delivery command of a new reply on the case (opened first if needed)."""
    if not cases.stored:
        await thread_interaction(classified(), cases=cases, outbox=outbox, config=CONFIG, now=at(2))
    version = cases.case(CASE).version
    await commands.reply(CASE, version=version, user=user(), now=at(s), text=f"Merci {s}")
    return SendReply.model_validate(outbox.events[-1])


async def deliver(
    command: SendReply,
    send: FakeSend,
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    sent_messages: FakeSentMessages,
    *,
    s: float = 61,
) -> Delivery | None:
    return await deliver_reply(
        command,
        cases=cases,
        sent=sent_messages,
        outbox=outbox,
        config=CONFIG,
        send=send,
        now=lambda: at(s),
    )


def report(
    message_id: str, status: str, *, s: float = 120, recipient: str | None = None
) -> DeliveryStatusReported:
    return DeliveryStatusReported.model_validate(
        {
            "event_id": derived_event_id(UUID(int=1), message_id, status),
            "occurred_at": at(s),
            "agency_id": "lyon",
            "channel": Channel.FACEBOOK,
            "connection_id": CONNECTION,
            "platform_message_id": message_id,
            "status": status,
            "reported_at": at(s),
            "recipient_id": recipient,
        }
    )


async def test_a_sent_reply_is_recorded_on_the_case_without_a_new_version(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = await a_reply(cases, outbox, commands)
    send = FakeSend(sent("p-1"))

    delivery = await deliver(command, send, cases, outbox, sent_messages)

    assert delivery == Delivery(status="sent", platform_message_id="p-1", attempts=1, at=at(61))
    assert [(c.reply_id, conn.id) for c, conn in send.calls] == [(command.reply_id, CONNECTION)]
    case = cases.case(CASE)
    assert (case.version, case.delivery_of(command.reply_id)) == (2, delivery)
    assert cases.stored[CASE].delivery_version == 1
    remembered = await sent_messages.find(connection_id=CONNECTION, platform_message_id="p-1")
    assert remembered is not None
    assert (remembered.reply_id, remembered.recipient_id) == (command.reply_id, "citizen-1")


async def test_the_outcome_is_published_as_reply_delivered(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = await a_reply(cases, outbox, commands)
    await deliver(command, FakeSend(sent("p-1")), cases, outbox, sent_messages)

    last = outbox.published[-1]
    assert last["topic"] == Topic.RESPONSES_DELIVERED
    assert last["event_id"] == str(derived_event_id(command.reply_id, "reply.delivered", "sent"))
    assert (outbox.events[-1]["status"], outbox.events[-1]["platform_message_id"]) == (
        "sent",
        "p-1",
    )


async def test_a_responders_next_change_is_not_made_stale_by_a_delivery(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = await a_reply(cases, outbox, commands)
    await deliver(command, FakeSend(sent("p-1")), cases, outbox, sent_messages)

    done = await commands.note(CASE, version=2, user=user(), now=at(70), text="Envoyé")

    assert done.case.version == 3
    assert cases.case(CASE).delivery_of(command.reply_id) is not None


async def test_a_redelivered_command_is_not_sent_twice(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = await a_reply(cases, outbox, commands)
    send = FakeSend(sent("p-1"), sent("p-2"))
    await deliver(command, send, cases, outbox, sent_messages)

    assert await deliver(command, send, cases, outbox, sent_messages, s=90) is None

    assert len(send.calls) == 1
    assert cases.case(CASE).delivery_of(command.reply_id).platform_message_id == "p-1"  # type: ignore[union-attr]


async def test_a_failed_send_is_recorded_with_its_reason_and_not_remembered(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = await a_reply(cases, outbox, commands)
    failed = DeliveryOutcome(status="failed", platform_message_id=None, reason="gone", attempts=5)

    delivery = await deliver(command, FakeSend(failed), cases, outbox, sent_messages)

    assert delivery is not None
    assert (delivery.status, delivery.reason, delivery.attempts) == ("failed", "gone", 5)
    assert sent_messages.messages == {}
    assert outbox.events[-1]["status"] == "failed"


async def test_a_reply_through_a_connection_no_longer_configured_fails_unsent(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = (await a_reply(cases, outbox, commands)).model_copy(
        update={"connection_id": "lyon-gone"}
    )
    send = FakeSend()

    delivery = await deliver(command, send, cases, outbox, sent_messages)

    assert send.calls == []
    assert delivery is not None
    assert (delivery.status, delivery.reason) == (
        "failed",
        "connection 'lyon-gone' is not configured any more",
    )


async def test_a_reply_of_an_unknown_case_is_dropped(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = (await a_reply(cases, outbox, commands)).model_copy(
        update={"case_id": case_id("lyon", "x", "nothing", 0)}
    )
    send = FakeSend(sent("p-1"))
    published = len(outbox.published)

    assert await deliver(command, send, cases, outbox, sent_messages) is None
    assert (send.calls, len(outbox.published)) == ([], published)


async def test_a_status_report_moves_the_delivery_of_the_message_it_names(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = await a_reply(cases, outbox, commands)
    await deliver(command, FakeSend(sent("p-1")), cases, outbox, sent_messages)

    moved = await apply_status(
        report("p-1", "delivered"), cases=cases, sent=sent_messages, outbox=outbox
    )

    assert moved == 1
    assert cases.case(CASE).delivery_of(command.reply_id) == Delivery(
        status="delivered", platform_message_id="p-1", attempts=1, at=at(120)
    )
    assert outbox.events[-1]["status"] == "delivered"


async def test_a_late_report_of_an_earlier_state_changes_nothing(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    command = await a_reply(cases, outbox, commands)
    await deliver(command, FakeSend(sent("p-1")), cases, outbox, sent_messages)
    await apply_status(report("p-1", "read"), cases=cases, sent=sent_messages, outbox=outbox)
    published = len(outbox.published)

    late = report("p-1", "delivered", s=130)
    assert await apply_status(late, cases=cases, sent=sent_messages, outbox=outbox) == 0
    assert len(outbox.published) == published
    assert cases.case(CASE).delivery_of(command.reply_id).status == "read"  # type: ignore[union-attr]


async def test_a_read_watermark_marks_every_reply_sent_to_the_citizen_until_then(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
) -> None:
    first = await a_reply(cases, outbox, commands, s=60)
    await deliver(first, FakeSend(sent("p-1")), cases, outbox, sent_messages, s=61)
    second = await a_reply(cases, outbox, commands, s=200)
    await deliver(second, FakeSend(sent("p-2")), cases, outbox, sent_messages, s=201)
    watermark = f"watermark:{int(at(150).timestamp() * 1000)}"

    moved = await apply_status(
        report(watermark, "read", recipient="citizen-1"),
        cases=cases,
        sent=sent_messages,
        outbox=outbox,
    )

    assert moved == 1
    case = cases.case(CASE)
    assert case.delivery_of(first.reply_id).status == "read"  # type: ignore[union-attr]
    assert case.delivery_of(second.reply_id).status == "sent"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("message_id", "recipient"),
    [
        ("p-unknown", None),
        (f"watermark:{int(datetime(2030, 1, 1, tzinfo=UTC).timestamp() * 1000)}", "someone"),
        (f"watermark:{int(datetime(2030, 1, 1, tzinfo=UTC).timestamp() * 1000)}", None),
        ("watermark:not-a-number", "citizen-1"),
    ],
    ids=["unknown id", "other recipient", "no recipient", "unreadable watermark"],
)
async def test_a_report_about_no_known_message_is_ignored(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    commands: CaseCommands,
    sent_messages: FakeSentMessages,
    message_id: str,
    recipient: str | None,
) -> None:
    command = await a_reply(cases, outbox, commands)
    await deliver(command, FakeSend(sent("p-1")), cases, outbox, sent_messages)
    published = len(outbox.published)

    moved = await apply_status(
        report(message_id, "read", recipient=recipient),
        cases=cases,
        sent=sent_messages,
        outbox=outbox,
    )

    assert moved == 0
    assert len(outbox.published) == published
    assert cases.case(CASE).delivery_of(command.reply_id).status == "sent"  # type: ignore[union-attr]
