"""Who may see and act on which cases (pure)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.config import AgoraConfig

Role = Literal["responder", "supervisor", "admin", "auditor"]

# Roles that only read: they never change a case.
READ_ONLY_ROLES: frozenset[str] = frozenset({"auditor"})


class User(BaseModel):
    """A responder API user; a token is bound to exactly one."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    user: str
    role: Role
    teams: tuple[str, ...] = ()
    agency_ids: tuple[str, ...] = ()

    def can_see(self, agency_id: str, team: str) -> bool:
        """Only cases of the user's own teams, in the user's own agencies."""
        return agency_id in self.agency_ids and team in self.teams

    @property
    def can_act(self) -> bool:
        return self.role not in READ_ONLY_ROLES


def supervisor_of_everything(config: AgoraConfig, *, user: str) -> User:
    """A supervisor of every team of every agency (the local runner's demo user)."""
    return User(
        user=user,
        role="supervisor",
        teams=tuple(sorted({team.id for agency in config.agencies for team in agency.teams})),
        agency_ids=tuple(agency.id for agency in config.agencies),
    )
