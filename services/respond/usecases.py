"""Respond use cases, free of framework code: one async function per message or command."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from services.respond import case_events
from services.respond.domain.access import User
from services.respond.domain.cases import (
    Case,
    CaseNotOpen,
    InvalidReply,
    add_interaction,
    add_reply,
    check_reply_text,
    edit_interaction,
    open_case,
)
from services.respond.domain.routing import route
from services.respond.domain.sla import due_times
from services.respond.ports import CASES, CaseQuery, CaseRepository, Publisher, StoredCase
from services.respond.views import case_json
from shared.config import Agency, AgoraConfig
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, Transient
from shared.events import InteractionClassified
from shared.ids import case_id as make_case_id
from shared.ids import derived_event_id
from shared.mongo import Document

log = logging.getLogger(__name__)

# Attempts to write a case that a concurrent writer (a reply) keeps changing.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Threaded:
    case: Case
    outcome: Literal["opened", "threaded", "edited", "duplicate"]


@dataclass(frozen=True)
class PostedReply:
    reply_id: UUID
    case: Case
    first_response: bool
    published: bool


async def thread_interaction(
    event: InteractionClassified,
    *,
    cases: CaseRepository,
    outbox: Publisher,
    config: AgoraConfig,
    now: datetime,
) -> Threaded:
    """Open a case for the conversation or thread into its open one, store, then publish.

    Idempotent: a redelivered interaction changes nothing and re-publishes what its case still
    has pending; a crash between store and publish is healed by that redelivery.
    """
    interaction = event.interaction
    agency = config.agency(interaction.agency_id)
    if agency is None:
        raise InvalidInput(
            "unknown_agency", f"No agency {interaction.agency_id!r} in the configuration."
        )
    existing = await cases.find_by_interaction(interaction_id=event.interaction_id)
    if existing is not None and event.edited_at is not None:
        return await _apply_edit(event, existing, edited_at=event.edited_at, cases=cases)
    if existing is not None:
        await _publish_pending(existing, outbox)
        return _logged(Threaded(existing.case, "duplicate"), interaction.interaction_id)
    outcome: Literal["opened", "threaded"]
    for _ in range(MAX_ATTEMPTS):
        latest = await cases.latest(conversation_key=interaction.conversation_key)
        if latest is not None and latest.case.has_interaction(interaction.interaction_id):
            await _publish_pending(latest, outbox)  # a concurrent delivery stored it first
            return _logged(Threaded(latest.case, "duplicate"), interaction.interaction_id)
        if latest is not None and latest.case.is_open:
            case = add_interaction(latest.case, interaction, event.classification)
            entries = case_events.outbox_entries(
                [case_events.threaded(event, case, now=now)], case=case, now=now
            )
            stored = await cases.append(case, seen_version=latest.case.version, outbox=entries)
            outcome = "threaded"
        else:
            case, entries = _open(event, agency, previous=latest, now=now)
            stored = await cases.insert(case, outbox=entries)
            outcome = "opened"
        if stored:
            await outbox.publish(CASES, str(case.case_id), entries)
            return _logged(Threaded(case, outcome), interaction.interaction_id)
    # Not the message's fault: redelivery retries it once the case is quiet.
    raise Transient(f"case of {interaction.conversation_key} kept changing; retry later")


async def _apply_edit(
    event: InteractionClassified,
    stored: StoredCase,
    *,
    edited_at: datetime,
    cases: CaseRepository,
) -> Threaded:
    """Show the edited text in the thread; replaying the same edit changes nothing."""
    for _ in range(MAX_ATTEMPTS):
        edited = edit_interaction(
            stored.case, event.interaction, event.classification, edited_at=edited_at
        )
        if edited is None:
            return _logged(Threaded(stored.case, "duplicate"), event.interaction_id)
        if await cases.replace(edited, seen_version=stored.case.version):
            return _logged(Threaded(edited, "edited"), event.interaction_id)
        latest = await cases.get(case_id=stored.case.case_id)
        if latest is None:
            break
        stored = latest
    raise Transient(f"case of {event.interaction.conversation_key} kept changing; retry later")


def _open(
    event: InteractionClassified, agency: Agency, *, previous: StoredCase | None, now: datetime
) -> tuple[Case, list[Document]]:
    """A new case for the conversation (the next generation after ``previous``), routed."""
    interaction = event.interaction
    generation = 0 if previous is None else previous.case.generation + 1
    decision = route(agency, interaction, event.classification)
    case = open_case(
        interaction,
        event.classification,
        case_id=make_case_id(
            agency.id, interaction.channel, interaction.conversation_id, generation
        ),
        generation=generation,
        decision=decision,
        due=due_times(agency, decision.sla_policy, opened_at=now),
        now=now,
    )
    previous_id = previous.case.case_id if previous is not None else None
    opening = case_events.opened(event, case, previous_case_id=previous_id, now=now)
    return case, case_events.outbox_entries(opening, case=case, now=now)


async def _publish_pending(stored: StoredCase, outbox: Publisher) -> None:
    if stored.pending:
        await outbox.publish(CASES, str(stored.case.case_id), stored.pending)


def _logged(threaded: Threaded, interaction_id: UUID) -> Threaded:
    case = threaded.case
    log.info(
        "interaction_threaded",
        extra={
            "agency_id": case.agency_id,
            "case_id": str(case.case_id),
            "interaction_id": str(interaction_id),
            "channel": str(case.channel),
            "team": case.team,
            "outcome": threaded.outcome,
        },
    )
    return threaded


def reply_id_for(case_id: UUID, version: int) -> UUID:
    """The reply posted on top of ``version``: two tries of one reply get one id."""
    return derived_event_id(case_id, "reply", str(version))


async def post_reply(
    *,
    case_id: UUID,
    text: str,
    version: int,
    user: User,
    cases: CaseRepository,
    outbox: Publisher,
    now: datetime,
    publish_timeout_s: float = 2.0,
) -> PostedReply:
    """Store the reply on the case seen at ``version``, then ask for its delivery.

    A stale ``version`` is a ``Conflict`` carrying the current case. The events are stored with
    the reply, so a broker outage delays them (the relay sends them) but does not fail this.
    """
    current = await _case_to_reply(
        case_id=case_id, text=text, version=version, user=user, cases=cases
    )
    reply_id = reply_id_for(case_id, version)
    try:
        added = add_reply(current, reply_id=reply_id, text=text, author_user=user.user, now=now)
    except CaseNotOpen as error:
        raise Conflict(
            "case_not_open", "Only an open case takes replies.", extra={"case": case_json(current)}
        ) from error
    case = added.case
    reply = case_events.reply_events(
        case, added.entry, first_response=added.first_response, now=now
    )
    entries = case_events.outbox_entries(reply, case=case, now=now)
    if not await cases.append(case, seen_version=version, outbox=entries):
        raise _stale((await get_case(case_id=case_id, user=user, cases=cases)).case)
    published = await outbox.publish_soon(CASES, str(case_id), entries, timeout_s=publish_timeout_s)
    log.info(
        "reply_posted",
        extra={
            "agency_id": case.agency_id,
            "case_id": str(case_id),
            "team": case.team,
            "outcome": "published" if published else "deferred",
        },
    )
    return PostedReply(
        reply_id=reply_id, case=case, first_response=added.first_response, published=published
    )


async def _case_to_reply(
    *, case_id: UUID, text: str, version: int, user: User, cases: CaseRepository
) -> Case:
    """The case a reply may be added to, or the error that explains why not."""
    try:
        check_reply_text(text)
    except InvalidReply as error:
        raise InvalidInput(error.code, str(error)) from error
    current = (await get_case(case_id=case_id, user=user, cases=cases)).case
    if not user.can_act:
        raise Forbidden("read_only_role", f"The {user.role} role cannot change cases.")
    if current.version != version:
        raise _stale(current)
    return current


def _stale(current: Case) -> Conflict:
    return Conflict(
        "stale_version",
        f"The case changed (now version {current.version}); reload it and try again.",
        extra={"case": case_json(current)},
    )


async def get_case(*, case_id: UUID, user: User, cases: CaseRepository) -> StoredCase:
    """The case if it is in the user's teams; otherwise ``NotFound``, never revealing it."""
    stored = await cases.get(case_id=case_id)
    if stored is None or not user.can_see(stored.case.agency_id, stored.case.team):
        raise NotFound("case_not_found", "No such case in your teams.")
    return stored


async def list_cases(
    query: CaseQuery, *, user: User, cases: CaseRepository
) -> tuple[list[Case], int]:
    """A page of the cases of the user's teams, most urgent first."""
    return await cases.search(query, agency_ids=user.agency_ids, teams=user.teams)
