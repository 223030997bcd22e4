"""The 24-hour window: which channels have one and what a reply may be outside it."""

import pytest

from services.respond.delivery.window import decide_window
from shared.events import Channel, Kind
from tests.unit.respond.delivery.replies import NOW, hours_ago

OUTSIDE_24H = hours_ago(30)
OUTSIDE_7D = hours_ago(24 * 8)


def decide(channel: Channel, kind: Kind | None, last_inbound_hours: float | None, template=None):
    last = hours_ago(last_inbound_hours) if last_inbound_hours is not None else None
    return decide_window(
        channel=channel, kind=kind, last_inbound_at=last, now=NOW, template=template
    )


@pytest.mark.parametrize(
    ("channel", "kind"),
    [
        (Channel.WHATSAPP, Kind.DIRECT_MESSAGE),
        (Channel.MESSENGER, Kind.DIRECT_MESSAGE),
        (Channel.INSTAGRAM, Kind.DIRECT_MESSAGE),
    ],
)
def test_a_message_within_24_hours_is_free_form(channel, kind):
    assert decide(channel, kind, 23.9).mode == "free_form"


@pytest.mark.parametrize(
    ("channel", "kind"),
    [
        (Channel.FACEBOOK, Kind.COMMENT),
        (Channel.INSTAGRAM, Kind.COMMENT),
        (Channel.INSTAGRAM, Kind.MENTION),
        (Channel.TELEGRAM, Kind.DIRECT_MESSAGE),
        (Channel.SMS, Kind.SMS),
        (Channel.X, Kind.DIRECT_MESSAGE),
        (Channel.EMAIL, Kind.EMAIL),
    ],
)
def test_public_comments_and_other_channels_have_no_window(channel, kind):
    assert decide(channel, kind, 24 * 30).mode == "free_form"


@pytest.mark.parametrize("channel", [Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM])
def test_an_unknown_last_inbound_time_counts_as_inside_the_window(channel):
    assert decide(channel, Kind.DIRECT_MESSAGE, None).mode == "free_form"


def test_whatsapp_outside_the_window_sends_the_configured_template():
    decision = decide(Channel.WHATSAPP, Kind.DIRECT_MESSAGE, 30, template="case_update")
    assert (decision.mode, decision.template) == ("template", "case_update")


def test_whatsapp_outside_the_window_without_template_is_refused_with_the_reason():
    decision = decide(Channel.WHATSAPP, Kind.DIRECT_MESSAGE, 30)
    assert decision.mode == "refuse"
    assert decision.reason == "outside the 24-hour window and no window_template configured"


def test_whatsapp_window_does_not_depend_on_the_kind_given():
    assert decide(Channel.WHATSAPP, None, 30).mode == "refuse"


@pytest.mark.parametrize("channel", [Channel.MESSENGER, Channel.INSTAGRAM])
def test_messenger_and_instagram_messages_after_24_hours_use_the_human_agent_tag(channel):
    assert decide(channel, Kind.DIRECT_MESSAGE, 30).mode == "human_agent_tag"


@pytest.mark.parametrize("channel", [Channel.MESSENGER, Channel.INSTAGRAM])
def test_messenger_and_instagram_messages_after_7_days_are_refused(channel):
    decision = decide(channel, Kind.DIRECT_MESSAGE, 24 * 7 + 1)
    assert decision.mode == "refuse"
    assert "7 days" in (decision.reason or "")


def test_the_window_ends_exactly_24_hours_after_the_last_message():
    assert decide(Channel.WHATSAPP, Kind.DIRECT_MESSAGE, 24).mode == "free_form"
    assert decide(Channel.WHATSAPP, Kind.DIRECT_MESSAGE, 24.01).mode == "refuse"


def test_a_template_is_not_used_inside_the_window():
    assert decide(Channel.WHATSAPP, Kind.DIRECT_MESSAGE, 2, template="case_update").mode == (
        "free_form"
    )
