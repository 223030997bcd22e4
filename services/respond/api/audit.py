"""``/audit``: every mutating call, for auditors and admins; ``/me``: who a token is."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from services.respond.api.deps import AuditDep, CurrentUser
from services.respond.domain.access import Action, Role
from services.respond.ports import AuditQuery
from shared.errors import Forbidden

router = APIRouter(tags=["audit"])


class AuditEntryView(BaseModel):
    id: UUID
    at: datetime
    agency_id: str | None
    user: str
    role: str
    action: str = Field(examples=["reply"])
    case_id: UUID | None
    outcome: str = Field(description='"ok", or the error code the call got.', examples=["ok"])
    status: int = Field(examples=[200])
    version_before: int | None
    version_after: int | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntryView]
    total: int
    limit: int
    offset: int


class Me(BaseModel):
    user: str
    role: Role
    teams: list[str]
    agency_ids: list[str]
    permissions: list[str]


@router.get("/me", response_model=Me, summary="Who this token is")
async def me(user: CurrentUser) -> Me:
    return Me(
        user=user.user,
        role=user.role,
        teams=list(user.teams),
        agency_ids=list(user.agency_ids),
        permissions=sorted(a.value for a in Action if user.may(a)),
    )


@router.get("/audit", response_model=AuditPage, summary="The audit log (auditors, admins)")
async def search_audit(
    user: CurrentUser,
    audit: AuditDep,
    case_id: UUID | None = None,
    actor: Annotated[str | None, Query(alias="user")] = None,
    action: str | None = None,
    since: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    until: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditPage:
    """Entries of your agencies, newest first: who did what to which case, and the outcome."""
    if not user.may(Action.AUDIT):
        raise Forbidden("forbidden", f"The {user.role} role cannot read the audit log.")
    entries, total = await audit.search(
        AuditQuery(
            agency_ids=user.agency_ids,
            case_id=case_id,
            user=actor,
            action=action,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
    )
    return AuditPage(
        items=[
            AuditEntryView(
                id=e.entry_id,
                at=e.at,
                agency_id=e.agency_id,
                user=e.user,
                role=e.role,
                action=e.action,
                case_id=e.case_id,
                outcome=e.outcome,
                status=e.status,
                version_before=e.version_before,
                version_after=e.version_after,
                detail=e.detail,
            )
            for e in entries
        ],
        total=total,
        limit=limit,
        offset=offset,
    )
