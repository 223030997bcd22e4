"""Respond's own settings."""

from typing import ClassVar

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings


class RespondSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "respond"
    DEFAULT_PORT: ClassVar[int] = 8003

    demo_token: SecretStr | None = Field(
        default=None,
        description="AGORA_DEMO_TOKEN: a bearer token made supervisor of every team at start-up.",
    )
    publish_timeout_s: float = Field(
        default=2.0,
        gt=0,
        description="How long a responder action waits for Kafka before leaving it to the relay.",
    )
    delivery_base_url: str | None = Field(
        default=None,
        description=(
            "AGORA_DELIVERY_BASE_URL: send every reply to this base URL instead of the platforms'"
            " (the local platform simulator)."
        ),
    )
    delivery_attempts: int = Field(
        default=5, ge=1, description="Calls to a platform's API before a reply is marked failed."
    )
    delivery_backoff_s: float = Field(
        default=0.5, gt=0, description="First retry delay; doubled at each attempt."
    )
    delivery_timeout_s: float = Field(
        default=10.0, gt=0, description="How long one call to a platform's API may take."
    )
    escalation_interval_s: float = Field(
        default=30.0, ge=0, description="How often SLA levels are checked (0: never)."
    )
    config_reload_s: float = Field(
        default=5.0, ge=0, description="How often agora.yaml is re-read when changed (0: never)."
    )
