"""The 24-hour customer-service window of WhatsApp, Messenger and Instagram messages (pure).

WhatsApp (Cloud API or Twilio) accepts a free-form message only within 24 hours of the
citizen's last message; after that, only a pre-approved template. Messenger and Instagram
direct messages accept free-form messages within 24 hours, then, for a person answering
(not a bot), messages tagged ``HUMAN_AGENT`` up to 7 days; after that, nothing.
Public comments, posts and every other channel have no window. An unknown
``last_inbound_at`` counts as inside: Agora cannot know better than the platform, which
will refuse the message if the window is in fact closed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shared.events import Channel, Kind

WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)

Mode = Literal["free_form", "template", "human_agent_tag", "refuse"]


@dataclass(frozen=True)
class WindowDecision:
    """How a reply may be sent; ``template`` names it, ``reason`` explains a refusal."""

    mode: Mode
    template: str | None = None
    reason: str | None = None


FREE_FORM = WindowDecision("free_form")


def has_window(channel: Channel, kind: Kind | None) -> bool:
    """WhatsApp always; Messenger always (it is messages only); Instagram for direct messages."""
    if channel in (Channel.WHATSAPP, Channel.MESSENGER):
        return True
    return channel is Channel.INSTAGRAM and kind is Kind.DIRECT_MESSAGE


def decide_window(
    *,
    channel: Channel,
    kind: Kind | None,
    last_inbound_at: datetime | None,
    now: datetime,
    template: str | None,
) -> WindowDecision:
    """Free form inside the window; outside it a template, the human agent tag, or a refusal."""
    if not has_window(channel, kind) or last_inbound_at is None:
        return FREE_FORM
    elapsed = now - last_inbound_at
    if elapsed <= WINDOW:
        return FREE_FORM
    if channel is Channel.WHATSAPP:
        if template:
            return WindowDecision("template", template=template)
        return WindowDecision(
            "refuse", reason="outside the 24-hour window and no window_template configured"
        )
    if elapsed <= HUMAN_AGENT_WINDOW:
        return WindowDecision("human_agent_tag")
    return WindowDecision(
        "refuse",
        reason="the citizen last wrote more than 7 days ago: the platform accepts no reply",
    )
