"""Platform adapters, one module each; adding a platform adds a line to ``ADAPTERS``."""

from services.ingest.channels.base import ChannelAdapter
from services.ingest.channels.email import EmailAdapter
from services.ingest.channels.generic import GenericAdapter
from services.ingest.channels.meta import MetaAdapter
from services.ingest.channels.open311 import Open311Adapter

ADAPTERS: dict[str, ChannelAdapter] = {
    "generic": GenericAdapter(),
    "meta": MetaAdapter(),
    "email": EmailAdapter(),
    "open311": Open311Adapter(),
}

__all__ = ["ADAPTERS", "ChannelAdapter"]
