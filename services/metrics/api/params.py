"""Query parameters the report routes share; every refusal is a 422 naming the parameter."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import Query
from fastapi.exceptions import RequestValidationError

from services.metrics.reports import parse_group_by

DEFAULT_WINDOW = timedelta(days=30)

Format = Literal["json", "csv"]
FormatQuery = Annotated[
    Format, Query(alias="format", description="json (default) or csv, with a header row.")
]
AgencyQuery = Annotated[str | None, Query(description="One agency; default all.")]


def invalid(field: str, message: str, value: object) -> RequestValidationError:
    """A validation error on query parameter ``field``, answered as a 422."""
    return RequestValidationError(
        [{"loc": ("query", field), "msg": message, "type": "value_error", "input": value}]
    )


def group_fields(value: str, allowed: Sequence[str]) -> tuple[str, ...]:
    try:
        return parse_group_by(value, allowed)
    except ValueError as error:
        raise invalid("group_by", str(error), value) from error


def time_window(
    start: datetime | None, end: datetime | None, *, now: datetime
) -> tuple[datetime, datetime]:
    """``[from, to)``; ``to`` defaults to now and ``from`` to 30 days before ``to``."""
    end = end or now
    start = start or end - DEFAULT_WINDOW
    if start >= end:
        raise invalid("from", "must be earlier than 'to'", start.isoformat())
    return start, end


def day_window(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """Local days ``[from, to)``; ``to`` defaults to tomorrow (today included), ``from`` to
    30 days before ``to``."""
    end = end or today + timedelta(days=1)
    start = start or end - DEFAULT_WINDOW
    if start >= end:
        raise invalid("from", "must be earlier than 'to'", start.isoformat())
    return start, end
