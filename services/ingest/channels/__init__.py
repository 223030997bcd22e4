"""Platform adapters, one module each; adding a platform adds a line to ``ADAPTERS``."""

from services.ingest.channels.base import ChannelAdapter
from services.ingest.channels.generic import GenericAdapter

ADAPTERS: dict[str, ChannelAdapter] = {
    "generic": GenericAdapter(),
}

__all__ = ["ADAPTERS", "ChannelAdapter"]
