"""Service settings from the environment (``AGORA_*``), defaults matching the local runner."""

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CONFIG = Path(__file__).parent / "config" / "demo.agora.yaml"


class KafkaSettings(BaseModel):
    bootstrap_servers: str = "127.0.0.1:9092"
    partitions: int = Field(default=4, ge=1, description="Partitions of each topic created.")
    replication_factor: int = Field(
        default=1, ge=1, description="Replicas of each topic a service creates (1 locally)."
    )


class MongoSettings(BaseModel):
    uri: SecretStr = SecretStr("mongodb://127.0.0.1:27017/?directConnection=true")
    database: str | None = Field(default=None, description="Default: agora_<service>.")
    server_selection_timeout_ms: int = 5000


class TelemetrySettings(BaseModel):
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    otlp_endpoint: str | None = None


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=1, le=65535, description="Default per service.")


class ServiceSettings(BaseSettings):
    """What every service needs; each service subclasses it with only its own fields."""

    model_config = SettingsConfigDict(
        env_prefix="AGORA_", env_nested_delimiter="__", extra="ignore"
    )

    SERVICE: ClassVar[str] = "agora"
    DEFAULT_PORT: ClassVar[int] = 8000

    config: Path = Field(default=DEFAULT_CONFIG, description="Path of the agency agora.yaml.")
    kafka: KafkaSettings = KafkaSettings()
    mongo: MongoSettings = MongoSettings()
    telemetry: TelemetrySettings = TelemetrySettings()
    http: HttpSettings = HttpSettings()

    @property
    def database_name(self) -> str:
        return self.mongo.database or f"agora_{self.SERVICE}"

    @property
    def port(self) -> int:
        return self.http.port or self.DEFAULT_PORT
