"""Telegram Bot API webhook: the secret-token header, updates -> canonical items.

Payload fixtures follow the Update, Message and CallbackQuery objects of
https://core.telegram.org/bots/api#update (webhooks: #setwebhook, ``secret_token``).
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.ingest.channels.base import ConnectionContext, Ignored, WebhookRequest
from services.ingest.channels.telegram import TelegramAdapter
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Location
from shared.ids import interaction_id

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "telegram"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SECRET = "lyon-Bot_secret-42"
BOT_ID = "7000000001"
CTX = ConnectionContext(
    agency_id="lyon",
    connection_id="lyon-telegram",
    secrets={"secret_token_env": SECRET},
    received_at=NOW,
    account_id=BOT_ID,
    account_handle="lyon_mairie_bot",
)
ADAPTER = TelegramAdapter()


def _fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


def _request(body: bytes | dict[str, Any], token: str | None = SECRET) -> WebhookRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"x-telegram-bot-api-secret-token": token} if token is not None else {}
    url = "https://agora.example/webhooks/telegram/lyon-telegram"
    return WebhookRequest("POST", url, headers, {}, raw, "application/json")


def _parse(payload: dict[str, Any]):
    return ADAPTER.parse(_request(payload), CTX)


def test_the_secret_token_set_with_set_webhook_is_accepted() -> None:
    ADAPTER.verify(_request((FIXTURES / "private_text.json").read_bytes()), CTX)


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (None, "missing_signature"),
        ("", "missing_signature"),
        ("wrong-secret", "invalid_signature"),
        (SECRET[:-1], "invalid_signature"),
        (SECRET + "x", "invalid_signature"),
    ],
)
def test_a_missing_or_wrong_secret_token_is_refused(token: str | None, code: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(_request(b"{}", token), CTX)
    assert caught.value.code == code


def test_telegram_has_no_handshake_and_takes_the_default_answer() -> None:
    assert ADAPTER.handshake(_request(b"", None), CTX) is None
    assert ADAPTER.acknowledge(_parse(_fixture("private_text.json"))) is None


def test_a_private_message_is_a_direct_message_in_the_chat() -> None:
    result = _parse(_fixture("private_text.json"))
    [interaction] = result.interactions
    assert (result.edits, result.ignored) == ([], [])
    assert interaction.interaction_id == interaction_id("lyon", "telegram", "281734566:1042")
    assert (interaction.agency_id, interaction.connection_id) == ("lyon", "lyon-telegram")
    assert (interaction.channel, interaction.kind) == ("telegram", "direct_message")
    assert interaction.message_id == "281734566:1042"
    assert interaction.conversation_id == "281734566"
    assert interaction.parent_id is None
    assert interaction.author == Author(
        id="281734566", handle="camille_m", display_name="Camille Martin"
    )
    assert interaction.text == (
        "Bonjour, le lampadaire devant le 12 rue Neuve est éteint depuis lundi."
    )
    assert interaction.attachments == ()
    assert interaction.location is None
    assert interaction.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)
    assert interaction.received_at == NOW


def test_a_group_reply_with_a_photo_keeps_the_largest_size_and_the_caption() -> None:
    [interaction] = _parse(_fixture("group_reply_photo.json")).interactions
    assert (interaction.channel, interaction.kind) == ("telegram", "reply")
    assert interaction.message_id == "-1001776543210:88"
    assert interaction.conversation_id == "-1001776543210"
    assert interaction.parent_id == "-1001776543210:85"
    assert interaction.author == Author(id="519002117", handle="yanis_lyon", display_name="Yanis")
    assert interaction.text == "Encore des sacs au pied des escaliers Mermet"
    assert interaction.attachments == (
        Attachment(platform_media_id="AgACAgQAAxkBAAIBs-large", media_type="image"),
    )
    assert interaction.location is None
    assert interaction.created_at == datetime(2026, 11, 26, 9, 14, 30, tzinfo=UTC)


def test_a_group_message_that_replies_to_nothing_is_a_comment() -> None:
    payload = _fixture("group_reply_photo.json")
    del payload["message"]["reply_to_message"]
    [interaction] = _parse(payload).interactions
    assert interaction.kind == "comment"
    assert interaction.parent_id is None


def test_a_forum_topic_message_is_not_a_reply_to_the_topic_opener() -> None:
    payload = _fixture("group_reply_photo.json")
    message = payload["message"]
    message.update(is_topic_message=True, message_thread_id=85)
    [interaction] = _parse(payload).interactions
    assert (interaction.kind, interaction.parent_id) == ("comment", None)
    assert interaction.conversation_id == "-1001776543210"


def test_voice_and_document_are_referenced_by_file_id_with_their_mime_types() -> None:
    [interaction] = _parse(_fixture("private_voice_document.json")).interactions
    assert interaction.text == ""
    assert interaction.attachments == (
        Attachment(platform_media_id="AwACAgQAAxkBAAIBvoice", media_type="audio/ogg"),
        Attachment(
            platform_media_id="BQACAgQAAxkBAAIBdoc",
            media_type="application/pdf",
            caption="constat.pdf",
        ),
    )
    assert interaction.created_at == datetime(2026, 11, 26, 9, 20, 5, tzinfo=UTC)


def test_a_shared_venue_gives_coordinates_and_address() -> None:
    [interaction] = _parse(_fixture("private_venue.json")).interactions
    assert interaction.text == ""
    assert interaction.location == Location(
        latitude=45.774203,
        longitude=4.831752,
        address="Place de la Croix-Rousse, 69004 Lyon",  # the title is part of the address
    )


def test_a_venue_title_missing_from_its_address_is_kept() -> None:
    payload = _fixture("private_venue.json")
    payload["message"]["venue"]["title"] = "Mairie du 4e"
    [interaction] = _parse(payload).interactions
    assert interaction.location is not None
    assert interaction.location.address == "Mairie du 4e, Place de la Croix-Rousse, 69004 Lyon"


def test_a_shared_location_alone_gives_coordinates() -> None:
    payload = _fixture("private_venue.json")
    del payload["message"]["venue"]
    [interaction] = _parse(payload).interactions
    assert interaction.location == Location(latitude=45.774203, longitude=4.831752)


def test_an_edited_message_is_an_edit_of_the_same_interaction() -> None:
    result = _parse(_fixture("edited_message.json"))
    [edit] = result.edits
    assert result.interactions == []
    original = _parse(_fixture("private_text.json")).interactions[0]
    assert edit.interaction.interaction_id == original.interaction_id
    assert edit.interaction.message_id == "281734566:1042"
    assert edit.interaction.text.startswith("Bonjour, le lampadaire devant le 14 rue Neuve")
    assert edit.interaction.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)
    assert edit.edited_at == datetime(2026, 11, 26, 9, 20, 5, tzinfo=UTC)


def test_an_edit_without_edit_date_is_dated_at_reception() -> None:
    payload = _fixture("edited_message.json")
    del payload["edited_message"]["edit_date"]
    [edit] = _parse(payload).edits
    assert edit.edited_at == NOW


def test_an_edited_channel_post_is_an_edit_too() -> None:
    payload = _fixture("channel_post.json")
    payload["edited_channel_post"] = payload.pop("channel_post")
    payload["edited_channel_post"]["edit_date"] = 1795684805
    [edit] = _parse(payload).edits
    assert edit.interaction.kind == "post"


def test_a_channel_post_is_a_post_written_by_the_channel() -> None:
    [interaction] = _parse(_fixture("channel_post.json")).interactions
    assert (interaction.channel, interaction.kind) == ("telegram", "post")
    assert interaction.message_id == "-1001234567890:310"
    assert interaction.conversation_id == "-1001234567890"
    assert interaction.author == Author(
        id="-1001234567890", handle="lyon_trafic", display_name="Lyon Info Trafic"
    )
    assert interaction.text.startswith("@lyon_mairie_bot le tunnel")
    assert interaction.created_at == datetime(2026, 11, 26, 9, 1, 10, tzinfo=UTC)


def test_a_button_press_is_a_direct_message_carrying_the_callback_data() -> None:
    [interaction] = _parse(_fixture("callback_query.json")).interactions
    assert interaction.interaction_id == interaction_id(
        "lyon", "telegram", "callback:1210498732991827364"
    )
    assert (interaction.channel, interaction.kind) == ("telegram", "direct_message")
    assert interaction.message_id == "callback:1210498732991827364"
    assert interaction.conversation_id == "281734566"
    assert interaction.parent_id == "281734566:1045"
    assert interaction.author == Author(
        id="281734566", handle="camille_m", display_name="Camille Martin"
    )
    assert interaction.text == "resolved:no"
    assert interaction.created_at == NOW  # a callback query has no date of its own


def test_a_button_press_on_an_inaccessible_message_stays_with_the_user() -> None:
    payload = _fixture("callback_query.json")
    del payload["callback_query"]["message"]
    [interaction] = _parse(payload).interactions
    assert (interaction.conversation_id, interaction.parent_id) == ("281734566", None)


def test_a_message_from_the_agency_bot_is_an_echo() -> None:
    payload = _fixture("private_text.json")
    payload["message"]["from"] = {"id": int(BOT_ID), "is_bot": True, "first_name": "Mairie"}
    result = _parse(payload)
    assert result.interactions == []
    assert [i.type for i in result.ignored] == ["echo"]


def test_a_message_from_another_bot_is_not_an_echo() -> None:
    payload = _fixture("private_text.json")
    payload["message"]["from"] = {"id": 123, "is_bot": True, "first_name": "Other"}
    assert len(_parse(payload).interactions) == 1


def test_a_service_message_without_content_is_ignored() -> None:
    payload = _fixture("private_text.json")
    del payload["message"]["text"]
    payload["message"]["new_chat_title"] = "Voisins"
    result = _parse(payload)
    assert result.interactions == []
    assert [i.type for i in result.ignored] == ["unsupported"]


@pytest.mark.parametrize(
    ("fixture", "ignored"),
    [
        ("my_chat_member.json", Ignored("unsupported", "telegram update: my_chat_member")),
        ("message_reaction.json", Ignored("reaction", "telegram update: message_reaction")),
    ],
)
def test_other_update_types_are_acknowledged_and_counted(fixture: str, ignored: Ignored) -> None:
    result = _parse(_fixture(fixture))
    assert (result.interactions, result.edits) == ([], [])
    assert result.ignored == [ignored]


def test_message_ids_are_qualified_by_chat_since_they_repeat_across_chats() -> None:
    first = _parse(_fixture("private_text.json")).interactions[0]
    payload = _fixture("private_text.json")
    payload["message"]["chat"]["id"] = 99
    second = _parse(payload).interactions[0]
    assert first.message_id != second.message_id
    assert first.interaction_id != second.interaction_id


def test_unknown_fields_are_tolerated() -> None:
    payload = _fixture("private_text.json")
    payload["future_update_field"] = {"x": 1}
    payload["message"]["link_preview_options"] = {"is_disabled": True}
    payload["message"]["from"]["is_premium"] = True
    payload["message"]["chat"]["is_forum"] = False
    [interaction] = _parse(payload).interactions
    assert interaction.message_id == "281734566:1042"


@pytest.mark.parametrize(
    ("mutate", "detail"),
    [
        (lambda p: p.pop("update_id"), "update_id: Field required"),
        (lambda p: p["message"].pop("chat"), "message.chat: Field required"),
        (lambda p: p["message"].update(date="yesterday"), "message.date:"),
        (lambda p: p["message"]["from"].pop("id"), "message.from.id: Field required"),
    ],
)
def test_a_malformed_update_names_the_field(mutate: Any, detail: str) -> None:
    payload = _fixture("private_text.json")
    mutate(payload)
    with pytest.raises(InvalidInput) as caught:
        _parse(payload)
    assert caught.value.code == "invalid_payload"
    assert caught.value.detail.startswith(detail)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_an_update_object_is_invalid(body: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.parse(_request(body), CTX)
    assert caught.value.detail.startswith("body:")
