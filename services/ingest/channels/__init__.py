"""Platform adapters, one module each; adding a platform adds a line to ``ADAPTERS``."""

from services.ingest.channels.base import ChannelAdapter
from services.ingest.channels.email import EmailAdapter
from services.ingest.channels.generic import GenericAdapter
from services.ingest.channels.mastodon import MastodonAdapter
from services.ingest.channels.meta import MetaAdapter
from services.ingest.channels.open311 import Open311Adapter
from services.ingest.channels.telegram import TelegramAdapter
from services.ingest.channels.twilio import TwilioAdapter
from services.ingest.channels.x import XAdapter

ADAPTERS: dict[str, ChannelAdapter] = {
    "generic": GenericAdapter(),
    "meta": MetaAdapter(),
    "telegram": TelegramAdapter(),
    "twilio": TwilioAdapter(),
    "mastodon": MastodonAdapter(),
    "x": XAdapter(),
    "email": EmailAdapter(),
}

# Offline parsing of saved bodies (``agora webhooks parse``) also knows Open311 requests, which
# arrive through their own endpoint (``/open311/v2/requests.json``), not ``/webhooks/``.
PARSERS: dict[str, ChannelAdapter] = {**ADAPTERS, "open311": Open311Adapter()}

__all__ = ["ADAPTERS", "PARSERS", "ChannelAdapter"]
