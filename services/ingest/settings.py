"""Ingest's own settings."""

from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "ingest"
    DEFAULT_PORT: ClassVar[int] = 8001

    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Larger bodies get 413.")
    publish_timeout_s: float = Field(default=2.0, gt=0, description="Then the relay publishes.")
