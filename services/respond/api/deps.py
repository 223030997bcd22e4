"""Typed dependencies of the responder API, read from ``app.state`` (filled by the lifespan)."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.respond.domain.access import User
from services.respond.instruments import RespondInstruments
from services.respond.ports import CaseRepository, Publisher, TokenStore
from services.respond.settings import RespondSettings
from shared.errors import Unauthorized


def get_settings(request: Request) -> RespondSettings:
    settings: RespondSettings = request.app.state.settings
    return settings


def get_cases(request: Request) -> CaseRepository:
    cases: CaseRepository = request.app.state.cases
    return cases


def get_outbox(request: Request) -> Publisher:
    outbox: Publisher = request.app.state.outbox
    return outbox


def get_tokens(request: Request) -> TokenStore:
    tokens: TokenStore = request.app.state.tokens
    return tokens


def get_instruments(request: Request) -> RespondInstruments:
    instruments: RespondInstruments = request.app.state.instruments
    return instruments


SettingsDep = Annotated[RespondSettings, Depends(get_settings)]
CasesDep = Annotated[CaseRepository, Depends(get_cases)]
OutboxDep = Annotated[Publisher, Depends(get_outbox)]
TokensDep = Annotated[TokenStore, Depends(get_tokens)]
InstrumentsDep = Annotated[RespondInstruments, Depends(get_instruments)]

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
