"""Classify's own settings."""

from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class ClassifySettings(ServiceSettings):
    SERVICE: ClassVar[str] = "classify"
    DEFAULT_PORT: ClassVar[int] = 8002

    use_models: bool = Field(
        default=True, description="The sentence encoder and heads; off: keyword rules only."
    )
