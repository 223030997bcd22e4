"""Mastodon: admin webhooks signed with X-Hub-Signature, status -> interaction, polling.

Webhook fixtures follow https://docs.joinmastodon.org/admin/webhooks/ (``event``, ``created_at``,
``object``), statuses https://docs.joinmastodon.org/entities/Status/ and the polled list
https://docs.joinmastodon.org/methods/notifications/ (Notification entities).
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.ingest.channels.base import ConnectionContext, Ignored, WebhookRequest
from services.ingest.channels.mastodon import MastodonAdapter, parse_notifications
from services.ingest.channels.mastodon_payloads import html_to_text
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author
from shared.ids import interaction_id

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "mastodon"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SECRET = "8d3f0c6b2a9e41d7b5c4a3f2e1d0c9b8a7f6e5d4"
AGENCY_ID = "109348673217455510"
CTX = ConnectionContext(
    agency_id="lyon",
    connection_id="lyon-mastodon",
    secrets={"secret_env": SECRET},
    received_at=NOW,
    account_id=AGENCY_ID,
    account_handle="@mairie@social.lyon.fr",
)
BY_HANDLE = ConnectionContext(
    "lyon", "lyon-mastodon", {"secret_env": SECRET}, NOW, account_handle="mairie@social.lyon.fr"
)
ADAPTER = MastodonAdapter()


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _request(body: bytes | dict[str, Any], signature: str | None = None) -> WebhookRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"x-hub-signature": signature} if signature is not None else {}
    url = "https://agora.example/webhooks/mastodon/lyon-mastodon"
    return WebhookRequest("POST", url, headers, {}, raw, "application/json")


def _parse(payload: dict[str, Any], ctx: ConnectionContext = CTX):
    return ADAPTER.parse(_request(payload), ctx)


def test_a_body_signed_with_the_webhook_secret_is_accepted() -> None:
    body = (FIXTURES / "status_created_mention.json").read_bytes()
    ADAPTER.verify(_request(body, _sign(body)), CTX)
    ADAPTER.verify(_request(body, _sign(body).upper().replace("SHA256=", "sha256=")), CTX)


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        (None, "missing_signature"),
        ("", "missing_signature"),
        ("sha256=" + "0" * 64, "invalid_signature"),
        ("sha1=" + "0" * 40, "invalid_signature"),
        ("signed-by-someone-else", "invalid_signature"),
    ],
)
def test_a_missing_or_wrong_signature_is_refused(signature: str | None, code: str) -> None:
    body = (FIXTURES / "status_created_mention.json").read_bytes()
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(_request(body, signature), CTX)
    assert caught.value.code == code


def test_the_signature_covers_the_raw_bytes_not_a_reserialised_copy() -> None:
    body = (FIXTURES / "status_created_mention.json").read_bytes()
    reserialised = json.dumps(json.loads(body)).encode()
    assert reserialised != body
    with pytest.raises(Unauthorized):
        ADAPTER.verify(_request(reserialised, _sign(body)), CTX)
    with pytest.raises(Unauthorized):
        ADAPTER.verify(_request(body, _sign(body, "another-secret")), CTX)


def test_mastodon_has_no_handshake_and_takes_the_default_answer() -> None:
    assert ADAPTER.handshake(_request(b""), CTX) is None
    assert ADAPTER.acknowledge(_parse(_fixture("status_created_mention.json"))) is None


def test_a_status_mentioning_the_agency_becomes_a_mention() -> None:
    result = _parse(_fixture("status_created_mention.json"))
    [interaction] = result.interactions
    assert (result.edits, result.ignored) == ([], [])
    assert interaction.interaction_id == interaction_id("lyon", "mastodon", "113507421873340028")
    assert (interaction.agency_id, interaction.connection_id) == ("lyon", "lyon-mastodon")
    assert (interaction.channel, interaction.kind) == ("mastodon", "mention")
    assert interaction.message_id == "113507421873340028"
    assert interaction.conversation_id == "113507421873340028"
    assert interaction.parent_id is None
    assert interaction.author == Author(
        id="109348602194338467", handle="camille", display_name="Camille Martin"
    )
    assert interaction.text == (
        "@mairie le lampadaire devant le 12 rue Neuve est éteint depuis lundi & la rue est très"
        " sombre.\n\nVous pouvez regarder ?\nMerci d'avance\n\n"
        "Plan : https://www.openstreetmap.org/?mlat=45.7672&mlon=4.8345"
    )
    assert (interaction.attachments, interaction.location) == ((), None)
    assert interaction.language_hint == "fr"
    assert interaction.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)
    assert interaction.received_at == NOW


def test_a_reply_keeps_its_parent_its_content_warning_and_its_media() -> None:
    [interaction] = _parse(_fixture("status_created_reply.json")).interactions
    assert (interaction.channel, interaction.kind) == ("mastodon", "reply")
    assert interaction.message_id == "113507431702919455"
    assert interaction.parent_id == "113507300012345678"
    assert interaction.conversation_id == "113507300012345678"
    assert interaction.author == Author(id="110004455667788990", handle="yanis")
    assert interaction.text == (
        "Accident\n\n@mairie Le feu du carrefour Gambetta / Garibaldi ne fonctionne plus,"
        " voir photo."
    )
    assert interaction.attachments == (
        Attachment(
            url="https://files.social.lyon.fr/media_attachments/files/113/507/430/980/011/223/original/feu.jpg",
            media_type="image",
            platform_media_id="113507430980011223",
            caption="Feu tricolore éteint au carrefour",
        ),
    )
    assert interaction.created_at == datetime(2026, 11, 26, 9, 14, 30, tzinfo=UTC)


def test_a_reply_to_the_agency_counts_even_without_a_mention() -> None:
    payload = _fixture("status_created_reply.json")
    payload["object"]["mentions"] = []
    [interaction] = _parse(payload).interactions
    assert interaction.kind == "reply"


def test_a_remote_media_falls_back_to_its_remote_url() -> None:
    payload = _fixture("status_created_reply.json")
    media = payload["object"]["media_attachments"][0]
    media.update(url=None, remote_url="https://other.example/feu.jpg", type="gifv")
    [interaction] = _parse(payload).interactions
    assert interaction.attachments[0].url == "https://other.example/feu.jpg"
    assert interaction.attachments[0].media_type == "video"


def test_a_direct_status_is_a_direct_message_never_a_public_mention() -> None:
    payload = _fixture("status_created_mention.json")
    payload["object"]["visibility"] = "direct"
    [interaction] = _parse(payload).interactions
    assert interaction.kind == "direct_message"


def test_a_thread_id_given_by_the_server_is_the_conversation() -> None:
    payload = _fixture("status_created_reply.json")
    payload["object"]["pleroma"] = {"conversation_id": 48213, "local": True}
    [interaction] = _parse(payload).interactions
    assert interaction.conversation_id == "48213"


def test_an_edited_status_is_an_edit_of_the_same_interaction() -> None:
    result = _parse(_fixture("status_updated.json"))
    [edit] = result.edits
    assert result.interactions == []
    created = _parse(_fixture("status_created_mention.json")).interactions[0]
    assert edit.interaction.interaction_id == created.interaction_id
    assert edit.interaction.text == (
        "@mairie le lampadaire devant le 14 rue Neuve est éteint depuis lundi."
    )
    assert edit.interaction.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)
    assert edit.edited_at == datetime(2026, 11, 26, 9, 20, 5, tzinfo=UTC)


def test_an_edit_without_edited_at_is_dated_by_the_event() -> None:
    payload = _fixture("status_updated.json")
    payload["object"]["edited_at"] = None
    [edit] = _parse(payload).edits
    assert edit.edited_at == datetime(2026, 11, 26, 9, 20, 5, 117000, tzinfo=UTC)


def test_a_status_by_the_agency_is_an_echo() -> None:
    payload = _fixture("status_created_mention.json")
    payload["object"]["account"] = {"id": AGENCY_ID, "username": "mairie", "acct": "mairie"}
    result = _parse(payload)
    assert result.interactions == []
    assert result.ignored == [Ignored("echo", "status by the agency's account")]


def test_the_agency_is_recognised_by_handle_when_its_id_is_not_configured() -> None:
    [interaction] = _parse(_fixture("status_created_mention.json"), BY_HANDLE).interactions
    assert interaction.kind == "mention"
    payload = _fixture("status_created_mention.json")
    payload["object"]["account"]["acct"] = "mairie"
    assert [i.type for i in _parse(payload, BY_HANDLE).ignored] == ["echo"]


@pytest.mark.parametrize(
    ("acct", "handle", "agency"),
    [
        ("mairie", "@mairie@social.lyon.fr", True),  # local account, seen from its own server
        ("mairie@social.lyon.fr", "@mairie@social.lyon.fr", True),
        ("Mairie@Social.Lyon.fr", "mairie@social.lyon.fr", True),
        ("mairie@other.example", "@mairie@social.lyon.fr", False),
        ("mairie@other.example", "mairie", False),
        ("mairie", "mairie", True),
        ("mairies", "mairie@social.lyon.fr", False),
    ],
)
def test_a_mention_is_the_agency_only_when_the_handle_matches(
    acct: str, handle: str, agency: bool
) -> None:
    ctx = ConnectionContext(
        "lyon", "lyon-mastodon", {"secret_env": SECRET}, NOW, account_handle=handle
    )
    payload = _fixture("status_created_mention.json")
    payload["object"]["mentions"] = [{"id": "1", "username": "mairie", "acct": acct}]
    result = _parse(payload, ctx)
    assert (len(result.interactions) == 1) is agency


def test_a_status_that_does_not_mention_the_agency_is_not_for_it() -> None:
    payload = _fixture("status_created_mention.json")
    payload["object"]["mentions"] = [{"id": "42", "username": "voisin", "acct": "voisin"}]
    result = _parse(payload)
    assert result.interactions == []
    assert result.ignored == [Ignored("unsupported", "status does not mention the agency")]


def test_a_boost_is_a_reaction() -> None:
    payload = _fixture("status_created_mention.json")
    payload["object"]["reblog"] = {"id": "113507300012345678"}
    payload["object"]["mentions"] = []
    assert _parse(payload).ignored == [Ignored("reaction", "boost")]


def test_other_webhook_events_are_acknowledged_and_counted() -> None:
    result = _parse(_fixture("report_created.json"))
    assert result.interactions == []
    assert result.ignored == [Ignored("unsupported", "mastodon event: report.created")]


def test_unknown_fields_are_tolerated() -> None:
    payload = _fixture("status_created_mention.json")
    payload["webhook_version"] = 2
    payload["object"]["quote"] = None
    payload["object"]["filtered"] = []
    payload["object"]["mentions"][0]["avatar"] = "x"
    assert len(_parse(payload).interactions) == 1


@pytest.mark.parametrize(
    ("mutate", "detail"),
    [
        (lambda p: p.pop("event"), "event: Field required"),
        (lambda p: p.pop("object"), "object: Field required"),
        (lambda p: p["object"].pop("id"), "object.id: Field required"),
        (lambda p: p["object"].update(created_at="2026-11-26T09:12:00"), "object.created_at:"),
        (lambda p: p["object"].pop("account"), "object.account: Field required"),
        (lambda p: p["object"].update(mentions=[{"acct": "x"}]), "object.mentions.0.id:"),
    ],
)
def test_a_malformed_delivery_names_the_field(mutate: Any, detail: str) -> None:
    payload = _fixture("status_created_mention.json")
    mutate(payload)
    with pytest.raises(InvalidInput) as caught:
        _parse(payload)
    assert caught.value.code == "invalid_payload"
    assert caught.value.detail.startswith(detail)


def test_a_body_that_is_not_json_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.parse(_request(b"<html>"), CTX)
    assert caught.value.detail.startswith("body: Invalid JSON")


def test_polled_mentions_become_interactions_and_the_rest_is_counted() -> None:
    result = parse_notifications(_fixture("notifications.json"), CTX)
    public, direct = result.interactions
    assert public.interaction_id == interaction_id("lyon", "mastodon", "113507421999000111")
    assert (public.channel, public.kind) == ("mastodon", "mention")
    assert public.message_id == public.conversation_id == "113507421999000111"
    assert public.parent_id is None
    assert public.author == Author(
        id="109302111222333444", handle="jules@mastodon.social", display_name="Jules"
    )
    assert public.text == "@mairie Les poubelles du quai Saint-Antoine n'ont pas été vidées."
    assert public.created_at == datetime(2026, 11, 26, 9, 12, tzinfo=UTC)
    assert public.received_at == NOW
    assert (direct.kind, direct.author) == (
        "direct_message",
        Author(id="109302999888777666", handle="lea@piaille.fr", display_name="Léa"),
    )
    [edit] = result.edits
    assert edit.interaction.interaction_id == public.interaction_id
    assert edit.interaction.text.endswith("vidées depuis vendredi.")
    assert edit.edited_at == datetime(2026, 11, 26, 9, 20, 5, tzinfo=UTC)
    assert result.ignored == [
        Ignored("reaction", "mastodon notification: favourite"),
        Ignored("unsupported", "mastodon notification: follow"),
        Ignored("reaction", "mastodon notification: reblog"),
    ]


def test_polling_and_webhooks_give_one_status_the_same_interaction_id() -> None:
    webhook = _parse(_fixture("status_created_mention.json")).interactions[0]
    notification = {
        "id": "1",
        "type": "mention",
        "status": _fixture("status_created_mention.json")["object"],
    }
    [polled] = parse_notifications([notification], CTX).interactions
    assert polled == webhook


def test_a_polled_mention_by_the_agency_itself_is_an_echo() -> None:
    status = _fixture("status_created_mention.json")["object"]
    status["account"] = {"id": AGENCY_ID, "username": "mairie", "acct": "mairie"}
    result = parse_notifications([{"id": "1", "type": "mention", "status": status}], CTX)
    assert [i.type for i in result.ignored] == ["echo"]


def test_an_empty_poll_yields_nothing() -> None:
    assert parse_notifications([], CTX).interactions == []


@pytest.mark.parametrize(
    ("notifications", "detail"),
    [
        ([{"type": "mention"}], "0.id: Field required"),
        ([{"id": "1", "type": "mention", "status": {"id": "2"}}], "0.status.created_at:"),
    ],
)
def test_a_malformed_notification_names_its_position_and_field(
    notifications: list[dict[str, Any]], detail: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_notifications(notifications, CTX)
    assert caught.value.detail.startswith(detail)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<p>line<br>next<br/>last</p>", "line\nnext\nlast"),
        ("<p>a &lt;b&gt; &amp; &quot;c&quot; &#8364;</p>", 'a <b> & "c" €'),
        ("<ul><li>one</li><li>two</li></ul><p>after</p>", "one\ntwo\n\nafter"),
        ("<blockquote><p>quoted</p></blockquote><p>answer</p>", "quoted\n\nanswer"),
        ("plain text", "plain text"),
        ("", ""),
    ],
)
def test_status_html_reads_as_plain_text_with_its_line_breaks(html: str, text: str) -> None:
    assert html_to_text(html) == text
