"""Twilio Messages requests for SMS and WhatsApp, and Twilio's answers."""

import base64
from urllib.parse import quote

from services.respond.delivery.base import Failed, Sent
from services.respond.delivery.twilio import CONNECTOR, build
from shared.events import Channel, Kind
from tests.unit.respond.delivery.replies import (
    NOW,
    answer,
    built,
    connection,
    form_body,
    hours_ago,
    refused,
    reply,
    target,
)

SID = "AC0123456789abcdef0123456789abcdef"
TWILIO = connection(
    "twilio",
    account_id=SID,
    sender_id="+33700000000",
    public_url="https://agora.example.org/webhooks/twilio/lyon-test",
)


def twilio_target(conn=TWILIO):
    return target(conn, auth_token_env="auth-token")


def test_sms_reply_is_a_form_post_to_the_account_messages_with_basic_auth():
    command = reply(Channel.SMS, conversation_id="+33611111111", in_reply_to_kind=Kind.SMS)
    request = built(build(command, twilio_target()))
    assert request.url == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.auth == (SID, "auth-token")
    assert form_body(request) == {
        "To": "+33611111111",
        "From": "+33700000000",
        "Body": command.text,
        "StatusCallback": "https://agora.example.org/webhooks/twilio/lyon-test",
    }
    assert quote("+33611111111", safe="") in request.body.decode()


def test_whatsapp_reply_prefixes_both_numbers():
    command = reply(Channel.WHATSAPP, conversation_id="+33611111111", last_inbound_at=hours_ago(1))
    body = form_body(built(build(command, twilio_target())))
    assert (body["To"], body["From"]) == ("whatsapp:+33611111111", "whatsapp:+33700000000")


def test_a_sender_already_prefixed_is_not_prefixed_twice():
    conn = connection("twilio", account_id=SID, sender_id="whatsapp:+33700000000")
    command = reply(Channel.WHATSAPP, conversation_id="+33611111111")
    assert form_body(built(build(command, twilio_target(conn))))["From"] == "whatsapp:+33700000000"


def test_whatsapp_reply_outside_the_window_without_content_template_is_refused():
    command = reply(Channel.WHATSAPP, conversation_id="+336", last_inbound_at=hours_ago(30))
    reason = refused(build(command, twilio_target()))
    assert reason.startswith("outside the 24-hour window and no window_template configured")


def test_whatsapp_reply_outside_the_window_sends_the_content_template():
    conn = connection("twilio", account_id=SID, sender_id="+337", window_template="HX123")
    command = reply(Channel.WHATSAPP, conversation_id="+336", last_inbound_at=hours_ago(30))
    body = form_body(built(build(command, twilio_target(conn))))
    assert body["ContentSid"] == "HX123"
    assert "Body" not in body


def test_sms_has_no_window():
    command = reply(Channel.SMS, conversation_id="+336", last_inbound_at=hours_ago(24 * 40))
    assert form_body(built(build(command, twilio_target())))["Body"] == command.text


def test_reply_needs_the_account_sid_and_the_sender_number():
    command = reply(Channel.SMS, conversation_id="+336")
    assert "account_id" in refused(build(command, twilio_target(connection("twilio"))))
    no_sender = connection("twilio", account_id=SID)
    assert "sender_id" in refused(build(command, twilio_target(no_sender)))


def test_basic_auth_is_not_in_the_url_or_headers_built():
    command = reply(Channel.SMS, conversation_id="+336")
    request = built(build(command, twilio_target()))
    secret = base64.b64encode(f"{SID}:auth-token".encode()).decode()
    assert "auth-token" not in request.url
    assert secret not in str(request.headers)


def test_created_message_sid_is_the_platform_message_id():
    document = {"sid": "SM0123", "status": "queued"}
    assert CONNECTOR.read(answer(201, document), now=NOW) == Sent("SM0123")


def test_twilio_error_message_is_the_reason():
    document = {
        "code": 21211,
        "message": "The 'To' number is not a valid phone number.",
        "status": 400,
    }
    verdict = CONNECTOR.read(answer(400, document), now=NOW)
    assert verdict == Failed(
        "HTTP 400 from the platform: The 'To' number is not a valid phone number.", retry=False
    )
