"""Typed ``Depends`` aliases of the report routes, read from ``app.state``."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from services.metrics.agencies import Agencies
from services.metrics.ports import RollupStore
from services.metrics.settings import MetricsSettings
from shared.clock import utc_now

Clock = Callable[[], datetime]


def get_rollups(request: Request) -> RollupStore:
    rollups: RollupStore = request.app.state.rollups
    return rollups


def get_agencies(request: Request) -> Agencies:
    agencies: Agencies = request.app.state.agencies
    return agencies


def get_settings(request: Request) -> MetricsSettings:
    settings: MetricsSettings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Clock:
    """The wall clock, unless the app was given another one (tests pass a fixed time)."""
    clock: Clock = getattr(request.app.state, "clock", utc_now)
    return clock


RollupsDep = Annotated[RollupStore, Depends(get_rollups)]
AgenciesDep = Annotated[Agencies, Depends(get_agencies)]
SettingsDep = Annotated[MetricsSettings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
