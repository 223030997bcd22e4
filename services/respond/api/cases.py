"""``/cases``: the queue of the user's teams, one case with its thread, and what responders do.

Every change sends the case ``version`` it was decided on; a stale one gets 409 with the case
as it is now.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.respond import usecases
from services.respond.api.deps import (
    CasesDep,
    CommandsDep,
    ConfigDep,
    CurrentUser,
    InstrumentsDep,
)
from services.respond.commands import CaseCommands, Done
from services.respond.domain.cases import MAX_NOTE_CHARS, MAX_REPLY_CHARS, CaseStatus
from services.respond.ports import CaseQuery
from services.respond.views import CaseDetail, CasePage, case_detail, case_summary
from shared.clock import utc_now
from shared.config import AgoraConfig
from shared.config.models import Priority
from shared.events import Channel

router = APIRouter(prefix="/cases", tags=["cases"])

TAG_PATTERN = r"^[\w][\w-]{0,39}$"


class ErrorBody(BaseModel):
    error: str = Field(examples=["case_not_found"])
    detail: str = Field(examples=["No such case."])


class ConflictBody(ErrorBody):
    case: CaseDetail = Field(description="The case as it is now: reload, then retry.")


class CaseFilters(BaseModel):
    status: CaseStatus | None = None
    team: str | None = None
    priority: Priority | None = None
    channel: Channel | None = None
    assignee: str | None = None
    conversation_id: str | None = None
    escalation: str | None = Field(default=None, pattern="^(none|at_risk|breached)$")
    tag: str | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The case version this change was decided on.")


def _text(value: str, what: str) -> str:
    if not value.strip():
        raise ValueError(f"a {what} needs some text")
    return value


class ReplyBody(_Change):
    text: str = Field(min_length=1, max_length=MAX_REPLY_CHARS, description="Sent as written.")
    wait_for_citizen: bool = Field(
        default=False,
        description="The reply asks the citizen something: stop the SLA clock until they answer.",
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        return _text(text, "reply")


class ReviewBody(_Change):
    note: str | None = Field(default=None, max_length=1000, description="Why, for the author.")


class AssignBody(_Change):
    team: str | None = Field(default=None, description="Another team: the case is transferred.")
    assignee: str | None = Field(
        default=None,
        description=(
            "A member of the team, or null for the team queue. Left out with a new team: the"
            " least-loaded member who speaks the case's language gets it."
        ),
    )


class NoteBody(_Change):
    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS, description="Staff only.")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        return _text(text, "note")


class TagsBody(_Change):
    add: list[Annotated[str, Field(pattern=TAG_PATTERN)]] = Field(default=[], max_length=20)
    remove: list[Annotated[str, Field(pattern=TAG_PATTERN)]] = Field(default=[], max_length=20)


class CaseChanged(BaseModel):
    case: CaseDetail


class ReplyCreated(BaseModel):
    reply_id: UUID
    held: bool = Field(description="True: it waits for a supervisor's approval, not sent yet.")
    case: CaseDetail


Responses = dict[int | str, dict[str, Any]]
Route = Callable[..., Awaitable[CaseChanged]]
VersionCommand = Callable[..., Awaitable[Done]]

_READ: Responses = {
    401: {"model": ErrorBody, "description": "Missing or unknown token."},
    403: {"model": ErrorBody, "description": "A case of another team of your agency."},
    404: {"model": ErrorBody, "description": "No such case in your agencies."},
}
_CHANGE: Responses = {
    **_READ,
    403: {"model": ErrorBody, "description": "Another team's case, or your role cannot do it."},
    409: {
        "model": ConflictBody,
        "description": "The case changed since `version`, or cannot take this change now.",
    },
    422: {"model": ErrorBody, "description": "The body names a bad field."},
}


def _example(summary: str, value: dict[str, object]) -> dict[str, dict[str, object]]:
    return {"example": {"summary": summary, "value": value}}


def _changed(done: Done, config: AgoraConfig) -> CaseChanged:
    return CaseChanged(case=case_detail(done.case, config.agency(done.case.agency_id)))


@router.get("", response_model=CasePage, responses=_READ, summary="List cases")
async def list_cases(
    filters: Annotated[CaseFilters, Query()], user: CurrentUser, cases: CasesDep, config: ConfigDep
) -> CasePage:
    """Cases of your teams: breached first, then at risk, then the first response due soonest
    (no due time last)."""
    query = CaseQuery(**filters.model_dump(mode="json"))
    items, total = await usecases.list_cases(query, user=user, cases=cases, config=config.current)
    return CasePage(
        items=[case_summary(c) for c in items],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.get(
    "/{case_id}", response_model=CaseDetail, responses=_READ, summary="Read one case and its thread"
)
async def get_case(
    case_id: UUID, user: CurrentUser, cases: CasesDep, config: ConfigDep
) -> CaseDetail:
    """The thread, notes, history, SLA state, deliveries, and suggested replies."""
    stored = await usecases.get_case(case_id=case_id, user=user, cases=cases)
    return case_detail(stored.case, config.current.agency(stored.case.agency_id))


@router.post(
    "/{case_id}/replies",
    status_code=status.HTTP_201_CREATED,
    response_model=ReplyCreated,
    responses=_CHANGE,
    summary="Reply to the citizen",
)
async def post_reply(
    case_id: UUID,
    body: Annotated[
        ReplyBody,
        Body(
            openapi_examples={
                **_example(
                    "A first response",
                    {"text": "Merci, une équipe passe demain matin.", "version": 1},
                ),
                "question": {
                    "summary": "A question: the SLA clock stops until the citizen answers",
                    "value": {
                        "text": "Pouvez-vous préciser l'adresse ?",
                        "version": 2,
                        "wait_for_citizen": True,
                    },
                },
            }
        ),
    ],
    user: CurrentUser,
    commands: CommandsDep,
    config: ConfigDep,
    instruments: InstrumentsDep,
) -> ReplyCreated:
    """Store the reply and send it to the platform, or hold it for approval when your team
    requires one."""
    done = await commands.reply(
        case_id,
        version=body.version,
        user=user,
        now=utc_now(),
        text=body.text,
        wait_for_citizen=body.wait_for_citizen,
    )
    instruments.observe_reply(done)
    return ReplyCreated(
        reply_id=done.reply.entry.reply_id,
        held=done.reply.entry.approval == "pending",
        case=_changed(done, config.current).case,
    )


def _review_route(*, approve: bool, example: dict[str, object]) -> Route:
    """Approve (the reply is sent now) or reject (it is never sent) a held reply."""
    examples = _example("Approve" if approve else "Reject", example)

    async def review(
        case_id: UUID,
        reply_id: UUID,
        body: Annotated[ReviewBody, Body(openapi_examples=examples)],
        user: CurrentUser,
        commands: CommandsDep,
        config: ConfigDep,
    ) -> CaseChanged:
        done = await commands.review(
            case_id,
            version=body.version,
            user=user,
            now=utc_now(),
            reply_id=reply_id,
            approve=approve,
            note=body.note,
        )
        return _changed(done, config.current)

    return review


def _version_route(
    action: Callable[[CaseCommands], VersionCommand], example: dict[str, object]
) -> Route:
    """A change that needs nothing but the version it was decided on."""
    examples = _example("Change", example)

    async def change(
        case_id: UUID,
        body: Annotated[_Change, Body(openapi_examples=examples)],
        user: CurrentUser,
        commands: CommandsDep,
        config: ConfigDep,
    ) -> CaseChanged:
        done = await action(commands)(case_id, version=body.version, user=user, now=utc_now())
        return _changed(done, config.current)

    return change


router.post(
    "/{case_id}/replies/{reply_id}/approve",
    response_model=CaseChanged,
    responses=_CHANGE,
    summary="Approve a held reply (supervisor): it is sent now",
    name="approve_reply",
)(_review_route(approve=True, example={"version": 3}))
router.post(
    "/{case_id}/replies/{reply_id}/reject",
    response_model=CaseChanged,
    responses=_CHANGE,
    summary="Reject a held reply (supervisor): it is never sent",
    name="reject_reply",
)(_review_route(approve=False, example={"version": 3, "note": "Give the opening hours instead."}))
router.post(
    "/{case_id}/claim",
    response_model=CaseChanged,
    responses=_CHANGE,
    summary="Take the case",
    description="Assign an unassigned case of your team to yourself; 409 if someone holds it.",
    name="claim_case",
)(_version_route(lambda c: c.claim, {"version": 1}))
router.post(
    "/{case_id}/resolve",
    response_model=CaseChanged,
    responses=_CHANGE,
    summary="Resolve",
    name="resolve_case",
)(_version_route(lambda c: c.resolve, {"version": 4}))
router.post(
    "/{case_id}/reopen",
    response_model=CaseChanged,
    responses=_CHANGE,
    summary="Reopen",
    description="A resolved case opens again, with its resolution due counted from now.",
    name="reopen_case",
)(_version_route(lambda c: c.reopen, {"version": 5}))


@router.post(
    "/{case_id}/assign",
    response_model=CaseChanged,
    responses=_CHANGE,
    summary="Assign, reassign or transfer the case",
)
async def assign_case(
    case_id: UUID,
    body: Annotated[
        AssignBody,
        Body(
            openapi_examples={
                **_example("Reassign (supervisor)", {"version": 2, "assignee": "bob"}),
                "transfer": {
                    "summary": "Transfer to another team (auto-assigned there)",
                    "value": {"version": 2, "team": "proprete"},
                },
                "queue": {
                    "summary": "Back to the team queue",
                    "value": {"version": 2, "assignee": None},
                },
            }
        ),
    ],
    user: CurrentUser,
    commands: CommandsDep,
    config: ConfigDep,
) -> CaseChanged:
    """Responders transfer cases and take or release their own; giving a case to someone
    else is for supervisors."""
    done = await commands.assign(
        case_id,
        version=body.version,
        user=user,
        now=utc_now(),
        team=body.team,
        assignee=body.assignee,
        auto=body.team is not None and "assignee" not in body.model_fields_set,
    )
    return _changed(done, config.current)


@router.post(
    "/{case_id}/notes", response_model=CaseChanged, responses=_CHANGE, summary="Add a note"
)
async def add_note(
    case_id: UUID,
    body: Annotated[
        NoteBody,
        Body(openapi_examples=_example("Note", {"text": "Déjà signalé hier.", "version": 2})),
    ],
    user: CurrentUser,
    commands: CommandsDep,
    config: ConfigDep,
) -> CaseChanged:
    """An internal note, for staff only."""
    done = await commands.note(
        case_id, version=body.version, user=user, now=utc_now(), text=body.text
    )
    return _changed(done, config.current)


@router.post("/{case_id}/tags", response_model=CaseChanged, responses=_CHANGE, summary="Tag")
async def tag_case(
    case_id: UUID,
    body: Annotated[
        TagsBody,
        Body(
            openapi_examples=_example(
                "Tag", {"version": 2, "add": ["pothole"], "remove": ["to-check"]}
            )
        ),
    ],
    user: CurrentUser,
    commands: CommandsDep,
    config: ConfigDep,
) -> CaseChanged:
    done = await commands.tag(
        case_id,
        version=body.version,
        user=user,
        now=utc_now(),
        add=tuple(body.add),
        remove=tuple(body.remove),
    )
    return _changed(done, config.current)
