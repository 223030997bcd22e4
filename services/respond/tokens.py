"""Issuing and revoking responder API tokens (the I/O-free part: who a token may be)."""

import secrets
from collections.abc import Sequence

from services.respond.domain.access import AGENCY_WIDE, Role, User
from shared.config import AgoraConfig

TOKEN_BYTES = 32


class TokenRequestError(ValueError):
    """A token request naming an unknown agency or team; ``field`` is the option to fix."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def user_for(
    config: AgoraConfig, *, user: str, role: Role, agencies: Sequence[str], teams: Sequence[str]
) -> User:
    """The user a new token is bound to, checked against the configuration."""
    if not user.strip():
        raise TokenRequestError("--user", "a token is bound to a named user")
    if not agencies:
        raise TokenRequestError("--agency", "name at least one agency")
    known_teams: set[str] = set()
    for agency_id in agencies:
        agency = config.agency(agency_id)
        if agency is None:
            known = ", ".join(a.id for a in config.agencies)
            raise TokenRequestError("--agency", f"no agency {agency_id!r} (known: {known})")
        known_teams |= {t.id for t in agency.teams}
    for team in teams:
        if team not in known_teams:
            known = ", ".join(sorted(known_teams))
            raise TokenRequestError(
                "--team", f"no team {team!r} in these agencies (known: {known})"
            )
    if role not in AGENCY_WIDE and not teams:
        raise TokenRequestError("--team", f"a {role} works for at least one team")
    return User(user=user, role=role, teams=tuple(teams), agency_ids=tuple(agencies))
