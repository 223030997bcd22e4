"""Typed ``Depends`` aliases of the report routes, read from ``app.state``."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from services.metrics.agencies import Agencies
from services.metrics.ports import RollupStore
from services.metrics.settings import MetricsSettings
from shared.clock import utc_now
from shared.http import from_state

Clock = Callable[[], datetime]


async def get_clock(request: Request) -> Clock:
    """The wall clock, unless the app was given another one (tests pass a fixed time)."""
    clock: Clock = getattr(request.app.state, "clock", utc_now)
    return clock


RollupsDep = Annotated[RollupStore, Depends(from_state("rollups"))]
AgenciesDep = Annotated[Agencies, Depends(from_state("agencies"))]
SettingsDep = Annotated[MetricsSettings, Depends(from_state("settings"))]
ClockDep = Annotated[Clock, Depends(get_clock)]
