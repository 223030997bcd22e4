"""``/public/transparency`` (JSON or CSV) and ``/public/`` (an HTML page): how fast each agency
answers, per channel and topic, with small groups suppressed; no personal data."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from services.metrics import usecases
from services.metrics.api.csv_export import CSV_CONTENT, csv_response
from services.metrics.api.deps import AgenciesDep, ClockDep, SettingsDep
from services.metrics.api.params import AgencyQuery, FormatQuery, time_window
from services.metrics.api.public_page import Lang, Page, render
from services.metrics.deps import StoreDep
from services.metrics.transparency import PublicRow

router = APIRouter(tags=["public"])

FromQuery = Annotated[AwareDatetime | None, Query(alias="from")]
# The page embeds its own style and nothing else: no script, no external asset.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Cache-Control": "public, max-age=300",
}


class PublicRowOut(BaseModel):
    agency_id: str
    agency: str
    channel: str | None
    topic: str | None
    other: bool = Field(description="The agency's small groups, merged (channel, topic unset).")
    cases: int
    median_first_response_s: float | None
    within_target_share: float | None


class TransparencyOut(BaseModel):
    from_: datetime = Field(serialization_alias="from")
    to: datetime
    min_group_size: int = Field(description="Fewest conversations behind any figure.")
    rows: list[PublicRowOut]


async def _rows(
    store: StoreDep,
    agencies: AgenciesDep,
    settings: SettingsDep,
    clock: ClockDep,
    start: datetime | None,
    end: datetime | None,
    agency: str | None,
) -> tuple[datetime, datetime, list[PublicRow]]:
    now = clock()
    start, end = time_window(start, end, now=now)
    rows = await usecases.public_transparency(
        store=store,
        agencies=agencies,
        start=start,
        end=end,
        agency_id=agency,
        min_group=settings.min_public_group,
        now=now,
    )
    return start, end, rows


@router.get(
    "/public/transparency",
    response_model=TransparencyOut,
    responses=CSV_CONTENT,
    summary="Public figures per agency, channel and topic",
)
async def transparency(
    store: StoreDep,
    agencies: AgenciesDep,
    settings: SettingsDep,
    clock: ClockDep,
    from_: FromQuery = None,
    to: AwareDatetime | None = None,
    agency: AgencyQuery = None,
    format_: FormatQuery = "json",
) -> Response:
    """Conversations first received in ``[from, to)`` (default: the last 30 days): volume,
    median first response and share answered within target, for groups of at least
    ``min_group_size`` conversations (smaller ones merged into one "other" row per agency).
    """
    start, end, rows = await _rows(store, agencies, settings, clock, from_, to, agency)
    if format_ == "csv":
        header = list(PublicRowOut.model_fields)
        return csv_response(
            "transparency.csv", header, [[getattr(r, h) for h in header] for r in rows]
        )
    body = TransparencyOut(
        from_=start,
        to=end,
        min_group_size=settings.min_public_group,
        rows=[PublicRowOut.model_validate(asdict(r)) for r in rows],
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True))


@router.get("/public/", response_class=HTMLResponse, summary="Public transparency page")
@router.get("/public/transparency.html", response_class=HTMLResponse, include_in_schema=False)
async def transparency_page(
    store: StoreDep,
    agencies: AgenciesDep,
    settings: SettingsDep,
    clock: ClockDep,
    from_: FromQuery = None,
    to: AwareDatetime | None = None,
    agency: AgencyQuery = None,
    lang: Lang = "en",
) -> HTMLResponse:
    """The same figures as ``/public/transparency``, as a page anyone can read."""
    start, end, rows = await _rows(store, agencies, settings, clock, from_, to, agency)
    query = {"from": start.isoformat(), "to": end.isoformat()}
    if agency is not None:
        query["agency"] = agency
    page = Page(
        rows=rows,
        start=start,
        end=end,
        min_group=settings.min_public_group,
        lang=lang,
        data_url=f"/public/transparency?{urlencode(query)}",
    )
    return HTMLResponse(render(page), headers=PAGE_HEADERS)
