"""Metrics' own settings."""

from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class MetricsSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "metrics"
    DEFAULT_PORT: ClassVar[int] = 8004

    retention_days: int = Field(
        default=400, ge=1, description="Timelines, stage records and roll-ups older are purged."
    )
    min_public_group: int = Field(
        default=10, ge=1, description="Fewest conversations behind any published public figure."
    )
    rollup_interval_s: float = Field(
        default=30.0,
        ge=0,
        description="How often the daily roll-ups are refreshed; 0: not by this replica.",
    )
