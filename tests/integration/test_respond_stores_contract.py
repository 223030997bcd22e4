"""One contract for respond's sent-messages store and audit log: the fakes and Mongo alike.

Every test runs on the fake and on the Mongo adapter (a fresh database each time). Times are
whole seconds: MongoDB keeps milliseconds.
"""

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest

from services.respond.ports import AuditEntry, AuditLog, AuditQuery, SentMessage, SentMessages
from services.respond.store import MongoAuditLog, MongoSentMessages
from shared.mongo import open_mongo
from shared.runner.stack import Stack
from shared.settings import MongoSettings
from tests.handlers.respond.fakes import FakeAuditLog, FakeSentMessages
from tests.unit.respond.builders import at

pytestmark = pytest.mark.integration

BACKENDS = ["fake", "mongo"]
CASE = UUID("00000000-0000-4000-8000-00000000c001")
OTHER_CASE = UUID("00000000-0000-4000-8000-00000000c002")


@pytest.fixture(params=BACKENDS)
async def sent(request: pytest.FixtureRequest) -> AsyncIterator[SentMessages]:
    if request.param == "fake":
        yield FakeSentMessages()
        return
    engines: Stack = request.getfixturevalue("engines")
    async with open_mongo(MongoSettings(uri=engines.mongo_uri), f"sent_{uuid4().hex[:8]}") as db:
        store = MongoSentMessages(db)
        await store.ensure_indexes()
        yield store


@pytest.fixture(params=BACKENDS)
async def audit(request: pytest.FixtureRequest) -> AsyncIterator[AuditLog]:
    if request.param == "fake":
        yield FakeAuditLog()
        return
    engines: Stack = request.getfixturevalue("engines")
    async with open_mongo(MongoSettings(uri=engines.mongo_uri), f"audit_{uuid4().hex[:8]}") as db:
        log = MongoAuditLog(db)
        await log.ensure_indexes()
        yield log


# -- sent messages -----------------------------------------------------------------------------


def message(
    platform_message_id: str,
    *,
    s: float,
    recipient: str | None = "citizen-1",
    connection: str = "lyon-meta",
    reply_id: UUID | None = None,
) -> SentMessage:
    return SentMessage(
        connection_id=connection,
        platform_message_id=platform_message_id,
        case_id=CASE,
        reply_id=reply_id or uuid4(),
        recipient_id=recipient,
        sent_at=at(s),
    )


async def test_a_sent_message_is_found_by_its_connection_and_platform_id(
    sent: SentMessages,
) -> None:
    one = message("p-1", s=10)
    await sent.remember(one)
    await sent.remember(message("p-1", s=11, connection="lyon-sms"))

    assert await sent.find(connection_id="lyon-meta", platform_message_id="p-1") == one
    assert await sent.find(connection_id="lyon-meta", platform_message_id="p-2") is None


async def test_remembering_a_message_again_replaces_it(sent: SentMessages) -> None:
    await sent.remember(message("p-1", s=10))
    again = message("p-1", s=20)
    await sent.remember(again)

    assert await sent.find(connection_id="lyon-meta", platform_message_id="p-1") == again


async def test_messages_sent_to_a_citizen_until_a_watermark_oldest_first(
    sent: SentMessages,
) -> None:
    later, first, after = message("p-2", s=20), message("p-1", s=10), message("p-3", s=31)
    for item in (
        later,
        after,
        first,
        message("p-4", s=5, recipient="someone-else"),
        message("p-5", s=5, connection="lyon-sms"),
        message("p-6", s=5, recipient=None),
    ):
        await sent.remember(item)

    found = await sent.sent_to(connection_id="lyon-meta", recipient_id="citizen-1", until=at(30))

    assert found == [first, later]
    assert await sent.sent_to(
        connection_id="lyon-meta", recipient_id="citizen-1", until=at(20)
    ) == [first, later]


# -- audit log ---------------------------------------------------------------------------------


def entry(
    s: float,
    *,
    user: str = "alice",
    action: str = "reply",
    case_id: UUID | None = CASE,
    agency_id: str | None = "lyon",
    outcome: str = "ok",
) -> AuditEntry:
    return AuditEntry(
        entry_id=uuid4(),
        at=at(s),
        agency_id=agency_id,
        user=user,
        role="responder",
        action=action,
        case_id=case_id,
        outcome=outcome,
        status=200 if outcome == "ok" else 409,
        version_before=1,
        version_after=2 if outcome == "ok" else None,
        detail={"chars": 5, "add": ["a", "b"]},
    )


async def record(audit: AuditLog, *entries: AuditEntry) -> None:
    for item in entries:
        await audit.record(item)


async def search(audit: AuditLog, **filters: object) -> tuple[list[AuditEntry], int]:
    return await audit.search(AuditQuery(**{"agency_ids": ["lyon"], **filters}))  # type: ignore[arg-type]


async def test_entries_read_back_equal_newest_first(audit: AuditLog) -> None:
    old, new = entry(10), entry(20, outcome="stale_version")
    await record(audit, old, new)

    assert await search(audit) == ([new, old], 2)


async def test_recording_the_same_entry_twice_keeps_one(audit: AuditLog) -> None:
    once = entry(10)
    await record(audit, once, once)

    assert await search(audit) == ([once], 1)


async def test_entries_of_other_agencies_or_none_are_not_shown(audit: AuditLog) -> None:
    mine = entry(10)
    await record(audit, mine, entry(11, agency_id="grenoble"), entry(12, agency_id=None))

    assert await search(audit) == ([mine], 1)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"user": "bob"}, ["bob"]),
        ({"action": "note"}, ["note"]),
        ({"case_id": OTHER_CASE}, ["other"]),
        ({"since": at(20)}, ["bob", "note", "other"]),
        ({"until": at(20)}, ["alice"]),
        ({"since": at(20), "until": at(40)}, ["note", "bob"]),
    ],
    ids=["user", "action", "case", "since", "until", "period"],
)
async def test_filters_narrow_the_entries(
    audit: AuditLog, filters: dict[str, object], expected: list[str]
) -> None:
    await record(
        audit,
        entry(10, user="alice"),
        entry(20, user="bob"),
        entry(30, user="carol", action="note"),
        entry(40, user="dina", case_id=OTHER_CASE),
    )
    names = {"alice": "alice", "bob": "bob", "carol": "note", "dina": "other"}

    found, total = await search(audit, **filters)

    assert sorted(names[e.user] for e in found) == sorted(expected)
    assert total == len(expected)


@pytest.mark.parametrize(
    ("limit", "offset", "expected"), [(2, 0, [40, 30]), (2, 2, [20, 10]), (3, 3, [10])]
)
async def test_a_page_is_a_slice_and_total_counts_them_all(
    audit: AuditLog, limit: int, offset: int, expected: list[int]
) -> None:
    await record(audit, *(entry(s) for s in (10, 20, 30, 40)))

    found, total = await search(audit, limit=limit, offset=offset)

    assert [e.at for e in found] == [at(s) for s in expected]
    assert total == 4


async def test_an_entry_without_a_case_reads_back_without_one(audit: AuditLog) -> None:
    loose = entry(10, case_id=None)
    await record(audit, loose)

    (found,), _ = await search(audit)
    assert found == loose
