import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.ingest.channels.base import ConnectionContext, WebhookRequest
from services.ingest.channels.email import EmailAdapter, html_to_text
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Interaction
from shared.ids import interaction_id

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "email"
CONTENT_TYPE = "multipart/form-data; boundary=xYzZY"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SECRET = "sendgrid:s3cret-parse-password"
CTX = ConnectionContext(
    agency_id="lyon",
    connection_id="lyon-mail",
    secrets={"secret_env": SECRET},
    received_at=NOW,
    account_id="contact@mairie.example.fr",
)
ADAPTER = EmailAdapter()


def _basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def _request(
    body: bytes, authorization: str | None = None, content_type: str = CONTENT_TYPE
) -> WebhookRequest:
    headers = {"content-type": content_type}
    if authorization is not None:
        headers["authorization"] = authorization
    return WebhookRequest(
        "POST", "https://x/webhooks/email/lyon-mail", headers, {}, body, "multipart/form-data"
    )


def _fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.multipart").read_bytes()


def _only(name: str) -> Interaction:
    [interaction] = ADAPTER.parse(_request(_fixture(name)), CTX).interactions
    return interaction


def _field_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def _form(**fields: str) -> bytes:
    """A small parsed-mode form; ``_`` in a key stands for ``-`` (``from_`` for ``from``)."""
    parts = [
        f'--xYzZY\r\nContent-Disposition: form-data; name="{_field_name(name)}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + "--xYzZY--\r\n").encode()


def _headers(*lines: str) -> str:
    return "\r\n".join(["From: A <a@example.org>", "Message-ID: <m1@example.org>", *lines]) + "\r\n"


def test_matching_basic_credentials_are_accepted() -> None:
    ADAPTER.verify(_request(_fixture("reply"), _basic(SECRET)), CTX)


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "missing_signature"),
        ("", "missing_signature"),
        (_basic("sendgrid:wrong-password"), "invalid_signature"),
        (_basic("intruder:s3cret-parse-password"), "invalid_signature"),
        ("Bearer " + base64.b64encode(SECRET.encode()).decode(), "invalid_signature"),
        ("Basic not-base64!", "invalid_signature"),
    ],
)
def test_missing_or_wrong_credentials_are_refused(authorization: str | None, code: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(_request(_fixture("reply"), authorization), CTX)
    assert caught.value.code == code


def test_parsed_mode_mail_becomes_one_interaction() -> None:
    interaction = _only("parsed_with_attachments")
    assert interaction.interaction_id == interaction_id(
        "lyon", "email", "CAF7p2wN4q@mail.example.org"
    )
    assert (interaction.channel, interaction.kind) == ("email", "email")
    assert (interaction.agency_id, interaction.connection_id) == ("lyon", "lyon-mail")
    assert interaction.message_id == "CAF7p2wN4q@mail.example.org"
    assert interaction.conversation_id == "CAF7p2wN4q@mail.example.org"
    assert interaction.parent_id is None
    assert interaction.author == Author(
        id="camille.martin@example.org",
        handle="Camille.Martin@example.org",
        display_name="Camille Martin",
    )
    assert interaction.created_at == datetime(2026, 11, 26, 8, 12, 31, tzinfo=UTC)
    assert interaction.received_at == NOW


def test_parsed_mode_text_is_subject_then_body_in_its_declared_charset() -> None:
    assert _only("parsed_with_attachments").text == (
        "Lampadaire éteint\n\n"
        "Le lampadaire devant le 14 rue de la République est éteint depuis trois jours."
    )


def test_parsed_mode_attachments_are_references_in_attachment_order() -> None:
    assert _only("parsed_with_attachments").attachments == (
        Attachment(media_type="image/jpeg", platform_media_id="ii_photo1", caption="photo.jpg"),
        Attachment(
            media_type="application/pdf", platform_media_id="attachment2", caption="plan.pdf"
        ),
    )


def test_raw_mode_mime_message_yields_the_same_fields() -> None:
    interaction = _only("raw_mime")
    assert interaction.message_id == "20261126083958.5521@example.net"
    assert interaction.conversation_id == "20261126083958.5521@example.net"
    assert interaction.author == Author(
        id="lea.dubois@example.net", handle="lea.dubois@example.net", display_name="Léa Dubois"
    )
    assert interaction.text == (
        "Poubelles débordantes\n\nLes poubelles place Bellecour débordent depuis lundi."
    )
    assert interaction.created_at == datetime(2026, 11, 26, 7, 39, 58, tzinfo=UTC)
    assert interaction.language_hint == "fr"
    assert interaction.attachments == (
        Attachment(
            media_type="image/png", platform_media_id="img-001@example.net", caption="poubelles.png"
        ),
    )


def test_reply_joins_the_conversation_of_the_thread_root() -> None:
    interaction = _only("reply")
    assert interaction.message_id == "CAF7p2wZ9r@mail.example.org"
    assert interaction.conversation_id == "CAF7p2wN4q@mail.example.org"
    assert interaction.parent_id == "reply-7f3a@mairie.example.fr"
    assert interaction.text == "Re: Lampadaire éteint\n\nMerci, il fonctionne de nouveau ce matin."
    assert interaction.created_at == datetime(2026, 11, 27, 10, 5, tzinfo=UTC)


def test_reply_without_references_joins_what_it_answers() -> None:
    body = _form(headers=_headers("In-Reply-To: <first@example.org>"), text="ok")
    [interaction] = ADAPTER.parse(_request(body), CTX).interactions
    assert (interaction.conversation_id, interaction.parent_id) == (
        "first@example.org",
        "first@example.org",
    )


def test_auto_reply_is_ignored_not_stored() -> None:
    result = ADAPTER.parse(_request(_fixture("auto_reply")), CTX)
    assert result.interactions == []
    [ignored] = result.ignored
    assert ignored.type == "unsupported"


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-generated",
        "Precedence: bulk",
        "Precedence: junk",
        "X-Autoreply: yes",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b",
    ],
)
def test_automatic_mail_is_ignored(header: str) -> None:
    result = ADAPTER.parse(_request(_form(headers=_headers(header), text="x")), CTX)
    assert result.interactions == []
    assert [i.type for i in result.ignored] == ["unsupported"]


def test_auto_submitted_no_is_a_person_writing() -> None:
    body = _form(headers=_headers("Auto-Submitted: no"), text="Bonjour")
    assert len(ADAPTER.parse(_request(body), CTX).interactions) == 1


def test_mail_from_the_agency_own_address_is_an_echo() -> None:
    body = _form(headers=_headers(), from_="Mairie <Contact@Mairie.example.fr>", text="copie")
    result = ADAPTER.parse(_request(body), CTX)
    assert result.interactions == []
    assert [i.type for i in result.ignored] == ["echo"]


def test_html_only_mail_is_converted_to_text() -> None:
    interaction = _only("html_only")
    assert interaction.text == (
        "Formulaire de contact\n\nNom : Jean\n\nMessage : le trottoir est défoncé\n\n"
        "rue Garibaldi\n\nLyon 3e"
    )


def test_mail_without_message_id_gets_a_stable_digest_id_and_reception_time() -> None:
    first, again = _only("html_only"), _only("html_only")
    assert first.message_id.startswith("sha256-")
    assert first.interaction_id == again.interaction_id
    assert first.conversation_id == first.message_id
    assert first.created_at == NOW
    assert first.author == Author(id="noreply-form@example.com", handle="noreply-form@example.com")


def test_digest_id_changes_with_the_content() -> None:
    one = _form(headers="From: a@example.org\r\n", subject="Trou", text="rue A")
    two = _form(headers="From: a@example.org\r\n", subject="Trou", text="rue B")
    [first] = ADAPTER.parse(_request(one), CTX).interactions
    [second] = ADAPTER.parse(_request(two), CTX).interactions
    assert first.message_id != second.message_id


@pytest.mark.parametrize(
    "date",
    ["Thu, 26 Nov 2026 10:00:00 -0000", "Thu, 26 Nov 2026 05:00:00 -0500"],
)
def test_date_header_becomes_aware_utc(date: str) -> None:
    body = _form(headers=_headers(f"Date: {date}"), text="x")
    [interaction] = ADAPTER.parse(_request(body), CTX).interactions
    assert interaction.created_at == datetime(2026, 11, 26, 10, tzinfo=UTC)


def test_unreadable_date_falls_back_to_reception_time() -> None:
    body = _form(headers=_headers("Date: the day before yesterday"), text="x")
    [interaction] = ADAPTER.parse(_request(body), CTX).interactions
    assert interaction.created_at == NOW


def test_malformed_attachment_info_never_costs_the_message() -> None:
    body = _form(headers=_headers(), text="photo jointe", attachment_info="{not json")
    [interaction] = ADAPTER.parse(_request(body), CTX).interactions
    assert interaction.attachments == ()
    assert interaction.text == "photo jointe"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"plain text", "multipart/form-data"),
        (b"--xYzZY--\r\n", CONTENT_TYPE),
        (_form(dkim="{@example.org : pass}", spam_score="0.1"), CONTENT_TYPE),
    ],
)
def test_body_that_is_not_an_inbound_parse_form_is_invalid(body: bytes, content_type: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.parse(_request(body, content_type=content_type), CTX)
    assert caught.value.code == "invalid_payload"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("ligne<br>suivante<br/>fin", "ligne\nsuivante\nfin"),
        ("<style>x{}</style><script>y()</script>visible", "visible"),
        ("caf&eacute; &amp; th&#233;", "café & thé"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
