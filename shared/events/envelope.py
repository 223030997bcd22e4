"""The envelope every event carries."""

from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict


class Event(BaseModel):
    """Base of every event: immutable, tolerant of fields added by newer producers."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    SCHEMA_VERSION: ClassVar[int] = 1

    event_id: UUID
    event_type: str
    schema_version: int = 1
    occurred_at: AwareDatetime
    agency_id: str

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()
