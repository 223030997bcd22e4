"""Classify's own settings."""

from typing import ClassVar

from shared.settings import ServiceSettings


class ClassifySettings(ServiceSettings):
    SERVICE: ClassVar[str] = "classify"
    DEFAULT_PORT: ClassVar[int] = 8002
