"""``/reports/response-times``: time to first response of the cases opened in a window."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime, BaseModel, Field

from services.metrics.deps import StoreDep
from services.metrics.reports import parse_group_by, summarise
from shared.clock import utc_now

router = APIRouter(tags=["reports"])

DEFAULT_WINDOW = timedelta(days=30)


class GroupOut(BaseModel):
    key: dict[str, str | None]
    count: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None
    answered: int
    unanswered: int


class ResponseTimesOut(BaseModel):
    from_: datetime = Field(serialization_alias="from")
    to: datetime
    group_by: list[str]
    groups: list[GroupOut]


def _invalid(field: str, message: str, value: object) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("query", field), "msg": message, "type": "value_error", "input": value}]
    )


@router.get(
    "/reports/response-times",
    response_model=ResponseTimesOut,
    summary="Time to first response, grouped",
)
async def response_times(
    store: StoreDep,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: AwareDatetime | None = None,
    group_by: Annotated[str, Query(description="Any of team,channel,priority.")] = "",
    agency: Annotated[str | None, Query(description="One agency; default all.")] = None,
) -> ResponseTimesOut:
    """Cases whose first interaction arrived in ``[from, to)`` (default: the last 30 days).

    Aggregates only: counts and seconds, never a case, a message or a person.
    """
    try:
        fields = parse_group_by(group_by)
    except ValueError as error:
        raise _invalid("group_by", str(error), group_by) from error
    end = to or utc_now()
    start = from_ or end - DEFAULT_WINDOW
    if start >= end:
        raise _invalid("from", "must be earlier than 'to'", from_)
    samples = await store.response_time_samples(start=start, end=end, agency_id=agency)
    return ResponseTimesOut(
        from_=start,
        to=end,
        group_by=list(fields),
        groups=[
            GroupOut.model_validate(g, from_attributes=True) for g in summarise(samples, fields)
        ],
    )
