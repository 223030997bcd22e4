"""Respond use cases, free of framework code: one async function per message or command."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from services.respond import case_events
from services.respond.domain.access import User
from services.respond.domain.assignment import choose_assignee
from services.respond.domain.cases import (
    Case,
    HistoryEntry,
    add_interaction,
    edit_interaction,
    open_case,
    reopen_for_message,
)
from services.respond.domain.escalation import refreshed
from services.respond.domain.routing import route
from services.respond.domain.sla import SlaClock
from services.respond.loads import AssigneeLoads, BatchLoads
from services.respond.ports import CASES, CaseQuery, CaseRepository, Publisher, StoredCase
from shared.config import Agency, AgoraConfig
from shared.errors import Forbidden, InvalidInput, NotFound, Transient
from shared.events import Event, InteractionClassified
from shared.ids import case_id as make_case_id
from shared.ids import derived_event_id
from shared.mongo import Document

log = logging.getLogger(__name__)

# Attempts to write a case that a concurrent writer (a reply) keeps changing.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Threaded:
    case: Case
    outcome: Literal["opened", "threaded", "reopened", "edited", "duplicate"]


@dataclass(frozen=True)
class Step:
    """A message threaded into the conversation's latest case, or the new case it opens, with
    the outbox entries announcing it."""

    case: Case
    outcome: Literal["opened", "threaded", "reopened"]
    entries: list[Document]


def agency_of(event: InteractionClassified, config: AgoraConfig) -> Agency:
    """The interaction's agency; an agency missing from the configuration is refused."""
    agency = config.agency(event.interaction.agency_id)
    if agency is None:
        raise InvalidInput(
            "unknown_agency", f"No agency {event.interaction.agency_id!r} in the configuration."
        )
    return agency


async def thread_interaction(
    event: InteractionClassified,
    *,
    cases: CaseRepository,
    outbox: Publisher,
    config: AgoraConfig,
    now: datetime,
    loads: AssigneeLoads | None = None,
) -> Threaded:
    """Thread the interaction into its conversation's active case, reopen a case resolved
    lately, or open (route and assign) a new one; store, then publish.

    Idempotent: a redelivered interaction changes nothing and re-publishes what its case still
    has pending; a crash between store and publish is healed by that redelivery.
    """
    agency = agency_of(event, config)
    interaction = event.interaction
    existing = await cases.find_by_interaction(interaction_id=event.interaction_id)
    if existing is not None and event.edited_at is not None:
        return await _apply_edit(event, existing, edited_at=event.edited_at, cases=cases)
    if existing is not None:
        await publish_pending(existing, outbox)
        return logged(Threaded(existing.case, "duplicate"), interaction.interaction_id)
    loads = loads or AssigneeLoads(cases, ttl_s=0)
    for _ in range(MAX_ATTEMPTS):
        latest = await cases.latest(conversation_key=interaction.conversation_key)
        if latest is not None and latest.case.has_interaction(interaction.interaction_id):
            await publish_pending(latest, outbox)  # a concurrent delivery stored it first
            return logged(Threaded(latest.case, "duplicate"), interaction.interaction_id)
        step = await thread_or_open(
            event, latest.case if latest else None, agency, loads=loads, now=now
        )
        if latest is None or step.outcome == "opened":
            stored = await cases.insert(step.case, outbox=step.entries)
            if stored and step.case.assignee is not None:
                loads.assigned(agency.id, step.case.assignee)
        else:
            stored = await cases.append(
                step.case, seen_version=latest.case.version, outbox=step.entries
            )
        if stored:
            await outbox.publish(CASES, str(step.case.case_id), step.entries)
            return logged(Threaded(step.case, step.outcome), interaction.interaction_id)
    # Not the message's fault: redelivery retries it once the case is quiet.
    raise Transient(f"case of {interaction.conversation_key} kept changing; retry later")


async def thread_or_open(
    event: InteractionClassified,
    latest: Case | None,
    agency: Agency,
    *,
    loads: AssigneeLoads | BatchLoads,
    now: datetime,
) -> Step:
    """The message (not in ``latest``) threaded into the conversation's ``latest`` case if it is
    active or was resolved lately (reopened); else the next case, routed and assigned."""
    if latest is not None and (latest.is_active or _reopens(latest, agency, now)):
        case, events = _continue(event, latest, agency, now=now)
        outcome: Literal["threaded", "reopened"] = "threaded" if latest.is_active else "reopened"
        return Step(case, outcome, case_events.outbox_entries(events, case=case, now=now))
    case, entries = await _open(event, agency, previous=latest, loads=loads, now=now)
    return Step(case, "opened", entries)


def _reopens(case: Case, agency: Agency, now: datetime) -> bool:
    """A message this soon after the resolution reopens the case, rather than opening one."""
    return case.resolved_at is not None and now - case.resolved_at < agency.reopen_within


def _continue(
    event: InteractionClassified, case: Case, agency: Agency, *, now: datetime
) -> tuple[Case, list[Event]]:
    """The active (or reopened) case with the new message, and what to announce."""
    clock = SlaClock.of(agency, case.sla_policy)
    threaded_event_id = derived_event_id(event.event_id, "case.sla_adjusted")
    if case.is_active:
        updated, paused_s = add_interaction(
            case, event.interaction, event.classification, clock=clock, now=now
        )
        updated = refreshed(updated, now)
        events: list[Event] = [case_events.threaded(event, updated, now=now)]
        if paused_s is not None:
            events.append(
                case_events.sla_adjusted(
                    updated, paused_s=paused_s, now=now, event_id=threaded_event_id
                )
            )
        return updated, events
    updated = refreshed(
        reopen_for_message(case, event.interaction, event.classification, clock=clock, now=now),
        now,
    )
    reopening = case_events.reopened(updated, by=None, now=now, cause=event)
    return updated, [*reopening, case_events.threaded(event, updated, now=now)]


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
            return logged(Threaded(stored.case, "duplicate"), event.interaction_id)
        if await cases.save(edited, seen_version=stored.case.version):
            return logged(Threaded(edited, "edited"), event.interaction_id)
        latest = await cases.get(case_id=stored.case.case_id)
        if latest is None:
            break
        stored = latest
    raise Transient(f"case of {event.interaction.conversation_key} kept changing; retry later")


async def _open(
    event: InteractionClassified,
    agency: Agency,
    *,
    previous: Case | None,
    loads: AssigneeLoads | BatchLoads,
    now: datetime,
) -> tuple[Case, list[Document]]:
    """A new case for the conversation (the next generation after ``previous``), routed and
    given to the least-loaded member of its team who speaks its language, if any."""
    interaction = event.interaction
    generation = 0 if previous is None else previous.generation + 1
    previous_id = previous.case_id if previous is not None else None
    decision = route(agency, interaction, event.classification)
    case = open_case(
        interaction,
        event.classification,
        case_id=make_case_id(
            agency.id, interaction.channel, interaction.conversation_id, generation
        ),
        generation=generation,
        previous_case_id=previous_id,
        decision=decision,
        due=SlaClock.of(agency, decision.sla_policy).due_times(now),
        now=now,
    )
    events: list[Event] = case_events.opened(event, case, previous_case_id=previous_id, now=now)
    team = agency.team(decision.team)
    if team is not None and team.members:
        held = await loads.of(agency.id, [m.id for m in team.members])
        choice = choose_assignee(team, language=case.classification.language, open_cases=held)
        history = HistoryEntry(
            at=now,
            actor="auto",
            action="assigned" if choice.assignee else "queued",
            detail=choice.reason,
        )
        case = case.model_copy(
            update={"assignee": choice.assignee, "history": (*case.history, history)}
        )
        if choice.assignee is not None:
            events.append(case_events.auto_assigned(event, case, choice, now=now))
    return case, case_events.outbox_entries(events, case=case, now=now)


async def publish_pending(stored: StoredCase, outbox: Publisher) -> None:
    """Send what the case's outbox still holds (a redelivery heals a crash after the write)."""
    if stored.pending:
        await outbox.publish(CASES, str(stored.case.case_id), stored.pending)


def logged(threaded: Threaded, interaction_id: UUID) -> Threaded:
    """``threaded``, once logged (one line per interaction)."""
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


async def get_case(*, case_id: UUID, user: User, cases: CaseRepository) -> StoredCase:
    """The case if the user may see it: 404 outside the user's agencies (it does not exist for
    them), 403 for another team of the same agency."""
    stored = await cases.get(case_id=case_id)
    if stored is None:
        raise NotFound("case_not_found", "No such case.")
    visibility = user.visibility(stored.case.agency_id, stored.case.team)
    if visibility == "other_agency":
        raise NotFound("case_not_found", "No such case.")
    if visibility == "other_team":
        raise Forbidden("not_your_team", f"This case belongs to team {stored.case.team}.")
    return stored


async def list_cases(
    query: CaseQuery, *, user: User, cases: CaseRepository, config: AgoraConfig
) -> tuple[list[Case], int]:
    """A page of the cases of the user's teams, escalated and most urgent first."""
    return await cases.search(query, agency_ids=user.agency_ids, teams=user.teams_in(config))
