"""Secrets are named in agora.yaml and read from the environment, here only."""

import os

from shared.config import Connection
from shared.config.models import REQUIRED_SECRETS


def connection_secrets(connection: Connection) -> tuple[dict[str, str], list[str]]:
    """The connection's secrets by field name, and the environment variables that are unset."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for field in REQUIRED_SECRETS[connection.channel]:
        env_name = getattr(connection, field)
        value = os.environ.get(env_name) if env_name else None
        if value:
            found[field] = value
        else:
            missing.append(str(env_name))
    return found, missing


def env_value(env_name: str | None) -> str | None:
    """The value of a secret named in agora.yaml, or None when unset."""
    return (os.environ.get(env_name) or None) if env_name else None
