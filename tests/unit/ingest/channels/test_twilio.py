"""Twilio Messaging webhook: X-Twilio-Signature over URL + sorted parameters, form -> items.

Fixtures are form bodies shaped like https://www.twilio.com/docs/messaging/guides/webhook-request
(incoming SMS, MMS and WhatsApp messages) and the status callbacks of
https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks.
"""

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest

from services.ingest.channels.base import ConnectionContext, DeliveryStatus, Ignored, WebhookRequest
from services.ingest.channels.twilio import TwilioAdapter, twilio_signature
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Location
from shared.ids import interaction_id

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "twilio"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
TOKEN = "f3a1c2e4b5d6978812345678abcdef00"
PUBLIC_URL = "https://agora.example/webhooks/twilio/lyon-sms"
CTX = ConnectionContext(
    agency_id="lyon",
    connection_id="lyon-sms",
    secrets={"auth_token_env": TOKEN},
    received_at=NOW,
    public_url=PUBLIC_URL,
    account_id="+33757000000",
)
ADAPTER = TwilioAdapter()
# Computed once with a standalone HMAC-SHA1 over PUBLIC_URL + the sorted fixture parameters.
SMS_SIGNATURE = "u43j7YaP/hzSe0oQO4ezyVTQHaE="
STATUS_SIGNATURE = "3EfWdiqot3622kjYBeR9/qsXPR4="

# The worked example of https://www.twilio.com/docs/usage/security#validating-requests
# (also https://www.twilio.com/docs/usage/webhooks/webhooks-security): auth token 12345,
# this URL and these POST parameters are signed 0/KCTR6DLpKmkAf8muzZqo1nDgQ=.
DOC_TOKEN = "12345"
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+12349013030"),
    ("Digits", "1234"),
    ("From", "+12349013030"),
    ("To", "+18005551212"),
]
DOC_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def _body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _request(
    body: bytes,
    signature: str | None = None,
    url: str = "http://ingest:8001/webhooks/twilio/lyon-sms",
) -> WebhookRequest:
    headers = {"x-twilio-signature": signature} if signature is not None else {}
    return WebhookRequest("POST", url, headers, {}, body, "application/x-www-form-urlencoded")


def _parse(name: str):
    return ADAPTER.parse(_request(_body(name)), CTX)


def _with(name: str, **changes: str) -> bytes:
    params = dict(parse_qsl(_body(name).decode(), keep_blank_values=True))
    params.update(changes)
    return urlencode(params).encode()


def test_the_documented_example_signature_is_reproduced() -> None:
    assert twilio_signature(DOC_TOKEN, DOC_URL, DOC_PARAMS) == DOC_SIGNATURE


def test_the_documented_example_request_verifies_whatever_the_parameter_order() -> None:
    body = urlencode(list(reversed(DOC_PARAMS))).encode()
    ctx = ConnectionContext(
        "acme", "acme-sms", {"auth_token_env": DOC_TOKEN}, NOW, public_url=DOC_URL
    )
    ADAPTER.verify(_request(body, DOC_SIGNATURE), ctx)


@pytest.mark.parametrize(
    ("params", "url"),
    [
        ([*DOC_PARAMS[:2], ("Digits", "9999"), *DOC_PARAMS[3:]], DOC_URL),
        (DOC_PARAMS, DOC_URL.replace("bar=2", "bar=3")),
        (DOC_PARAMS[:-1], DOC_URL),
        ([*DOC_PARAMS, ("Extra", "")], DOC_URL),
    ],
    ids=["tampered parameter", "other url", "missing parameter", "added blank parameter"],
)
def test_the_documented_example_fails_once_anything_signed_changes(
    params: list[tuple[str, str]], url: str
) -> None:
    body = urlencode(params).encode()
    ctx = ConnectionContext("acme", "acme-sms", {"auth_token_env": DOC_TOKEN}, NOW, public_url=url)
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(_request(body, DOC_SIGNATURE), ctx)
    assert caught.value.code == "invalid_signature"


def test_an_sdk_vector_signed_with_the_default_port_verifies_without_it() -> None:
    # twilio-python's request-validator tests: the same request signed over ``...com:443/...``.
    caller = "+14158675309"
    params = [*DOC_PARAMS[:1], ("Caller", caller), DOC_PARAMS[2], ("From", caller), DOC_PARAMS[4]]
    body = urlencode(params).encode()
    ctx = ConnectionContext(
        "acme", "acme-sms", {"auth_token_env": DOC_TOKEN}, NOW, public_url=DOC_URL
    )
    ADAPTER.verify(_request(body, "kvajT1Ptam85bY51eRf/AJRuM3w="), ctx)  # over ...com:443/...
    ADAPTER.verify(_request(body, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), ctx)  # over ...com/...


def test_a_fixture_signed_over_the_public_url_verifies() -> None:
    ADAPTER.verify(_request(_body("sms.txt"), SMS_SIGNATURE), CTX)
    ADAPTER.verify(_request(_body("status_delivered.txt"), STATUS_SIGNATURE), CTX)


def test_the_request_url_is_used_when_no_public_url_is_configured() -> None:
    ctx = ConnectionContext("lyon", "lyon-sms", {"auth_token_env": TOKEN}, NOW)
    ADAPTER.verify(_request(_body("sms.txt"), SMS_SIGNATURE, url=PUBLIC_URL), ctx)
    with pytest.raises(Unauthorized):
        ADAPTER.verify(_request(_body("sms.txt"), SMS_SIGNATURE), ctx)


@pytest.mark.parametrize(
    ("signature", "body", "code"),
    [
        (None, _body("sms.txt"), "missing_signature"),
        ("", _body("sms.txt"), "missing_signature"),
        (STATUS_SIGNATURE, _body("sms.txt"), "invalid_signature"),
        (SMS_SIGNATURE, _body("sms.txt").replace(b"Merci", b"Merde"), "invalid_signature"),
        (SMS_SIGNATURE, _body("sms.txt") + b"&Extra=1", "invalid_signature"),
        (SMS_SIGNATURE, b"\xff\xfe", "invalid_signature"),
    ],
    ids=["missing", "empty", "another body's", "tampered body", "added parameter", "not utf-8"],
)
def test_a_missing_or_wrong_signature_is_refused(
    signature: str | None, body: bytes, code: str
) -> None:
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(_request(body, signature), CTX)
    assert caught.value.code == code


def test_an_sms_becomes_an_sms_interaction_from_the_sender_number() -> None:
    result = _parse("sms.txt")
    [interaction] = result.interactions
    assert (result.statuses, result.ignored) == ([], [])
    sid = "SM8c0e4b1f2a3d4e5f60718293a4b5c6d7"
    assert interaction.interaction_id == interaction_id("lyon", "sms", sid)
    assert (interaction.agency_id, interaction.connection_id) == ("lyon", "lyon-sms")
    assert (interaction.channel, interaction.kind) == ("sms", "sms")
    assert (interaction.message_id, interaction.conversation_id) == (sid, "+33612345678")
    assert interaction.parent_id is None
    assert interaction.author == Author(id="+33612345678")
    assert interaction.text == (
        "Bonjour, nid de poule énorme avenue Berthelot + trottoir cassé. Merci !"
    )
    assert (interaction.attachments, interaction.location) == ((), None)
    assert interaction.created_at == NOW  # Twilio sends no timestamp
    assert interaction.received_at == NOW


def test_an_mms_lists_every_media_url_with_its_content_type() -> None:
    [interaction] = _parse("mms.txt").interactions
    base = (
        "https://api.twilio.com/2010-04-01/Accounts/AC0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        "/Messages/MM5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d/Media/"
    )
    assert interaction.message_id == "MM5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
    assert interaction.text == "Voilà les photos du dépôt sauvage"
    assert interaction.attachments == (
        Attachment(
            url=base + "ME11112222333344445555666677778888",
            media_type="image/jpeg",
            platform_media_id="ME11112222333344445555666677778888",
        ),
        Attachment(
            url=base + "ME99990000aaaabbbbccccddddeeeeffff",
            media_type="video/mp4",
            platform_media_id="ME99990000aaaabbbbccccddddeeeeffff",
        ),
    )


def test_a_whatsapp_location_is_a_direct_message_with_coordinates_and_profile_name() -> None:
    [interaction] = _parse("whatsapp_location.txt").interactions
    sid = "SM1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a"
    assert interaction.interaction_id == interaction_id("lyon", "whatsapp", sid)
    assert (interaction.channel, interaction.kind) == ("whatsapp", "direct_message")
    assert (interaction.message_id, interaction.conversation_id) == (sid, "+33612345678")
    assert interaction.author == Author(id="+33612345678", display_name="Camille M.")
    assert interaction.text == ""
    assert interaction.location == Location(
        latitude=45.764043, longitude=4.835659, address="Place Bellecour, 69002 Lyon"
    )


def test_a_whatsapp_location_label_missing_from_its_address_is_kept() -> None:
    body = _with("whatsapp_location.txt", Label="Mairie du 2e")
    [interaction] = ADAPTER.parse(_request(body), CTX).interactions
    assert interaction.location is not None
    assert interaction.location.address == "Mairie du 2e, Place Bellecour, 69002 Lyon"


def test_a_whatsapp_reply_points_at_the_message_it_quotes() -> None:
    [interaction] = _parse("whatsapp_reply.txt").interactions
    assert interaction.kind == "direct_message"
    assert interaction.parent_id == "SM00aa11bb22cc33dd44ee55ff66778899"
    assert interaction.text == "Toujours pas réparé ce matin"


def test_a_delivered_callback_is_a_delivery_status_for_the_recipient() -> None:
    result = _parse("status_delivered.txt")
    assert (result.interactions, result.ignored) == ([], [])
    assert result.statuses == [
        DeliveryStatus(
            channel="sms",
            platform_message_id="SMa1b2c3d4e5f60718293a4b5c6d7e8f90",
            status="delivered",
            at=NOW,
            recipient_id="+33612345678",
        )
    ]


def test_an_undelivered_callback_is_a_failure_with_twilio_error_code() -> None:
    [status] = _parse("status_undelivered.txt").statuses
    assert (status.status, status.error) == ("failed", "30003")


def test_a_whatsapp_read_receipt_is_a_read_status_on_the_whatsapp_channel() -> None:
    [status] = _parse("status_whatsapp_read.txt").statuses
    assert (status.channel, status.status) == ("whatsapp", "read")
    assert status.platform_message_id == "SM0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
    assert status.recipient_id == "+33612345678"
    assert status.error is None


@pytest.mark.parametrize(
    ("twilio_status", "status", "error"),
    [
        ("accepted", "sent", None),
        ("queued", "sent", None),
        ("sending", "sent", None),
        ("sent", "sent", None),
        ("delivered", "delivered", None),
        ("read", "read", None),
        ("failed", "failed", "failed"),
        ("canceled", "failed", "canceled"),
    ],
)
def test_twilio_statuses_map_onto_agora_delivery_statuses(
    twilio_status: str, status: str, error: str | None
) -> None:
    body = _with("status_delivered.txt", MessageStatus=twilio_status, SmsStatus=twilio_status)
    [delivery] = ADAPTER.parse(_request(body), CTX).statuses
    assert (delivery.status, delivery.error) == (status, error)


def test_an_unknown_status_is_acknowledged_and_counted() -> None:
    body = _with("status_delivered.txt", MessageStatus="receiving")
    result = ADAPTER.parse(_request(body), CTX)
    assert result.statuses == []
    assert result.ignored == [Ignored("unsupported", "twilio message status: receiving")]


def test_the_answer_is_an_empty_twiml_document_whatever_was_received() -> None:
    for name in ("sms.txt", "status_delivered.txt"):
        answer = ADAPTER.acknowledge(_parse(name))
        assert answer is not None
        assert answer.body == b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
        assert (answer.media_type, answer.status_code) == ("text/xml", 200)
    assert ADAPTER.handshake(_request(b""), CTX) is None
    assert ADAPTER.content_types == ("application/x-www-form-urlencoded",)


def test_parameters_twilio_adds_later_are_tolerated() -> None:
    body = _with("sms.txt", NewParameter2027="x", ButtonPayload="")
    [interaction] = ADAPTER.parse(_request(body), CTX).interactions
    assert interaction.message_id == "SM8c0e4b1f2a3d4e5f60718293a4b5c6d7"


def test_a_blank_body_value_is_kept_as_an_empty_text() -> None:
    [interaction] = ADAPTER.parse(_request(_with("sms.txt", Body="")), CTX).interactions
    assert interaction.text == ""


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (_with("sms.txt", MessageSid=""), "MessageSid:"),
        (b"From=%2B33612345678&Body=hi", "MessageSid: Field required"),
        (_with("sms.txt", NumMedia="two"), "NumMedia:"),
        (_with("whatsapp_location.txt", Latitude="north"), "Latitude:"),
        (_with("sms.txt", From=""), "From: Field required"),
        (b"\xff\xfe", "body: not UTF-8"),
    ],
)
def test_a_malformed_form_names_the_field(body: bytes, detail: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.parse(_request(body), CTX)
    assert caught.value.code == "invalid_payload"
    assert caught.value.detail.startswith(detail)
