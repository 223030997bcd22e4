"""Ingest's own settings."""

from typing import ClassVar

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "ingest"
    DEFAULT_PORT: ClassVar[int] = 8001

    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Larger bodies get 413.")
    publish_timeout_s: float = Field(default=2.0, gt=0, description="Then the relay publishes.")
    operator_token: SecretStr | None = Field(
        default=None,
        description="Bearer token of the operator endpoints (quarantine); unset disables them.",
    )
    mastodon_poll_interval_s: float = Field(default=30.0, gt=0)
