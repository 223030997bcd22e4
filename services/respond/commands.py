"""What responders do to a case, each call checked, stored with its events, and audited.

Every command names the case version it was decided on: a stale version is a ``Conflict``
carrying the current case, so two people never act on a case blindly. Each call, allowed or
not, leaves one entry in the audit log.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from services.respond import case_events
from services.respond.domain.access import Action, User
from services.respond.domain.assignment import choose_assignee
from services.respond.domain.cases import (
    AddedReply,
    Case,
    CaseRefused,
    InvalidReply,
    add_note,
    add_reply,
    assign,
    claim,
    reopen,
    resolve,
    retag,
    review_reply,
)
from services.respond.domain.escalation import refreshed
from services.respond.domain.sla import SlaClock
from services.respond.ports import CASES, AuditEntry, AuditLog, CaseRepository, Publisher
from services.respond.usecases import get_case
from services.respond.views import case_json
from shared.config import Agency, AgoraConfig
from shared.errors import AgoraError, Conflict, Forbidden, Unprocessable
from shared.events import Event
from shared.ids import derived_event_id

log = logging.getLogger(__name__)

# What a transition gives back: the new case and the events it announces.
Change = tuple[Case, list[Event]]
Transition = Callable[[Case, Agency], Change]


@dataclass(frozen=True)
class Done:
    case: Case
    published: bool


@dataclass(frozen=True)
class Posted(Done):
    """A reply added (sent, or held for approval) or reviewed."""

    reply: AddedReply


@dataclass
class _Audit:
    """The audit entry of one call, filled in as the call goes."""

    user: User
    action: str
    case_id: UUID | None
    detail: dict[str, Any]
    agency_id: str | None = None
    version_before: int | None = None
    version_after: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def reply_id_for(case_id: UUID, version: int) -> UUID:
    """The reply posted on top of ``version``: two tries of one reply get one id."""
    return derived_event_id(case_id, "reply", str(version))


class CaseCommands:
    """The responder API's mutating calls; ``config`` is read at each call (it may reload)."""

    def __init__(
        self,
        *,
        cases: CaseRepository,
        outbox: Publisher,
        audit: AuditLog,
        config: Callable[[], AgoraConfig],
        publish_timeout_s: float = 2.0,
    ) -> None:
        self.cases = cases
        self.outbox = outbox
        self.audit = audit
        self.config = config
        self.publish_timeout_s = publish_timeout_s

    async def claim(self, case_id: UUID, *, version: int, user: User, now: datetime) -> Done:
        def transition(case: Case, agency: Agency) -> Change:
            claimed = claim(case, user=user.user, now=now)
            return claimed, case_events.assignment_events(case, claimed, by=user.user, now=now)

        return await self._run("claim", case_id, version, user, Action.CLAIM, transition, now)

    async def assign(
        self,
        case_id: UUID,
        *,
        version: int,
        user: User,
        now: datetime,
        team: str | None,
        assignee: str | None,
        auto: bool,
    ) -> Done:
        """Give the case to ``assignee`` of ``team`` (a transfer when the team changes).

        ``auto``: no assignee was named for a new team: the least-loaded member gets it.
        """

        def transition(case: Case, agency: Agency) -> Change:
            target_team = team or case.team
            found = agency.team(target_team)
            if found is None:
                raise Unprocessable("unknown_team", f"No team {target_team!r} in {agency.id}.")
            chosen = assignee
            if auto and target_team != case.team:
                chosen = choose_assignee(
                    found, language=case.classification.language, open_cases=loads
                ).assignee
            elif chosen is not None and found.member(chosen) is None:
                raise Unprocessable(
                    "not_a_member", f"{chosen!r} is not a member of team {target_team!r}."
                )
            self._check_assign(user, case, team=target_team, assignee=chosen, auto=auto)
            updated = assign(case, assignee=chosen, team=target_team, by=user.user, now=now)
            return updated, case_events.assignment_events(case, updated, by=user.user, now=now)

        loads = await self._team_loads(user, team) if auto and team is not None else {}
        detail = {"team": team, "assignee": assignee, "auto": auto}
        return await self._run(
            "assign", case_id, version, user, Action.CLAIM, transition, now, detail=detail
        )

    async def _team_loads(self, user: User, team: str) -> dict[str, int]:
        """Open cases held by each member of ``team`` (in the user's agencies)."""
        for agency in self.config().agencies:
            found = agency.team(team)
            if found is not None and agency.id in user.agency_ids:
                return await self.cases.open_cases(
                    agency_id=agency.id, assignees=[m.id for m in found.members]
                )
        return {}

    @staticmethod
    def _check_assign(
        user: User, case: Case, *, team: str, assignee: str | None, auto: bool
    ) -> None:
        """Responders transfer and take or release cases; giving one to another is a
        supervisor's call."""
        if team != case.team and not user.may(Action.TRANSFER):
            raise Forbidden("forbidden", f"The {user.role} role cannot transfer cases.")
        gives_to_other = not auto and assignee not in (None, user.user)
        takes_from_other = case.assignee not in (None, user.user) and assignee != case.assignee
        if (gives_to_other or takes_from_other) and not user.may(Action.ASSIGN):
            raise Forbidden(
                "supervisor_only", "Only a supervisor or an admin assigns a case to someone else."
            )
        if team == case.team and not user.may(Action.CLAIM):
            raise Forbidden("forbidden", f"The {user.role} role cannot assign cases.")

    async def reply(
        self,
        case_id: UUID,
        *,
        version: int,
        user: User,
        now: datetime,
        text: str,
        wait_for_citizen: bool = False,
    ) -> Posted:
        """Add the reply; send it now, or hold it for a supervisor when the team says so."""
        reply_id = reply_id_for(case_id, version)
        added_reply: list[AddedReply] = []

        def transition(case: Case, agency: Agency) -> Change:
            team = agency.team(case.team)
            needs_approval = (
                team is not None and team.reply_approval and not user.may(Action.APPROVE)
            )
            added = add_reply(
                case,
                reply_id=reply_id,
                text=text,
                author_user=user.user,
                needs_approval=needs_approval,
                wait_for_citizen=wait_for_citizen,
                now=now,
            )
            added_reply.append(added)
            if needs_approval:
                return added.case, []
            events = case_events.reply_events(
                added.case, added.entry, first_response=added.first_response, now=now
            )
            return added.case, events

        detail = {"reply_id": str(reply_id), "chars": len(text), "wait": wait_for_citizen}
        done = await self._run(
            "reply", case_id, version, user, Action.REPLY, transition, now, detail=detail
        )
        return Posted(case=done.case, published=done.published, reply=added_reply[0])

    async def review(
        self,
        case_id: UUID,
        *,
        version: int,
        user: User,
        now: datetime,
        reply_id: UUID,
        approve: bool,
        note: str | None,
    ) -> Posted:
        """Approve a held reply (it is sent now) or reject it (it never leaves)."""
        reviewed: list[AddedReply] = []

        def transition(case: Case, agency: Agency) -> Change:
            added = review_reply(
                case, reply_id=reply_id, approve=approve, reviewer=user.user, note=note, now=now
            )
            reviewed.append(added)
            if not approve:
                return added.case, []
            events = case_events.reply_events(
                added.case,
                added.entry,
                first_response=added.first_response,
                now=now,
                approved_by=user.user,
            )
            return added.case, events

        action = "approve" if approve else "reject"
        done = await self._run(
            action,
            case_id,
            version,
            user,
            Action.APPROVE,
            transition,
            now,
            detail={"reply_id": str(reply_id)},
        )
        return Posted(case=done.case, published=done.published, reply=reviewed[0])

    async def note(
        self, case_id: UUID, *, version: int, user: User, now: datetime, text: str
    ) -> Done:
        def transition(case: Case, agency: Agency) -> Change:
            return add_note(case, text=text, author_user=user.user, now=now), []

        return await self._run(
            "note", case_id, version, user, Action.NOTE, transition, now, {"chars": len(text)}
        )

    async def tag(
        self,
        case_id: UUID,
        *,
        version: int,
        user: User,
        now: datetime,
        add: tuple[str, ...],
        remove: tuple[str, ...],
    ) -> Done:
        def transition(case: Case, agency: Agency) -> Change:
            return retag(case, add=add, remove=remove, by=user.user, now=now), []

        detail = {"add": list(add), "remove": list(remove)}
        return await self._run("tag", case_id, version, user, Action.TAG, transition, now, detail)

    async def resolve(self, case_id: UUID, *, version: int, user: User, now: datetime) -> Done:
        def transition(case: Case, agency: Agency) -> Change:
            resolved = resolve(case, by=user.user, now=now)
            return resolved, [case_events.resolved(resolved, by=user.user, now=now)]

        return await self._run("resolve", case_id, version, user, Action.RESOLVE, transition, now)

    async def reopen(self, case_id: UUID, *, version: int, user: User, now: datetime) -> Done:
        def transition(case: Case, agency: Agency) -> Change:
            clock = SlaClock.of(agency, case.sla_policy)
            reopened = reopen(case, by=user.user, clock=clock, now=now)
            return reopened, case_events.reopened(reopened, by=user.user, now=now)

        return await self._run("reopen", case_id, version, user, Action.REOPEN, transition, now)

    async def _run(
        self,
        action: str,
        case_id: UUID,
        version: int,
        user: User,
        needs: Action,
        transition: Transition,
        now: datetime,
        detail: dict[str, Any] | None = None,
    ) -> Done:
        """Check, apply, store with the events, publish; one audit entry whatever happens."""
        audit = _Audit(
            user=user,
            action=action,
            case_id=case_id,
            detail=detail or {},
            agency_id=user.agency_ids[0] if user.agency_ids else None,
        )
        try:
            done = await self._apply(audit, case_id, version, user, needs, transition, now)
        except AgoraError as error:
            await self._record(audit, outcome=error.code, status=error.status, now=now)
            raise
        await self._record(audit, outcome="ok", status=200, now=now)
        return done

    async def _apply(
        self,
        audit: _Audit,
        case_id: UUID,
        version: int,
        user: User,
        needs: Action,
        transition: Transition,
        now: datetime,
    ) -> Done:
        current = (await get_case(case_id=case_id, user=user, cases=self.cases)).case
        audit.agency_id, audit.version_before = current.agency_id, current.version
        if not user.may(needs):
            raise Forbidden("forbidden", f"The {user.role} role cannot {audit.action} cases.")
        if current.version != version:
            raise _stale(current)
        agency = self.config().agency(current.agency_id)
        if agency is None:
            raise Conflict("unknown_agency", f"Agency {current.agency_id!r} is not configured.")
        try:
            case, events = transition(current, agency)
        except CaseRefused as refused:
            raise Conflict(refused.code, str(refused), extra={"case": case_json(current)}) from None
        except InvalidReply as invalid:
            raise Unprocessable(invalid.code, str(invalid)) from None
        case = refreshed(case, now)
        entries = case_events.outbox_entries(events, case=case, now=now)
        if not await self.cases.save(case, seen_version=version, outbox=entries):
            latest = (await get_case(case_id=case_id, user=user, cases=self.cases)).case
            raise _stale(latest)
        audit.version_after = case.version
        published = True
        if entries:
            published = await self.outbox.publish_soon(
                CASES, str(case_id), entries, timeout_s=self.publish_timeout_s
            )
        log.info(
            "case_changed",
            extra={
                "agency_id": case.agency_id,
                "case_id": str(case_id),
                "team": case.team,
                "action": audit.action,
                "outcome": "published" if published else "deferred",
            },
        )
        return Done(case=case, published=published)

    async def _record(self, audit: _Audit, *, outcome: str, status: int, now: datetime) -> None:
        await self.audit.record(
            AuditEntry(
                entry_id=uuid4(),
                at=now,
                agency_id=audit.agency_id,
                user=audit.user.user,
                role=audit.user.role,
                action=audit.action,
                case_id=audit.case_id,
                outcome=outcome,
                status=status,
                version_before=audit.version_before,
                version_after=audit.version_after,
                detail=audit.detail,
            )
        )


def _stale(current: Case) -> Conflict:
    return Conflict(
        "stale_version",
        f"The case changed (now version {current.version}); reload it and try again.",
        extra={"case": case_json(current)},
    )
