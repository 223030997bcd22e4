"""``/reports/response-times``: time to first response of the cases opened in a window."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from services.metrics import usecases
from services.metrics.api.csv_export import CSV_CONTENT, csv_response
from services.metrics.api.deps import AgenciesDep, ClockDep
from services.metrics.api.params import AgencyQuery, FormatQuery, group_fields, time_window
from services.metrics.deps import StoreDep
from services.metrics.reports import GROUP_FIELDS, GroupStats

router = APIRouter(tags=["reports"])


class GroupOut(BaseModel):
    key: dict[str, str | None]
    count: int
    answered: int
    unanswered: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None
    business_median_s: float | None = Field(description="In the SLA policy's business hours.")
    business_p90_s: float | None
    business_mean_s: float | None
    within_target: int = Field(description="Answered by the first-response due time.")
    breached: int = Field(description="Answered late, or unanswered and overdue now.")
    pending: int = Field(description="Unanswered, not yet due.")
    sla_attainment: float | None = Field(description="within_target / (within_target + breached)")


class ResponseTimesOut(BaseModel):
    from_: datetime = Field(serialization_alias="from")
    to: datetime
    group_by: list[str]
    groups: list[GroupOut]


STAT_COLUMNS = tuple(name for name in GroupOut.model_fields if name != "key")


def _csv(fields: tuple[str, ...], groups: list[GroupStats]) -> Response:
    rows = []
    for group in groups:
        stats = asdict(group)
        rows.append([*(group.key[f] for f in fields), *(stats[c] for c in STAT_COLUMNS)])
    return csv_response("response-times.csv", [*fields, *STAT_COLUMNS], rows)


@router.get(
    "/reports/response-times",
    response_model=ResponseTimesOut,
    responses=CSV_CONTENT,
    summary="Time to first response and SLA attainment, grouped",
)
async def response_times(
    store: StoreDep,
    agencies: AgenciesDep,
    clock: ClockDep,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: AwareDatetime | None = None,
    group_by: Annotated[str, Query(description="Any of " + ",".join(GROUP_FIELDS))] = "",
    agency: AgencyQuery = None,
    format_: FormatQuery = "json",
) -> Response:
    """Cases whose first interaction arrived in ``[from, to)`` (default: the last 30 days):
    count, median, p90 and mean time to first response in calendar and business time, and
    SLA attainment (unanswered cases past their due time count as breached).

    Aggregates only: counts and seconds, never a case, a message or a person.
    """
    fields = group_fields(group_by, GROUP_FIELDS)
    now = clock()
    start, end = time_window(from_, to, now=now)
    groups = await usecases.response_times(
        store=store,
        agencies=agencies,
        start=start,
        end=end,
        agency_id=agency,
        group_by=fields,
        now=now,
    )
    if format_ == "csv":
        return _csv(fields, groups)
    body = ResponseTimesOut(
        from_=start,
        to=end,
        group_by=list(fields),
        groups=[GroupOut.model_validate(asdict(g)) for g in groups],
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True))
