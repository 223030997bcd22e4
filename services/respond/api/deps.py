"""Typed dependencies of the responder API, read from ``app.state`` (filled by the lifespan)."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.respond.commands import CaseCommands
from services.respond.domain.access import User
from services.respond.instruments import RespondInstruments
from services.respond.ports import AuditLog, CaseRepository, TokenStore
from shared.config import ConfigSource
from shared.errors import Unauthorized
from shared.http import from_state

CasesDep = Annotated[CaseRepository, Depends(from_state("cases"))]
CommandsDep = Annotated[CaseCommands, Depends(from_state("commands"))]
AuditDep = Annotated[AuditLog, Depends(from_state("audit"))]
ConfigDep = Annotated[ConfigSource, Depends(from_state("config_source"))]
TokensDep = Annotated[TokenStore, Depends(from_state("tokens"))]
InstrumentsDep = Annotated[RespondInstruments, Depends(from_state("instruments"))]

_bearer = HTTPBearer(auto_error=False, description="A responder token: `Bearer <token>`.")


async def get_current_user(
    tokens: TokensDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user bound to the ``Authorization: Bearer`` token; 401 when missing or unknown."""
    if credentials is None or not credentials.credentials:
        raise Unauthorized("unauthorized", "Send the header Authorization: Bearer <token>.")
    user = await tokens.user_of(credentials.credentials)
    if user is None:
        raise Unauthorized("unauthorized", "Unknown or revoked token.")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
