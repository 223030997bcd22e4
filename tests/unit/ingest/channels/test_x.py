"""X webhooks: CRC handshake, x-twitter-webhooks-signature, three payload shapes -> items.

Fixtures follow https://docs.x.com/x-api/account-activity/introduction (``for_user_id``,
``tweet_create_events`` with ``extended_tweet``, ``direct_message_events``, ``favorite_events``,
``tweet_delete_events``), https://docs.x.com/x-api/activity/event-payloads (``post.create``,
``post.mention.create``, ``dm.received``, ``like.create``) and the v2 Post object with
``note_tweet`` as filtered-stream webhooks deliver it.
"""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.ingest.channels.base import ConnectionContext, Deletion, Ignored, WebhookRequest
from services.ingest.channels.x import XAdapter, x_signature
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Location
from shared.ids import interaction_id

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "x"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SECRET = "Xk2Tq9LmP4rS7vW1yZ3bC6dF8gH0jK5nQ2sU4wY6aE9iO1uR3tV"
AGENCY = "1460000000000000001"
CTX = ConnectionContext(
    agency_id="lyon",
    connection_id="lyon-x",
    secrets={"consumer_secret_env": SECRET},
    received_at=NOW,
    account_id=AGENCY,
    account_handle="@mairie_lyon",
)
NO_ID = ConnectionContext(
    "lyon", "lyon-x", {"consumer_secret_env": SECRET}, NOW, account_handle="mairie_lyon"
)
ADAPTER = XAdapter()
URL = "https://agora.example/webhooks/x/lyon-x"


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _sign(body: bytes, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def _request(body: bytes | Any, signature: str | None = None) -> WebhookRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"x-twitter-webhooks-signature": signature} if signature is not None else {}
    return WebhookRequest("POST", URL, headers, {}, raw, "application/json")


def _parse(payload: Any, ctx: ConnectionContext = CTX):
    return ADAPTER.parse(_request(payload), ctx)


def _crc(token: str | None, secret: str = SECRET):
    query = {"crc_token": token} if token is not None else {}
    ctx = ConnectionContext("lyon", "lyon-x", {"consumer_secret_env": secret}, NOW)
    return ADAPTER.handshake(WebhookRequest("GET", URL, {}, query, b""), ctx)


def test_the_crc_of_the_published_sample_is_answered_as_documented() -> None:
    # Consumer secret and crc_token of the CRC sample code Twitter's developer relations
    # published with the Account Activity API (gist.github.com/jcipriano, "Creates a valid CRC
    # response for Twitter webhook integration"). https://docs.x.com/x-api/webhooks/quickstart
    # gives the same recipe but prints no output: the expected token was computed separately.
    answer = _crc(
        "9b4507b3-9040-4669-9ca3-6b94edb50553",
        secret="z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu",
    )
    assert answer is not None
    assert json.loads(answer.body) == {
        "response_token": "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="
    }
    assert (answer.media_type, answer.status_code) == ("application/json", 200)


def test_the_crc_response_is_keyed_with_the_consumer_secret() -> None:
    answer = _crc("challenge_string")
    assert answer is not None
    assert json.loads(answer.body)["response_token"] == _sign(b"challenge_string")


@pytest.mark.parametrize("token", [None, ""])
def test_a_handshake_without_crc_token_is_refused(token: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        _crc(token)
    assert caught.value.code == "missing_crc_token"


def test_a_body_signed_with_the_consumer_secret_is_accepted() -> None:
    body = (FIXTURES / "aaa_mention.json").read_bytes()
    ADAPTER.verify(_request(body, _sign(body)), CTX)
    assert x_signature(SECRET, body) == _sign(body)


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        (None, "missing_signature"),
        ("", "missing_signature"),
        ("sha256=" + "A" * 43 + "=", "invalid_signature"),
        (
            "sha256=" + hmac.new(SECRET.encode(), b"{}", hashlib.sha256).hexdigest(),
            "invalid_signature",
        ),
    ],
    ids=["missing", "empty", "wrong", "hex instead of base64"],
)
def test_a_missing_or_wrong_signature_is_refused(signature: str | None, code: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(_request(b"{}", signature), CTX)
    assert caught.value.code == code


def test_the_signature_covers_the_raw_bytes_and_the_consumer_secret() -> None:
    body = (FIXTURES / "aaa_mention.json").read_bytes()
    with pytest.raises(Unauthorized):
        ADAPTER.verify(_request(json.dumps(json.loads(body)).encode(), _sign(body)), CTX)
    with pytest.raises(Unauthorized):
        ADAPTER.verify(_request(body, _sign(body, "another-consumer-secret")), CTX)


def test_x_takes_the_default_answer() -> None:
    assert ADAPTER.acknowledge(_parse(_fixture("aaa_mention.json"))) is None


# --- Account Activity API ------------------------------------------------------------------


def test_a_post_mentioning_the_account_becomes_a_mention() -> None:
    result = _parse(_fixture("aaa_mention.json"))
    [interaction] = result.interactions
    assert (result.ignored, result.deletions) == ([], [])
    assert interaction.interaction_id == interaction_id("lyon", "x", "1993574432000000001")
    assert (interaction.agency_id, interaction.connection_id) == ("lyon", "lyon-x")
    assert (interaction.channel, interaction.kind) == ("x", "mention")
    assert interaction.message_id == "1993574432000000001"
    assert interaction.conversation_id == "1993574432000000001"
    assert interaction.parent_id is None
    assert interaction.author == Author(
        id="3001969357", handle="jordan_lyon", display_name="Jordan B."
    )
    assert interaction.text == (
        "@mairie_lyon le lampadaire du 12 rue Neuve est éteint depuis lundi, la rue est très sombre"
    )
    assert interaction.attachments == ()
    assert interaction.location == Location(
        latitude=45.7672, longitude=4.8345, address="Lyon, France"
    )
    assert interaction.language_hint == "fr"
    assert interaction.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)
    assert interaction.received_at == NOW


def test_a_long_reply_takes_its_full_text_and_media_from_extended_tweet() -> None:
    [interaction] = _parse(_fixture("aaa_reply_extended.json")).interactions
    assert (interaction.channel, interaction.kind) == ("x", "reply")
    assert interaction.message_id == "1993575061000000002"
    assert interaction.parent_id == "1993560000000000000"
    assert interaction.conversation_id == "1993560000000000000"
    assert interaction.author == Author(
        id="4337869213", handle="harris_69", display_name="Harrison"
    )
    assert interaction.text.startswith("@mairie_lyon Depuis ce matin un arbre est tombé")
    assert interaction.text.endswith("Quelqu'un peut intervenir ? https://t.co/PhOtO5678")
    assert "…" not in interaction.text
    assert interaction.attachments == (
        Attachment(
            url="https://pbs.twimg.com/media/GabcDEF123.jpg",
            media_type="image",
            platform_media_id="1993575050000000003",
        ),
        Attachment(
            url="https://pbs.twimg.com/ext_tw_video_thumb/1993575050000000004/pu/img/xyz.jpg",
            media_type="video",
            platform_media_id="1993575050000000004",
        ),
    )
    assert interaction.location is None
    assert interaction.created_at == datetime(2026, 11, 26, 9, 14, 30, tzinfo=UTC)


def test_a_post_that_starts_with_the_handle_is_a_mention_not_a_reply() -> None:
    payload = _fixture("aaa_mention.json")
    assert payload["tweet_create_events"][0]["in_reply_to_user_id_str"] == AGENCY
    assert _parse(payload).interactions[0].kind == "mention"


def test_a_reply_to_the_account_counts_without_a_mention_entity() -> None:
    payload = _fixture("aaa_reply_extended.json")
    tweet = payload["tweet_create_events"][0]
    del tweet["extended_tweet"]
    tweet.update(truncated=False, entities={"user_mentions": []}, text="Merci !")
    [interaction] = _parse(payload).interactions
    assert (interaction.kind, interaction.text) == ("reply", "Merci !")


def test_a_post_by_the_account_itself_is_an_echo() -> None:
    result = _parse(_fixture("aaa_own_tweet.json"))
    assert result.interactions == []
    assert result.ignored == [Ignored("echo", "post by the agency's account")]


def test_a_repost_is_a_reaction() -> None:
    payload = _fixture("aaa_mention.json")
    payload["tweet_create_events"][0]["retweeted_status"] = {"id_str": "1993560000000000000"}
    assert _parse(payload).ignored == [Ignored("reaction", "repost")]


def test_a_quote_of_the_account_is_a_comment_on_the_quoted_post() -> None:
    payload = _fixture("aaa_mention.json")
    tweet = payload["tweet_create_events"][0]
    tweet.update(
        entities={"user_mentions": []},
        in_reply_to_user_id_str=None,
        is_quote_status=True,
        quoted_status_id_str="1993560000000000000",
        quoted_status={"id_str": "1993560000000000000", "user": {"id_str": AGENCY}},
    )
    [interaction] = _parse(payload).interactions
    assert (interaction.kind, interaction.parent_id) == ("comment", "1993560000000000000")
    assert interaction.conversation_id == "1993574432000000001"


def test_a_post_neither_naming_nor_answering_the_account_is_not_for_it() -> None:
    payload = _fixture("aaa_mention.json")
    payload["tweet_create_events"][0].update(
        entities={"user_mentions": []}, in_reply_to_user_id_str=None
    )
    result = _parse(payload)
    assert result.interactions == []
    assert [i.type for i in result.ignored] == ["unsupported"]


def test_events_for_another_subscribed_account_are_left_to_its_connection() -> None:
    payload = _fixture("aaa_mention.json")
    payload["for_user_id"] = "999"
    result = _parse(payload)
    assert result.interactions == []
    assert result.ignored == [Ignored("unsupported", "event for another subscribed account")]


def test_a_received_direct_message_is_a_conversation_with_its_sender() -> None:
    result = _parse(_fixture("aaa_direct_messages.json"))
    [interaction] = result.interactions
    assert interaction.interaction_id == interaction_id("lyon", "x", "1993574900000000010")
    assert (interaction.channel, interaction.kind) == ("x", "direct_message")
    assert interaction.message_id == "1993574900000000010"
    assert interaction.conversation_id == "3001969357"
    assert interaction.parent_id is None
    assert interaction.author == Author(
        id="3001969357", handle="jordan_lyon", display_name="Jordan B."
    )
    assert interaction.text.startswith("Bonjour, ma carte de stationnement résident a expiré")
    assert interaction.attachments == (
        Attachment(
            url="https://ton.twitter.com/1.1/ton/data/dm/1993574900000000010/1993574890000000011/carte.jpg",
            media_type="image",
            platform_media_id="1993574890000000011",
        ),
    )
    assert interaction.location is None
    assert interaction.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)
    assert result.ignored == [Ignored("echo", "direct message sent by the agency")]


def test_a_like_is_a_reaction() -> None:
    result = _parse(_fixture("aaa_favorite.json"))
    assert result.interactions == []
    assert result.ignored == [Ignored("reaction", "x account activity: favorite_events")]


def test_a_deleted_citizen_post_is_a_deletion_and_the_agency_s_own_an_echo() -> None:
    result = _parse(_fixture("aaa_delete.json"))
    assert result.deletions == [
        Deletion("x", "1993574432000000001", datetime(2026, 11, 26, 9, 20, 5, tzinfo=UTC))
    ]
    assert [i.type for i in result.ignored] == ["echo"]


@pytest.mark.parametrize(
    ("payload", "reasons"),
    [
        (
            {"for_user_id": AGENCY, "follow_events": [{"type": "follow"}, {"type": "follow"}]},
            ["x account activity: follow_events"] * 2,
        ),
        ({"for_user_id": AGENCY}, ["x account activity without events"]),
        ({"user_event": {"revoke": {}}}, ["x payload: user_event"]),
        ({"replay_job_status": {"job_state": "Complete"}}, ["x payload: replay_job_status"]),
    ],
)
def test_other_activity_is_acknowledged_and_counted(payload: Any, reasons: list[str]) -> None:
    result = _parse(payload)
    assert result.interactions == []
    assert [(i.type, i.reason) for i in result.ignored] == [("unsupported", r) for r in reasons]


# --- X Activity API and v2 posts -----------------------------------------------------------


def test_an_activity_mention_is_the_same_interaction_as_its_account_activity_twin() -> None:
    [activity] = _parse(_fixture("xaa_post_mention.json")).interactions
    [legacy] = _parse(_fixture("aaa_mention.json")).interactions
    assert activity.interaction_id == legacy.interaction_id
    assert (activity.channel, activity.kind) == ("x", "mention")
    assert activity.message_id == activity.conversation_id == "1993574432000000001"
    assert activity.parent_id is None
    assert activity.author == Author(
        id="3001969357", handle="jordan_lyon", display_name="Jordan B."
    )
    assert activity.text == legacy.text
    assert (activity.attachments, activity.location) == ((), None)
    assert activity.language_hint == "fr"
    assert activity.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)


def test_the_filter_names_the_account_when_the_connection_does_not() -> None:
    result = _parse(_fixture("xaa_post_create_own.json"), NO_ID)
    assert result.ignored == [Ignored("echo", "post by the agency's account")]
    assert _parse(_fixture("xaa_post_create_own.json")).ignored == result.ignored


def test_an_activity_direct_message_unwraps_its_users_map() -> None:
    [interaction] = _parse(_fixture("xaa_dm_received.json")).interactions
    assert interaction.interaction_id == interaction_id("lyon", "x", "1993574900000000010")
    assert (interaction.kind, interaction.conversation_id) == ("direct_message", "3001969357")
    assert interaction.author == Author(
        id="3001969357", handle="jordan_lyon", display_name="Jordan B."
    )
    assert interaction.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)


def test_an_activity_direct_message_sent_by_the_agency_is_an_echo() -> None:
    payload = _fixture("xaa_dm_received.json")
    payload["data"]["event_type"] = "dm.sent"
    event = payload["data"]["payload"]["direct_message_events"][0]["message_create"]
    event.update(sender_id=AGENCY, target={"recipient_id": "3001969357"})
    assert [i.type for i in _parse(payload, NO_ID).ignored] == ["echo"]


def test_an_activity_like_is_a_reaction_and_unknown_events_are_counted() -> None:
    assert _parse(_fixture("xaa_like.json")).ignored == [
        Ignored("reaction", "x activity event: like.create")
    ]
    payload = _fixture("xaa_like.json")
    payload["data"]["event_type"] = "follow.follow"
    assert _parse(payload).ignored == [Ignored("unsupported", "x activity event: follow.follow")]


def test_an_activity_post_deletion_is_a_deletion_unless_the_agency_deleted_its_own() -> None:
    payload = _fixture("xaa_post_create_own.json")
    payload["data"].update(event_type="post.delete", payload={"id": "7", "author_id": "3001969357"})
    assert _parse(payload).deletions == [Deletion("x", "7", NOW)]
    payload["data"]["payload"]["author_id"] = AGENCY
    assert [i.type for i in _parse(payload).ignored] == ["echo"]


def test_a_long_v2_post_takes_its_full_text_from_note_tweet() -> None:
    [interaction] = _parse(_fixture("stream_post_long.json")).interactions
    assert interaction.interaction_id == interaction_id("lyon", "x", "1993575061000000002")
    assert (interaction.channel, interaction.kind) == ("x", "reply")
    assert interaction.message_id == "1993575061000000002"
    assert interaction.conversation_id == "1993560000000000000"
    assert interaction.parent_id == "1993560000000000000"
    assert interaction.author == Author(
        id="4337869213", handle="harris_69", display_name="Harrison"
    )
    assert interaction.text.endswith("l'école Saint-Paul. Quelqu'un peut intervenir ?")
    assert "…" not in interaction.text
    assert interaction.attachments == (
        Attachment(
            url="https://pbs.twimg.com/media/GabcDEF123.jpg",
            media_type="image",
            platform_media_id="3_1993575050000000003",
            caption="Arbre couché sur le quai",
        ),
        Attachment(
            url="https://pbs.twimg.com/ext_tw_video_thumb/1993575050000000004/pu/img/xyz.jpg",
            media_type="video",
            platform_media_id="7_1993575050000000004",
        ),
    )
    assert interaction.location == Location(address="Lyon, France")
    assert interaction.created_at == datetime(2026, 11, 26, 9, 14, 30, tzinfo=UTC)


def test_a_bare_post_without_includes_is_recognised_by_handle_and_keeps_what_it_has() -> None:
    payload = {
        "data": {
            "id": "1993575061000000009",
            "text": "@mairie_lyon bus 19 en retard",
            "author_id": "4337869213",
            "entities": {"mentions": [{"start": 0, "end": 12, "username": "Mairie_Lyon"}]},
            "geo": {"coordinates": {"type": "Point", "coordinates": [4.85, 45.75]}},
        }
    }
    [interaction] = _parse(payload, NO_ID).interactions
    assert (interaction.kind, interaction.conversation_id) == ("mention", "1993575061000000009")
    assert interaction.author == Author(id="4337869213")
    assert interaction.location == Location(latitude=45.75, longitude=4.85)
    assert interaction.created_at == NOW


def test_a_post_matched_by_a_rule_without_naming_the_agency_is_a_post() -> None:
    payload = {"data": {"id": "5", "text": "Les quais de Saône sont inondés", "author_id": "8"}}
    [interaction] = _parse(payload).interactions
    assert interaction.kind == "post"


def test_a_v2_repost_is_a_reaction() -> None:
    payload = _fixture("stream_post_long.json")
    payload["data"]["referenced_tweets"] = [{"type": "retweeted", "id": "1993560000000000000"}]
    assert _parse(payload).ignored == [Ignored("reaction", "repost")]


def test_unknown_fields_are_tolerated() -> None:
    payload = _fixture("aaa_mention.json")
    payload["new_top_level"] = True
    payload["tweet_create_events"][0]["community_note"] = {"x": 1}
    payload["tweet_create_events"][0]["user"]["subscription_type"] = "Premium"
    assert len(_parse(payload).interactions) == 1
    stream = _fixture("stream_post_long.json")
    stream["data"]["article"] = {"title": "x"}
    stream["includes"]["topics"] = []
    assert len(_parse(stream).interactions) == 1


@pytest.mark.parametrize(
    ("fixture", "mutate", "detail"),
    [
        (
            "aaa_mention.json",
            lambda p: p["tweet_create_events"][0].pop("id_str"),
            "tweet_create_events.0.id_str: Field required",
        ),
        (
            "aaa_mention.json",
            lambda p: p["tweet_create_events"][0].update(created_at="26/11/2026"),
            "tweet_create_events.0.created_at:",
        ),
        (
            "aaa_direct_messages.json",
            lambda p: p["direct_message_events"][0]["message_create"].pop("sender_id"),
            "direct_message_events.0.message_create.sender_id: Field required",
        ),
        (
            "xaa_post_mention.json",
            lambda p: p["data"]["payload"].pop("id"),
            "data.payload.id: Field required",
        ),
        (
            "xaa_post_mention.json",
            lambda p: p["data"].update(payload={"id": "1", "created_at": "today"}),
            "data.payload.created_at:",
        ),
        ("stream_post_long.json", lambda p: p["data"].pop("id"), "data.id: Field required"),
    ],
)
def test_a_malformed_payload_names_the_field(fixture: str, mutate: Any, detail: str) -> None:
    payload = _fixture(fixture)
    mutate(payload)
    with pytest.raises(InvalidInput) as caught:
        _parse(payload)
    assert caught.value.code == "invalid_payload"
    assert caught.value.detail.startswith(detail)


@pytest.mark.parametrize("body", [b"not json", b"[]", b"\xff"])
def test_a_body_that_is_not_a_json_object_is_invalid(body: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.parse(_request(body), CTX)
    assert caught.value.detail.startswith("body:")
