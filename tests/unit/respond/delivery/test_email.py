"""SendGrid mail send requests and SendGrid's answers."""

from services.respond.delivery.base import Failed, Sent
from services.respond.delivery.email import CONNECTOR, build
from shared.events import Channel, Kind
from tests.unit.respond.delivery.replies import (
    NOW,
    REPLY_ID,
    TOKEN,
    answer,
    built,
    connection,
    json_body,
    refused,
    reply,
    target,
)

EMAIL = connection("email", sender_id="contact@lyon.fr", access_token_env="SENDGRID_KEY")


def test_reply_is_a_plain_text_mail_threaded_under_the_citizens_mail():
    command = reply(
        Channel.EMAIL,
        conversation_id="root@mail.example",
        in_reply_to="<second@mail.example>",
        in_reply_to_kind=Kind.EMAIL,
        recipient_id="alice@example.org",
        recipient_handle="Alice@Example.org",
    )
    request = built(build(command, target(EMAIL)))
    assert request.url == "https://api.sendgrid.com/v3/mail/send"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert json_body(request) == {
        "personalizations": [
            {
                "to": [{"email": "Alice@Example.org"}],
                "headers": {
                    "In-Reply-To": "<second@mail.example>",
                    "References": "<root@mail.example> <second@mail.example>",
                },
            }
        ],
        "from": {"email": "contact@lyon.fr"},
        "subject": "Re: your message",
        "content": [{"type": "text/plain", "value": command.text}],
        "custom_args": {"agora_reply_id": str(REPLY_ID)},
    }


def test_a_first_mail_in_its_thread_is_referenced_once():
    command = reply(
        Channel.EMAIL, conversation_id="a@x", in_reply_to="a@x", recipient_id="alice@example.org"
    )
    headers = json_body(built(build(command, target(EMAIL))))["personalizations"][0]["headers"]
    assert headers == {"In-Reply-To": "<a@x>", "References": "<a@x>"}


def test_a_reply_with_no_address_to_send_to_is_refused():
    command = reply(Channel.EMAIL, recipient_id=None)
    assert "e-mail address" in refused(build(command, target(EMAIL)))


def test_a_connection_without_from_address_is_refused():
    command = reply(Channel.EMAIL, recipient_id="alice@example.org")
    assert "sender_id" in refused(build(command, target(connection("email"))))


def test_accepted_mail_id_comes_from_the_x_message_id_header():
    verdict = CONNECTOR.read(answer(202, headers={"x-message-id": "sg-14c5"}), now=NOW)
    assert verdict == Sent("sg-14c5")


def test_sendgrid_error_is_the_reason():
    document = {
        "errors": [
            {
                "message": "The from address does not match a verified Sender Identity.",
                "field": "from",
            }
        ]
    }
    verdict = CONNECTOR.read(answer(403, document), now=NOW)
    assert verdict == Failed(
        "HTTP 403 from the platform: The from address does not match a verified Sender Identity.",
        retry=False,
    )
