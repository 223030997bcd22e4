"""Who may see and do what (pure).

A user belongs to agencies and, for responders and supervisors, to teams. Admins and auditors
see every team of their agencies. A case of another agency does not exist for the user (404);
a case of another team of the same agency is forbidden (403).
"""

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.config import AgoraConfig

Role = Literal["responder", "supervisor", "admin", "auditor"]
ROLES: tuple[Role, ...] = ("responder", "supervisor", "admin", "auditor")


class Action(StrEnum):
    READ = "read"
    REPLY = "reply"
    NOTE = "note"
    TAG = "tag"
    CLAIM = "claim"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    TRANSFER = "transfer"
    ASSIGN = "assign"  # give the case to someone else
    APPROVE = "approve"  # approve or reject a reply waiting for approval
    AUDIT = "audit"  # read the audit log


_RESPONDER = frozenset(
    {
        Action.READ,
        Action.REPLY,
        Action.NOTE,
        Action.TAG,
        Action.CLAIM,
        Action.RESOLVE,
        Action.REOPEN,
        Action.TRANSFER,
    }
)
PERMISSIONS: dict[Role, frozenset[Action]] = {
    "responder": _RESPONDER,
    "supervisor": _RESPONDER | {Action.ASSIGN, Action.APPROVE},
    "admin": frozenset(Action),
    "auditor": frozenset({Action.READ, Action.AUDIT}),
}
# Roles that see every team of their agencies.
AGENCY_WIDE: frozenset[Role] = frozenset({"admin", "auditor"})

Visibility = Literal["visible", "other_team", "other_agency"]


class User(BaseModel):
    """A responder API user; a token is bound to exactly one."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    user: str
    role: Role
    teams: tuple[str, ...] = ()
    agency_ids: tuple[str, ...] = ()

    def may(self, action: Action) -> bool:
        return action in PERMISSIONS[self.role]

    def visibility(self, agency_id: str, team: str) -> Visibility:
        if agency_id not in self.agency_ids:
            return "other_agency"
        if self.role in AGENCY_WIDE or team in self.teams:
            return "visible"
        return "other_team"

    def can_see(self, agency_id: str, team: str) -> bool:
        return self.visibility(agency_id, team) == "visible"

    def teams_in(self, config: AgoraConfig) -> tuple[str, ...]:
        """The teams whose cases this user lists."""
        if self.role not in AGENCY_WIDE:
            return self.teams
        return tuple(
            team.id
            for agency in config.agencies
            if agency.id in self.agency_ids
            for team in agency.teams
        )

    @property
    def can_act(self) -> bool:
        return self.may(Action.REPLY)


def supervisor_of_everything(config: AgoraConfig, *, user: str) -> User:
    """A supervisor of every team of every agency (the local runner's demo user)."""
    return User(
        user=user,
        role="supervisor",
        teams=tuple(sorted({team.id for agency in config.agencies for team in agency.teams})),
        agency_ids=tuple(agency.id for agency in config.agencies),
    )
