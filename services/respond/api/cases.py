"""``/cases``: the queue of the user's teams, one case with its thread, and replies."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.respond import usecases
from services.respond.api.deps import (
    CasesDep,
    CurrentUser,
    InstrumentsDep,
    OutboxDep,
    SettingsDep,
)
from services.respond.domain.cases import MAX_REPLY_CHARS, CaseStatus
from services.respond.ports import CaseQuery
from services.respond.views import CaseDetail, CasePage, case_detail, case_summary
from shared.clock import utc_now
from shared.config.models import Priority
from shared.events import Channel

router = APIRouter(prefix="/cases", tags=["cases"])


class ErrorBody(BaseModel):
    error: str = Field(examples=["case_not_found"])
    detail: str = Field(examples=["No such case in your teams."])


class ConflictBody(ErrorBody):
    case: CaseDetail = Field(description="The case as it is now: reload, then retry.")


class CaseFilters(BaseModel):
    status: CaseStatus | None = None
    team: str | None = None
    priority: Priority | None = None
    channel: Channel | None = None
    assignee: str | None = None
    conversation_id: str | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class ReplyBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "Merci, une équipe passe demain matin.", "version": 1}]
        },
    )

    text: str = Field(min_length=1, max_length=MAX_REPLY_CHARS, description="Sent as written.")
    version: int = Field(ge=1, description="The case version the reply was written against.")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("a reply needs some text")
        return text


class ReplyCreated(BaseModel):
    reply_id: UUID
    case: CaseDetail


Responses = dict[int | str, dict[str, Any]]

_UNAUTHORIZED: Responses = {401: {"model": ErrorBody, "description": "Missing or unknown token."}}
_NOT_FOUND: Responses = {404: {"model": ErrorBody, "description": "No such case in your teams."}}


@router.get("", response_model=CasePage, responses=_UNAUTHORIZED, summary="List cases")
async def list_cases(
    filters: Annotated[CaseFilters, Query()], user: CurrentUser, cases: CasesDep
) -> CasePage:
    """Cases of your teams, the first response due soonest first (no due time last)."""
    query = CaseQuery(**filters.model_dump(mode="json"))
    items, total = await usecases.list_cases(query, user=user, cases=cases)
    return CasePage(
        items=[case_summary(c) for c in items],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.get(
    "/{case_id}",
    response_model=CaseDetail,
    responses={**_UNAUTHORIZED, **_NOT_FOUND},
    summary="Read one case and its thread",
)
async def get_case(case_id: UUID, user: CurrentUser, cases: CasesDep) -> CaseDetail:
    stored = await usecases.get_case(case_id=case_id, user=user, cases=cases)
    return case_detail(stored.case)


@router.post(
    "/{case_id}/replies",
    status_code=status.HTTP_201_CREATED,
    response_model=ReplyCreated,
    responses={
        **_UNAUTHORIZED,
        403: {"model": ErrorBody, "description": "Your role cannot change cases."},
        **_NOT_FOUND,
        409: {"model": ConflictBody, "description": "The case changed since `version`."},
        422: {"model": ErrorBody, "description": "The body is not a valid reply."},
    },
    summary="Reply to the citizen",
)
async def post_reply(
    case_id: UUID,
    body: Annotated[
        ReplyBody,
        Body(
            openapi_examples={
                "reply": {
                    "summary": "A first response",
                    "value": {"text": "Merci, une équipe passe demain matin.", "version": 1},
                }
            }
        ),
    ],
    user: CurrentUser,
    cases: CasesDep,
    outbox: OutboxDep,
    settings: SettingsDep,
    instruments: InstrumentsDep,
) -> ReplyCreated:
    """Store the reply and send it to the platform; 409 with the current case if it moved on."""
    posted = await usecases.post_reply(
        case_id=case_id,
        text=body.text,
        version=body.version,
        user=user,
        cases=cases,
        outbox=outbox,
        now=utc_now(),
        publish_timeout_s=settings.publish_timeout_s,
    )
    instruments.observe_reply(posted)
    return ReplyCreated(reply_id=posted.reply_id, case=case_detail(posted.case))
