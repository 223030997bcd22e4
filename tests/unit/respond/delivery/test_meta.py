"""Graph API requests for Facebook, Messenger, Instagram and WhatsApp, and Graph's answers."""

import pytest

from services.respond.delivery.base import Failed, Sent
from services.respond.delivery.meta import CONNECTOR, build
from shared.events import Channel, Kind
from tests.unit.respond.delivery.replies import (
    NOW,
    TOKEN,
    answer,
    built,
    connection,
    hours_ago,
    json_body,
    refused,
    reply,
    target,
)

GRAPH = "https://graph.facebook.com/v21.0"
META = connection("meta", account_id="111", sender_id="222", access_token_env="LYON_PAGE_TOKEN")
WITH_TEMPLATE = connection("meta", account_id="111", sender_id="222", window_template="case_update")


def test_facebook_comment_reply_posts_under_the_answered_comment():
    command = reply(Channel.FACEBOOK, conversation_id="111_900", in_reply_to="900_901")
    request = built(build(command, target(META)))
    assert (request.method, request.url) == ("POST", f"{GRAPH}/900_901/comments")
    assert json_body(request) == {"message": command.text}
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_facebook_reply_without_a_message_answered_comments_on_the_post():
    command = reply(Channel.FACEBOOK, conversation_id="111_900", in_reply_to=None)
    assert built(build(command, target(META))).url == f"{GRAPH}/111_900/comments"


def test_messenger_reply_inside_the_window_is_a_response_to_the_page_scoped_sender():
    command = reply(
        Channel.MESSENGER,
        conversation_id="psid-7",
        in_reply_to="m_1",
        in_reply_to_kind=Kind.DIRECT_MESSAGE,
        last_inbound_at=hours_ago(2),
    )
    request = built(build(command, target(META)))
    assert request.url == f"{GRAPH}/111/messages"
    assert json_body(request) == {
        "recipient": {"id": "psid-7"},
        "message": {"text": command.text},
        "messaging_type": "RESPONSE",
    }


def test_messenger_reply_prefers_the_recipient_id_given():
    command = reply(Channel.MESSENGER, conversation_id="psid-7", recipient_id="psid-8")
    assert json_body(built(build(command, target(META))))["recipient"] == {"id": "psid-8"}


def test_messenger_reply_after_24_hours_carries_the_human_agent_tag():
    command = reply(Channel.MESSENGER, conversation_id="psid-7", last_inbound_at=hours_ago(30))
    body = json_body(built(build(command, target(META))))
    assert (body["messaging_type"], body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_messenger_reply_after_7_days_is_refused():
    command = reply(Channel.MESSENGER, conversation_id="psid-7", last_inbound_at=hours_ago(200))
    assert "7 days" in refused(build(command, target(META)))


def test_messenger_reply_needs_the_page_id():
    command = reply(Channel.MESSENGER, conversation_id="psid-7")
    reason = refused(build(command, target(connection("meta"))))
    assert "account_id" in reason


def test_instagram_comment_reply_uses_the_replies_edge():
    command = reply(
        Channel.INSTAGRAM,
        conversation_id="media-1",
        in_reply_to="c-5",
        in_reply_to_kind=Kind.COMMENT,
    )
    request = built(build(command, target(META)))
    assert request.url == f"{GRAPH}/c-5/replies"
    assert json_body(request) == {"message": command.text}


def test_instagram_comments_have_no_window():
    command = reply(
        Channel.INSTAGRAM,
        in_reply_to="c-5",
        in_reply_to_kind=Kind.COMMENT,
        last_inbound_at=hours_ago(24 * 30),
    )
    assert built(build(command, target(META))).url == f"{GRAPH}/c-5/replies"


def test_instagram_mention_in_a_comment_is_answered_through_the_mentions_edge():
    command = reply(
        Channel.INSTAGRAM,
        conversation_id="media-1",
        in_reply_to="c-9",
        in_reply_to_kind=Kind.MENTION,
    )
    request = built(build(command, target(META)))
    assert request.url == f"{GRAPH}/111/mentions"
    assert json_body(request) == {
        "media_id": "media-1",
        "comment_id": "c-9",
        "message": command.text,
    }


def test_instagram_mention_in_a_caption_names_the_media_only():
    command = reply(
        Channel.INSTAGRAM,
        conversation_id="media-1",
        in_reply_to="media-1",
        in_reply_to_kind=Kind.MENTION,
    )
    assert "comment_id" not in json_body(built(build(command, target(META))))


def test_instagram_direct_message_goes_to_the_account_messages_edge_with_the_window_rule():
    command = reply(
        Channel.INSTAGRAM,
        conversation_id="igsid-3",
        in_reply_to_kind=Kind.DIRECT_MESSAGE,
        last_inbound_at=hours_ago(48),
    )
    request = built(build(command, target(META)))
    assert request.url == f"{GRAPH}/111/messages"
    assert json_body(request)["tag"] == "HUMAN_AGENT"


def test_whatsapp_reply_inside_the_window_is_text_in_context_of_the_message_answered():
    command = reply(
        Channel.WHATSAPP,
        conversation_id="33612345678",
        in_reply_to="wamid.IN",
        last_inbound_at=hours_ago(1),
    )
    request = built(build(command, target(META)))
    assert request.url == f"{GRAPH}/222/messages"
    assert json_body(request) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "33612345678",
        "type": "text",
        "text": {"body": command.text, "preview_url": False},
        "context": {"message_id": "wamid.IN"},
    }


def test_whatsapp_reply_outside_the_window_sends_the_template_in_the_case_language():
    command = reply(
        Channel.WHATSAPP, conversation_id="336", last_inbound_at=hours_ago(30), language="fr"
    )
    body = json_body(built(build(command, target(WITH_TEMPLATE))))
    assert body["type"] == "template"
    assert body["template"] == {"name": "case_update", "language": {"code": "fr"}}
    assert "text" not in body


def test_whatsapp_template_language_defaults_to_english():
    command = reply(Channel.WHATSAPP, conversation_id="336", last_inbound_at=hours_ago(30))
    body = json_body(built(build(command, target(WITH_TEMPLATE))))
    assert body["template"]["language"] == {"code": "en"}


def test_whatsapp_reply_outside_the_window_without_template_is_refused():
    command = reply(Channel.WHATSAPP, conversation_id="336", last_inbound_at=hours_ago(30))
    assert refused(build(command, target(META))) == (
        "outside the 24-hour window and no window_template configured"
    )


def test_whatsapp_reply_needs_the_phone_number_id():
    command = reply(Channel.WHATSAPP, conversation_id="336")
    assert "sender_id" in refused(build(command, target(connection("meta", account_id="111"))))


def test_base_url_override_wins_over_the_connection_and_graph():
    conn = connection("meta", api_base_url="https://graph.internal/")
    command = reply(Channel.FACEBOOK, in_reply_to="c1")
    assert built(build(command, target(conn))).url == "https://graph.internal/v21.0/c1/comments"
    overridden = built(build(command, target(conn, override="http://127.0.0.1:9")))
    assert overridden.url == "http://127.0.0.1:9/v21.0/c1/comments"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"id": "900_902"}, "900_902"),
        ({"messaging_product": "whatsapp", "messages": [{"id": "wamid.OUT"}]}, "wamid.OUT"),
        ({"recipient_id": "psid-7", "message_id": "m_OUT"}, "m_OUT"),
    ],
)
def test_graph_answers_give_the_message_id(document, expected):
    assert CONNECTOR.read(answer(200, document), now=NOW) == Sent(expected)


def test_graph_error_message_and_code_become_the_reason_and_fail_at_once():
    document = {
        "error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}
    }
    verdict = CONNECTOR.read(answer(400, document), now=NOW)
    assert verdict == Failed(
        "HTTP 400 from the platform: (#100) Invalid parameter (code 100)", retry=False
    )


@pytest.mark.parametrize(
    "error",
    [
        {"message": "(#4) Application request limit reached", "code": 4},
        {"message": "Rate limit hit", "code": 130429},
        {"message": "An unexpected error has occurred.", "code": 9999, "is_transient": True},
    ],
)
def test_graph_throttling_reported_as_400_is_retried(error):
    verdict = CONNECTOR.read(answer(400, {"error": error}), now=NOW)
    assert isinstance(verdict, Failed)
    assert verdict.retry
