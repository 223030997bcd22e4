"""``/reports/volumes``: interactions and cases over time, with topic and sentiment trends."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from services.metrics import usecases
from services.metrics.api.csv_export import CSV_CONTENT, csv_response
from services.metrics.api.deps import ClockDep, RollupsDep
from services.metrics.api.params import AgencyQuery, FormatQuery, day_window, group_fields
from services.metrics.rollups import COUNT_FIELDS
from services.metrics.volumes import VOLUME_FIELDS, Interval, VolumePoint

router = APIRouter(tags=["reports"])


class PointOut(BaseModel):
    period: str = Field(description="The day, the Monday of the week, or the month (YYYY-MM).")
    key: dict[str, str | None]
    interactions: int = Field(description="Messages received in the period.")
    cases: int = Field(description="Cases whose first message was received in the period.")
    answered: int = Field(description="Of those cases, the ones answered so far.")
    within_target: int = Field(description="Of those, the ones answered by their due time.")

    @classmethod
    def of(cls, point: VolumePoint) -> "PointOut":
        counts = point.counts
        return cls(
            period=point.period,
            key=point.key,
            interactions=counts.interactions,
            cases=counts.cases,
            answered=counts.answered,
            within_target=counts.within_target,
        )


class VolumesOut(BaseModel):
    from_: date = Field(serialization_alias="from")
    to: date
    interval: Interval
    group_by: list[str]
    series: list[PointOut]
    topics: list[PointOut] = Field(description="The same periods, by topic.")
    sentiments: list[PointOut] = Field(description="The same periods, by sentiment.")


def _csv(fields: tuple[str, ...], series: list[VolumePoint]) -> Response:
    rows = [
        [p.period, *(p.key[f] for f in fields), *(getattr(p.counts, c) for c in COUNT_FIELDS)]
        for p in series
    ]
    return csv_response("volumes.csv", ["period", *fields, *COUNT_FIELDS], rows)


@router.get(
    "/reports/volumes",
    response_model=VolumesOut,
    responses=CSV_CONTENT,
    summary="Interactions and cases over time; topic and sentiment trends",
)
async def volumes(
    rollups: RollupsDep,
    clock: ClockDep,
    from_: Annotated[date | None, Query(alias="from", description="First local day.")] = None,
    to: Annotated[date | None, Query(description="Day after the last one.")] = None,
    interval: Interval = "day",
    group_by: Annotated[str, Query(description="Any of " + ",".join(VOLUME_FIELDS))] = "",
    agency: AgencyQuery = None,
    format_: FormatQuery = "json",
) -> Response:
    """Local days ``[from, to)`` of each agency (default: the last 30 days), from the daily
    roll-ups. CSV carries the series; group by topic or sentiment for the trends in CSV.
    """
    fields = group_fields(group_by, VOLUME_FIELDS)
    start, end = day_window(from_, to, today=clock().date())
    result = await usecases.volumes(
        rollups=rollups,
        start=start,
        end=end,
        agency_id=agency,
        interval=interval,
        group_by=fields,
    )
    if format_ == "csv":
        return _csv(fields, result.series)
    body = VolumesOut(
        from_=start,
        to=end,
        interval=interval,
        group_by=list(fields),
        series=[PointOut.of(p) for p in result.series],
        topics=[PointOut.of(p) for p in result.topics],
        sentiments=[PointOut.of(p) for p in result.sentiments],
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True))
