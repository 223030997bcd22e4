"""Metrics' own settings."""

from typing import ClassVar

from shared.settings import ServiceSettings


class MetricsSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "metrics"
    DEFAULT_PORT: ClassVar[int] = 8004
