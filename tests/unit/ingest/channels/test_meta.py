import copy
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.ingest.channels.base import (
    ChannelAdapter,
    ConnectionContext,
    Deletion,
    DeliveryStatus,
    ParseResult,
    WebhookRequest,
)
from services.ingest.channels.meta import MetaAdapter
from services.ingest.channels.meta_payloads import to_datetime
from shared.errors import Forbidden, InvalidInput, Unauthorized
from shared.events import Channel, Interaction
from shared.ids import interaction_id
from tests.support import sign

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "meta"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
PAGE_ID = "104857600000001"
IG_ACCOUNT_ID = "17841400000000001"
APP_SECRET = "meta-app-secret"
VERIFY_TOKEN = "meta-verify-token"
CTX = ConnectionContext(
    agency_id="lyon",
    connection_id="lyon-meta",
    secrets={"app_secret_env": APP_SECRET, "verify_token_env": VERIFY_TOKEN},
    received_at=NOW,
    account_id=PAGE_ID,
)
ADAPTER = MetaAdapter()


def at(hour: int, minute: int, second: int = 0, ms: int = 0) -> datetime:
    return datetime(2026, 11, 26, hour, minute, second, ms * 1000, tzinfo=UTC)


def body_of(fixture: str) -> bytes:
    return (FIXTURES / fixture).read_bytes()


def post(body: bytes, headers: dict[str, str] | None = None) -> WebhookRequest:
    url = "https://agora.example/webhooks/meta/lyon-meta"
    return WebhookRequest("POST", url, headers or {}, {}, body, "application/json")


def parse(fixture_or_payload: str | dict[str, Any], ctx: ConnectionContext = CTX) -> ParseResult:
    if isinstance(fixture_or_payload, str):
        body = body_of(fixture_or_payload)
    else:
        body = json.dumps(fixture_or_payload).encode()
    return ADAPTER.parse(post(body), ctx)


def fields(interaction: Interaction) -> dict[str, Any]:
    """The canonical fields a test compares, one by one."""
    author = interaction.author
    location = interaction.location
    return {
        "channel": interaction.channel,
        "kind": interaction.kind,
        "message_id": interaction.message_id,
        "conversation_id": interaction.conversation_id,
        "parent_id": interaction.parent_id,
        "author": (author.id, author.handle, author.display_name) if author else None,
        "text": interaction.text,
        "attachments": [
            (a.url, a.media_type, a.platform_media_id, a.caption) for a in interaction.attachments
        ],
        "location": (location.latitude, location.longitude, location.address) if location else None,
        "created_at": interaction.created_at,
    }


def handshake_request(query: dict[str, str]) -> WebhookRequest:
    return WebhookRequest("GET", "https://agora.example/webhooks/meta/lyon-meta", {}, query, b"")


# Handshake


def test_the_meta_adapter_implements_the_channel_interface() -> None:
    adapter: ChannelAdapter = ADAPTER
    assert adapter.content_types == ("application/json",)
    assert adapter.acknowledge(ParseResult()) is None


def test_handshake_with_the_configured_verify_token_echoes_the_challenge_as_text() -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    answer = ADAPTER.handshake(handshake_request(query), CTX)
    assert answer is not None
    assert (answer.body, answer.media_type, answer.status_code) == (
        b"1158201444",
        "text/plain",
        200,
    )


def test_handshake_with_another_verify_token_is_forbidden() -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"}
    with pytest.raises(Forbidden) as caught:
        ADAPTER.handshake(handshake_request(query), CTX)
    assert caught.value.code == "invalid_verify_token"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"}, "hub.mode:"),
        ({"hub.mode": "subscribe", "hub.challenge": "1"}, "hub.verify_token:"),
        ({"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN}, "hub.challenge:"),
        ({"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
         "hub.mode:"),
    ],
)  # fmt: skip
def test_handshake_without_its_parameters_is_invalid_input(
    query: dict[str, str], detail: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.handshake(handshake_request(query), CTX)
    assert caught.value.detail.startswith(detail)


# Signature


def test_a_body_signed_with_the_app_secret_is_accepted() -> None:
    body = body_of("messenger_text.json")
    ADAPTER.verify(post(body, {"x-hub-signature-256": sign(APP_SECRET, body)}), CTX)


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "missing_signature"),
        ({"x-hub-signature-256": ""}, "missing_signature"),
        ({"x-hub-signature-256": "sha256=" + "0" * 64}, "invalid_signature"),
        ({"x-hub-signature-256": sign("another-secret", body_of("messenger_text.json"))},
         "invalid_signature"),
        ({"x-hub-signature": "sha1=0123456789abcdef"}, "missing_signature"),
    ],
)  # fmt: skip
def test_a_missing_or_wrong_signature_is_refused(headers: dict[str, str], code: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(post(body_of("messenger_text.json"), headers), CTX)
    assert caught.value.code == code


def test_the_signature_covers_the_raw_bytes_so_a_reserialised_body_fails() -> None:
    raw = body_of("page_feed_comment.json")
    reserialised = json.dumps(json.loads(raw)).encode()
    assert reserialised != raw
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(post(reserialised, {"x-hub-signature-256": sign(APP_SECRET, raw)}), CTX)
    assert caught.value.code == "invalid_signature"


# One documented shape, one interaction, field by field

CAMILLE = ("6200000000000001", None, "Camille Martin")
POST_1 = "104857600000001_880000000000001"
COMMENT_11 = "880000000000001_990000000000011"
LEA = ("33612345678", None, "Léa Bernard")
PSID = "7012345678901234"

DOCUMENTED = {
    "page_feed_comment.json": {
        "channel": "facebook", "kind": "comment", "message_id": COMMENT_11,
        "conversation_id": POST_1, "parent_id": POST_1, "author": CAMILLE,
        "text": "La piscine du quartier est-elle ouverte ce week-end ?",
        "attachments": [], "location": None, "created_at": at(8, 5),
    },
    "page_feed_comment_reply.json": {
        "channel": "facebook", "kind": "reply", "message_id": "880000000000001_990000000000012",
        "conversation_id": POST_1, "parent_id": COMMENT_11,
        "author": ("6200000000000002", None, "Noah Petit"),
        "text": "Même question pour la médiathèque.",
        "attachments": [], "location": None, "created_at": at(8, 10),
    },
    "page_feed_visitor_post.json": {
        "channel": "facebook", "kind": "post", "message_id": "104857600000001_880000000000002",
        "conversation_id": "104857600000001_880000000000002", "parent_id": None,
        "author": ("6200000000000003", None, "Inès Moreau"),
        "text": "Nid-de-poule dangereux rue Garibaldi, devant le numéro 12.",
        "attachments": [
            ("https://scontent.xx.fbcdn.net/v/t39.30808-6/pothole.jpg", "image", None, None)
        ],
        "location": None, "created_at": at(8, 15),
    },
    "messenger_text.json": {
        "channel": "messenger", "kind": "direct_message",
        "message_id": "m_Qx7ywaKpO9kkQR7Gv-text-0001",
        "conversation_id": PSID, "parent_id": "m_Qx7ywaKpO9kkQR7Gv-page-0000",
        "author": (PSID, None, None),
        "text": "Bonjour, comment renouveler ma carte de stationnement résident ?",
        "attachments": [], "location": None, "created_at": at(8, 5, 0, 250),
    },
    "messenger_attachment.json": {
        "channel": "messenger", "kind": "direct_message",
        "message_id": "m_Qx7ywaKpO9kkQR7Gv-media-0002",
        "conversation_id": PSID, "parent_id": None, "author": (PSID, None, None), "text": "",
        "attachments": [
            ("https://scontent.xx.fbcdn.net/v/t1.15752-9/streetlight.jpg", "image", None, None),
            ("https://video.xx.fbcdn.net/v/t42.3356-2/streetlight.mp4", "video", None, None),
        ],
        "location": None, "created_at": at(8, 10, 0, 700),
    },
    "instagram_comment.json": {
        "channel": "instagram", "kind": "comment", "message_id": "18100000000000001",
        "conversation_id": "18000000000000001", "parent_id": "18000000000000001",
        "author": ("5310000000000001", "citizen.lyon", None),
        "text": "Les travaux du pont se terminent quand ?",
        "attachments": [], "location": None, "created_at": at(8, 50),
    },
    "instagram_comment_reply.json": {
        "channel": "instagram", "kind": "reply", "message_id": "18100000000000002",
        "conversation_id": "18000000000000001", "parent_id": "18100000000000001",
        "author": ("5310000000000002", "velo.presquile", None),
        "text": "Et la piste cyclable rouvre en même temps ?",
        "attachments": [], "location": None, "created_at": at(9, 0),
    },
    "instagram_mention.json": {
        "channel": "instagram", "kind": "mention", "message_id": "18100000000000077",
        "conversation_id": "18000000000000077", "parent_id": "18000000000000077",
        "author": None, "text": "", "attachments": [], "location": None, "created_at": at(8, 50),
    },
    "instagram_dm.json": {
        "channel": "instagram", "kind": "direct_message",
        "message_id": "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx",
        "conversation_id": "5310000000000001", "parent_id": None,
        "author": ("5310000000000001", None, None), "text": "Où déposer un encombrant ?",
        "attachments": [
            ("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=sofa", "image", None, None)
        ],
        "location": None, "created_at": at(8, 50, 0, 115),
    },
    "whatsapp_text.json": {
        "channel": "whatsapp", "kind": "direct_message",
        "message_id": "wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQUZBMDAwMDAwMDAwMDAwMDAwMQA=",
        "conversation_id": "33612345678", "parent_id": None, "author": LEA,
        "text": "Bonjour, la déchetterie de Gerland est-elle ouverte aujourd'hui ?",
        "attachments": [], "location": None, "created_at": at(8, 5),
    },
    "whatsapp_image_caption.json": {
        "channel": "whatsapp", "kind": "direct_message",
        "message_id": "wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQUZBMDAwMDAwMDAwMDAwMDAwMgA=",
        "conversation_id": "33612345678", "parent_id": None, "author": LEA,
        "text": "Dépôt sauvage au coin de la rue",
        "attachments": [
            (None, "image/jpeg", "1003383421387256", "Dépôt sauvage au coin de la rue")
        ],
        "location": None, "created_at": at(8, 10),
    },
    "whatsapp_location.json": {
        "channel": "whatsapp", "kind": "direct_message",
        "message_id": "wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQUZBMDAwMDAwMDAwMDAwMDAwMwA=",
        "conversation_id": "33612345678", "parent_id": None, "author": LEA, "text": "",
        "attachments": [],
        "location": (45.7578137, 4.8320114, "Place Bellecour, 20 Place Bellecour, 69002 Lyon"),
        "created_at": at(8, 15),
    },
    "whatsapp_button_reply.json": {
        "channel": "whatsapp", "kind": "direct_message",
        "message_id": "wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQUZBMDAwMDAwMDAwMDAwMDAwNAA=",
        "conversation_id": "33612345678",
        "parent_id": "wamid.HBgLMzM2MTIzNDU2NzgVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
        "author": LEA, "text": "Oui, signaler", "attachments": [], "location": None,
        "created_at": at(8, 20),
    },
}  # fmt: skip


@pytest.mark.parametrize(("fixture", "expected"), DOCUMENTED.items(), ids=list(DOCUMENTED))
def test_each_documented_message_becomes_one_interaction_with_these_fields(
    fixture: str, expected: dict[str, Any]
) -> None:
    result = parse(fixture)
    [interaction] = result.interactions
    assert fields(interaction) == expected
    assert (result.edits, result.deletions, result.statuses, result.ignored) == ([], [], [], [])


@pytest.mark.parametrize("fixture", list(DOCUMENTED))
def test_interaction_ids_are_deterministic_and_reception_time_is_the_context_s(
    fixture: str,
) -> None:
    [interaction] = parse(fixture).interactions
    assert interaction.interaction_id == interaction_id(
        "lyon", interaction.channel, interaction.message_id
    )
    assert (interaction.agency_id, interaction.connection_id) == ("lyon", "lyon-meta")
    assert interaction.received_at == NOW
    assert interaction.created_at.tzinfo is not None


# Edits, deletions, echoes, reactions


def test_an_edited_comment_becomes_an_edit_of_the_same_interaction_with_the_new_text() -> None:
    [edit] = parse("page_feed_comment_edited.json").edits
    assert edit.interaction.interaction_id == interaction_id("lyon", "facebook", COMMENT_11)
    assert fields(edit.interaction) == {
        **DOCUMENTED["page_feed_comment.json"],
        "text": "La piscine du quartier est-elle ouverte samedi et dimanche ?",
    }
    assert edit.edited_at == at(8, 20)


def test_an_edited_messenger_message_becomes_an_edit() -> None:
    [edit] = parse("messenger_edit.json").edits
    assert (edit.interaction.channel, edit.interaction.message_id) == (
        "messenger",
        "m_Qx7ywaKpO9kkQR7Gv-text-0001",
    )
    assert edit.interaction.conversation_id == PSID
    assert edit.interaction.text.endswith("résident en ligne ?")
    assert edit.edited_at == at(8, 40, 0, 627)


def test_a_removed_comment_becomes_a_deletion_of_that_comment() -> None:
    result = parse("page_feed_comment_removed.json")
    assert result.deletions == [
        Deletion(Channel.FACEBOOK, "880000000000001_990000000000012", at(8, 30))
    ]
    assert result.interactions == []


@pytest.mark.parametrize("fixture", ["page_feed_reaction.json", "messenger_reaction.json"])
def test_reactions_are_acknowledged_as_reactions(fixture: str) -> None:
    result = parse(fixture)
    assert [i.type for i in result.ignored] == ["reaction"]
    assert result.interactions == []


@pytest.mark.parametrize("fixture", ["page_feed_own_comment.json", "messenger_echo.json"])
def test_the_agency_s_own_comments_and_messages_are_echoes(fixture: str) -> None:
    result = parse(fixture)
    assert [i.type for i in result.ignored] == ["echo"]
    assert result.interactions == []


def test_the_page_s_own_comment_is_an_echo_even_without_a_configured_account() -> None:
    result = parse("page_feed_own_comment.json", replace(CTX, account_id=None))
    assert [i.type for i in result.ignored] == ["echo"]


def test_an_instagram_comment_by_the_agency_account_is_an_echo() -> None:
    payload = json.loads(body_of("instagram_comment.json"))
    payload["entry"][0]["changes"][0]["value"]["from"]["id"] = IG_ACCOUNT_ID
    result = parse(payload, replace(CTX, account_id=IG_ACCOUNT_ID))
    assert [i.type for i in result.ignored] == ["echo"]


def instagram_message(**flags: bool) -> dict[str, Any]:
    payload = json.loads(body_of("instagram_dm.json"))
    payload["entry"][0]["messaging"][0]["message"].update(flags)
    return payload


def test_an_instagram_message_the_citizen_unsent_becomes_a_deletion() -> None:
    result = parse(instagram_message(is_deleted=True))
    assert result.deletions == [
        Deletion(
            Channel.INSTAGRAM,
            "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx",
            at(8, 50, 0, 115),
        )
    ]
    assert result.interactions == []


def test_an_instagram_message_the_platform_cannot_show_is_acknowledged_as_unsupported() -> None:
    result = parse(instagram_message(is_unsupported=True))
    assert [i.type for i in result.ignored] == ["unsupported"]
    assert result.interactions == []


def test_an_instagram_echo_of_the_agency_s_reply_is_an_echo() -> None:
    result = parse(instagram_message(is_echo=True))
    assert [i.type for i in result.ignored] == ["echo"]


# Delivery statuses


def test_a_messenger_delivery_gives_one_delivered_status_per_mid() -> None:
    assert parse("messenger_delivery.json").statuses == [
        DeliveryStatus(Channel.MESSENGER, mid, "delivered", at(8, 20, 0, 600), recipient_id=PSID)
        for mid in ("m_Qx7ywaKpO9kkQR7Gv-echo-0003", "m_Qx7ywaKpO9kkQR7Gv-echo-0004")
    ]


def test_a_messenger_read_receipt_becomes_one_watermark_status() -> None:
    [status] = parse("messenger_read.json").statuses
    assert status == DeliveryStatus(
        Channel.MESSENGER,
        "watermark:1795681200000",
        "read",
        at(8, 30, 0, 463),
        recipient_id=PSID,
    )


def test_an_instagram_read_receipt_names_its_message() -> None:
    payload = {
        "object": "instagram",
        "entry": [{"id": IG_ACCOUNT_ID, "time": 1795683000, "messaging": [{
            "sender": {"id": "5310000000000001"}, "recipient": {"id": IG_ACCOUNT_ID},
            "timestamp": 1795683000115, "read": {"mid": "aWdfZAG1faXRlbToxOklHTWVz"},
        }]}],
    }  # fmt: skip
    [status] = parse(payload).statuses
    assert (status.channel, status.platform_message_id, status.status) == (
        "instagram",
        "aWdfZAG1faXRlbToxOklHTWVz",
        "read",
    )


def test_whatsapp_statuses_map_to_sent_delivered_read_and_failed_with_the_error_title() -> None:
    wamid = "wamid.HBgLMzM2MTIzNDU2NzgVAgARGBJBR09SQTAwMDAwMDAwMDAwMQA="
    failed = "wamid.HBgLMzM2MTIzNDU2NzgVAgARGBJBR09SQTAwMDAwMDAwMDAwMgA="
    result = parse("whatsapp_statuses.json")
    assert [(s.platform_message_id, s.status, s.at, s.error) for s in result.statuses] == [
        (wamid, "sent", at(8, 30), None),
        (wamid, "delivered", at(8, 30, 5), None),
        (wamid, "read", at(8, 31), None),
        (failed, "failed", at(8, 40), "Re-engagement message"),
    ]
    assert {(s.channel, s.recipient_id) for s in result.statuses} == {("whatsapp", "33612345678")}
    assert result.interactions == []


# WhatsApp message types


def whatsapp_message(message: dict[str, Any]) -> dict[str, Any]:
    payload = json.loads(body_of("whatsapp_text.json"))
    payload["entry"][0]["changes"][0]["value"]["messages"] = [
        {"from": "33612345678", "id": "wamid.X", "timestamp": "1795680300", **message}
    ]
    return payload


def test_a_whatsapp_list_reply_is_read_as_its_title() -> None:
    reply = {"id": "bins", "title": "Encombrants", "description": "Collecte sur rendez-vous"}
    payload = whatsapp_message(
        {"type": "interactive", "interactive": {"type": "list_reply", "list_reply": reply}}
    )
    [interaction] = parse(payload).interactions
    assert interaction.text == "Encombrants"


def test_a_whatsapp_template_button_is_read_as_its_text() -> None:
    payload = whatsapp_message({"type": "button", "button": {"payload": "STOP", "text": "Stop"}})
    [interaction] = parse(payload).interactions
    assert interaction.text == "Stop"


def test_a_whatsapp_document_is_referenced_by_media_id_with_its_caption_as_text() -> None:
    document = {
        "caption": "Mon justificatif",
        "filename": "facture.pdf",
        "mime_type": "application/pdf",
        "sha256": "abc=",
        "id": "2200000000000001",
    }
    [interaction] = parse(whatsapp_message({"type": "document", "document": document})).interactions
    assert interaction.text == "Mon justificatif"
    [attachment] = interaction.attachments
    assert (attachment.platform_media_id, attachment.media_type, attachment.url) == (
        "2200000000000001",
        "application/pdf",
        None,
    )


@pytest.mark.parametrize(
    ("message", "ignored"),
    [
        ({"type": "unsupported", "errors": [{"code": 131051, "title": "Message type unknown"}]},
         "unsupported"),
        ({"type": "contacts", "contacts": [{"name": {"formatted_name": "X"}}]}, "unsupported"),
        ({"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {}}},
         "unsupported"),
        ({"type": "reaction", "reaction": {"message_id": "wamid.Y", "emoji": "👍"}}, "reaction"),
    ],
)  # fmt: skip
def test_whatsapp_messages_without_citizen_text_are_acknowledged_not_parsed(
    message: dict[str, Any], ignored: str
) -> None:
    result = parse(whatsapp_message(message))
    assert [i.type for i in result.ignored] == [ignored]
    assert result.interactions == []


# Batches and tolerance


def test_a_batched_delivery_yields_one_item_per_change_and_event() -> None:
    result = parse("page_batched.json")
    assert [(i.channel, i.kind, i.message_id) for i in result.interactions] == [
        ("facebook", "comment", "880000000000003_990000000000031"),
        ("facebook", "post", "104857600000001_880000000000004"),
        ("messenger", "direct_message", "m_Qx7ywaKpO9kkQR7Gv-text-0009"),
    ]
    assert [i.type for i in result.ignored] == ["reaction"]
    assert [(s.platform_message_id, s.status) for s in result.statuses] == [
        ("m_Qx7ywaKpO9kkQR7Gv-echo-0010", "delivered")
    ]
    assert fields(result.interactions[1]) == {
        "channel": "facebook", "kind": "post", "message_id": "104857600000001_880000000000004",
        "conversation_id": "104857600000001_880000000000004", "parent_id": None,
        "author": ("6200000000000007", None, "Chloé Roux"),
        "text": "Le marché de la Croix-Rousse est-il maintenu dimanche ?",
        "attachments": [], "location": None, "created_at": at(8, 47),
    }  # fmt: skip


def with_unknown_fields(node: Any) -> Any:
    """Every object gains fields the documentation never showed."""
    if isinstance(node, dict):
        grown = {key: with_unknown_fields(value) for key, value in node.items()}
        return {**grown, "unannounced_field": {"nested": [1, "two"]}, "flag_2031": True}
    if isinstance(node, list):
        return [with_unknown_fields(item) for item in node]
    return node


@pytest.mark.parametrize(
    "fixture", sorted(p.name for p in FIXTURES.glob("*.json")), ids=lambda name: name
)
def test_unknown_extra_fields_change_nothing(fixture: str) -> None:
    grown = with_unknown_fields(json.loads(body_of(fixture)))
    assert parse(grown) == parse(fixture)


def delivery(object_: str, **entry: Any) -> dict[str, Any]:
    return {"object": object_, "entry": [{"id": "1", **entry}]}


def changed(object_: str, field: str, value: dict[str, Any]) -> dict[str, Any]:
    return delivery(object_, changes=[{"field": field, "value": value}])


HIDDEN_COMMENT = {"item": "comment", "verb": "hide", "post_id": "1_2", "comment_id": "2_3"}


@pytest.mark.parametrize(
    "payload",
    [
        changed("user", "photos", {}),
        changed("page", "ratings", {}),
        changed("instagram", "story_insights", {"media_id": "1"}),
        changed("whatsapp_business_account", "account_update", {}),
        changed("page", "feed", HIDDEN_COMMENT),
        delivery("page", messaging=[{"sender": {"id": "7"}, "postback": {"title": "Start"}}]),
        delivery("page", messaging=[{"recipient": {"id": "1"}, "optin": {"user_ref": "u-1"}}]),
    ],
)
def test_fields_agora_does_not_handle_are_acknowledged_as_unsupported(
    payload: dict[str, Any],
) -> None:
    result = parse(payload)
    assert [i.type for i in result.ignored] == ["unsupported"]


def test_numeric_ids_from_older_graph_versions_are_read_as_strings() -> None:
    payload = json.loads(body_of("messenger_text.json"))
    payload["entry"][0]["messaging"][0]["sender"]["id"] = 7012345678901234
    [interaction] = parse(payload).interactions
    assert interaction.conversation_id == PSID


def test_graph_2_x_feed_authors_are_read_from_sender_fields() -> None:
    payload = json.loads(body_of("page_feed_comment.json"))
    value = payload["entry"][0]["changes"][0]["value"]
    del value["from"]
    value.update(sender_id=6200000000000001, sender_name="Camille Martin")
    [interaction] = parse(payload).interactions
    assert fields(interaction)["author"] == CAMILLE


# Malformed payloads

FEED_COMMENT = json.loads(body_of("page_feed_comment.json"))
WITHOUT_COMMENT_ID = copy.deepcopy(FEED_COMMENT)
del WITHOUT_COMMENT_ID["entry"][0]["changes"][0]["value"]["comment_id"]
BAD_TIME = copy.deepcopy(FEED_COMMENT)
BAD_TIME["entry"][0]["changes"][0]["value"]["created_time"] = "last tuesday"
WHATSAPP_WITHOUT_SENDER = whatsapp_message({})
del WHATSAPP_WITHOUT_SENDER["entry"][0]["changes"][0]["value"]["messages"][0]["from"]


def encoded(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"not json", "body: Invalid JSON"),
        (b"[]", "body: Input should be"),
        (b'{"entry": []}', "object: Field required"),
        (b'{"object": "page"}', "entry: Field required"),
        (b'{"object": "page", "entry": {}}', "entry: Input should be a valid array"),
        (
            encoded(
                delivery("page", messaging=[{"sender": {"id": "7"}, "message": {"text": "hi"}}])
            ),
            "entry.0.messaging.0.message.mid: Field required",
        ),
        (
            encoded(delivery("page", messaging=[{"message": {"mid": "m"}}])),
            "entry.0.messaging.0.sender.id: Field required",
        ),
        (encoded(WITHOUT_COMMENT_ID), "entry.0.changes.0.value.comment_id: Field required"),
        (encoded(BAD_TIME), "entry.0.changes.0.value.created_time: Value error"),
        (
            encoded(WHATSAPP_WITHOUT_SENDER),
            "entry.0.changes.0.value.messages.0.from: Field required",
        ),
        (
            encoded(changed("instagram", "comments", {"id": "1"})),
            "entry.0.changes.0.value.media.id: Field required",
        ),
    ],
)
def test_a_malformed_payload_is_invalid_input_naming_the_field(body: bytes, detail: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.parse(post(body), CTX)
    assert caught.value.code == "invalid_payload"
    assert caught.value.detail.startswith(detail), caught.value.detail


# Platform times


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1795680300, at(8, 5)),
        ("1795680300", at(8, 5)),
        (1795680300250, at(8, 5, 0, 250)),
        ("2026-11-26T08:05:00+0000", at(8, 5)),
        ("2026-11-26T10:05:00+02:00", at(8, 5)),
    ],
)
def test_platform_times_in_seconds_milliseconds_or_iso_become_aware_utc(
    value: object, expected: datetime
) -> None:
    converted = to_datetime(value)
    assert converted == expected
    assert converted.utcoffset() is not None
    assert converted.tzinfo == UTC


@pytest.mark.parametrize("value", ["2026-11-26T08:05:00", "soon", True, None, 1e300])
def test_times_without_a_zone_or_a_number_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"."):
        to_datetime(value)
