from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl
from uuid import UUID

import pytest

from services.ingest.channels.base import ConnectionContext, WebhookRequest
from services.ingest.channels.open311 import (
    FORM,
    Open311Adapter,
    error_array,
    key_matches,
    parse_form,
    service_catalogue,
    validate_request,
)
from shared.config import Agency
from shared.errors import AgoraError, Forbidden, InvalidInput, NotFound, PayloadTooLarge
from shared.events import Attachment, Author, Location
from shared.ids import interaction_id

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "open311"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
CTX = ConnectionContext(
    agency_id="lyon",
    connection_id="lyon-311",
    secrets={"api_keys_env": "lyon-key-1, lyon-key-2"},
    received_at=NOW,
)
AGENCY = Agency.model_validate(
    {
        "id": "lyon",
        "name": "Ville de Lyon",
        "teams": [
            {"id": "voirie", "name": "Voirie et éclairage"},
            {"id": "proprete", "name": "Propreté"},
            {"id": "mobilite", "name": "Mobilité"},
            {"id": "accueil", "name": "Accueil et démarches"},
        ],
        "routing": [
            {"when": {"urgency": "critical"}, "team": "accueil", "priority": "urgent"},
            {
                "name": "roads and lighting",
                "when": {"topic": ["roads", "street_lighting"]},
                "team": "voirie",
            },
            {"name": "waste", "when": {"topic": "waste"}, "team": "proprete"},
            {"when": {"topic": ["public_transport", "roads"]}, "team": "mobilite"},
            {"name": "everything else", "default": True, "team": "accueil"},
        ],
        "classifier_rules": [
            {"dimension": "topic", "label": "public_transport", "keywords": ["tram T6", "TCL"]},
            {"dimension": "intent", "label": "complaint", "keywords": ["scandale"]},
        ],
    }
)
SERVICES = service_catalogue(AGENCY)
ADAPTER = Open311Adapter(SERVICES)


def _form(name: str, **changes: str) -> dict[str, str]:
    form = dict(parse_qsl((FIXTURES / f"{name}.form").read_text(), keep_blank_values=True))
    return {**form, **changes}


def _rejection(form: dict[str, str]) -> AgoraError:
    with pytest.raises(AgoraError) as caught:
        validate_request(form, SERVICES, CTX)
    return caught.value


def _request(
    body: bytes, query: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> WebhookRequest:
    return WebhookRequest("POST", "u", headers or {}, query or {}, body, FORM)


def test_services_are_the_routing_topics_in_rule_order_then_other() -> None:
    codes = [s.service_code for s in SERVICES]
    assert codes == ["roads", "street_lighting", "waste", "public_transport", "other"]


def test_a_service_names_its_team_and_rule() -> None:
    lighting = next(s for s in SERVICES if s.service_code == "street_lighting")
    assert lighting.model_dump() == {
        "service_code": "street_lighting",
        "service_name": "Street lighting",
        "description": "Handled by Voirie et éclairage.",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "roads and lighting",
    }


def test_a_topic_routed_twice_is_listed_once_by_its_first_rule() -> None:
    roads = next(s for s in SERVICES if s.service_code == "roads")
    assert roads.group == "roads and lighting"


def test_unnamed_rule_groups_by_team_and_keywords_come_from_topic_rules() -> None:
    transport = next(s for s in SERVICES if s.service_code == "public_transport")
    assert (transport.group, transport.keywords) == ("Mobilité", "tram T6, TCL")


def test_other_goes_to_the_default_rule() -> None:
    other = SERVICES[-1]
    assert (other.service_name, other.group) == ("Other", "everything else")
    assert other.description == "Anything else; handled by Accueil et démarches."


def test_request_with_lat_long_becomes_a_service_request_interaction() -> None:
    interaction = validate_request(_form("valid_lat_long"), SERVICES, CTX)
    assert interaction.message_id.startswith("sr-")
    assert interaction.interaction_id == interaction_id("lyon", "open311", interaction.message_id)
    assert interaction.conversation_id == str(interaction.interaction_id)
    assert (interaction.channel, interaction.kind) == ("open311", "service_request")
    assert (interaction.agency_id, interaction.connection_id) == ("lyon", "lyon-311")
    assert interaction.parent_id is None
    assert interaction.text == "Le lampadaire devant le 14 rue de la République est éteint."
    assert interaction.location == Location(latitude=45.7578, longitude=4.832)
    assert interaction.attachments == (Attachment(url="https://photos.example.org/r/123.jpg"),)
    assert interaction.author == Author(
        id="email:camille.martin@example.org",
        handle="Camille.Martin@example.org",
        display_name="Camille Martin",
    )
    assert interaction.created_at == interaction.received_at == NOW


def test_request_with_an_address_keeps_it_and_ignores_attributes() -> None:
    interaction = validate_request(_form("valid_address"), SERVICES, CTX)
    assert interaction.location == Location(address="12 rue Mercière, 69002 Lyon")
    assert interaction.author == Author(id="account:acc-981")
    assert interaction.text == "Poubelles débordantes depuis lundi."
    assert interaction.attachments == ()


def test_address_id_alone_is_a_location() -> None:
    form = _form("missing_location", address_id="A-5521")
    interaction = validate_request(form, SERVICES, CTX)
    assert interaction.location == Location(address="address_id:A-5521")


def test_anonymous_request_has_no_author() -> None:
    form = {"service_code": "roads", "lat": "45.7", "long": "4.8"}
    assert validate_request(form, SERVICES, CTX).author is None


def test_missing_service_code_is_a_400_in_open311_format() -> None:
    error = _rejection(_form("missing_service_code"))
    assert isinstance(error, InvalidInput)
    assert error.code == "missing_service_code"
    assert error_array(error) == [{"code": 400, "description": "service_code was not provided."}]


def test_unknown_service_code_is_a_404() -> None:
    error = _rejection(_form("unknown_service_code"))
    assert isinstance(error, NotFound)
    assert error.code == "unknown_service_code"
    assert error_array(error) == [
        {"code": 404, "description": "service_code 'fireworks' was not found."}
    ]


def test_missing_location_is_a_400_and_an_empty_argument_counts_as_absent() -> None:
    error = _rejection(_form("missing_location"))
    assert isinstance(error, InvalidInput)
    assert error.code == "missing_location"
    assert error_array(error) == [
        {
            "code": 400,
            "description": "A location is required: lat & long, address_string or address_id.",
        }
    ]


def test_every_problem_is_reported_at_once_with_its_own_code() -> None:
    error = _rejection({"service_code": "fireworks", "description": "boom"})
    assert isinstance(error, InvalidInput)
    assert error.code == "invalid_request"
    assert [e["code"] for e in error_array(error)] == [404, 400]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"long": ""}, "lat and long must both be sent"),
        ({"lat": "north"}, "lat:"),
        ({"lat": "91"}, "lat:"),
        ({"long": "nan"}, "long:"),
        ({"email": "not an address"}, "email:"),
        ({"media_url": "javascript:alert(1)"}, "media_url:"),
        ({"description": "x" * 4001}, "description:"),
    ],
)
def test_invalid_argument_is_a_400_naming_it(changes: dict[str, str], fragment: str) -> None:
    error = _rejection(_form("valid_lat_long", **changes))
    assert isinstance(error, InvalidInput)
    assert fragment in error_array(error)[0]["description"]


def test_same_request_later_is_the_same_service_request() -> None:
    first = validate_request(_form("valid_lat_long"), SERVICES, CTX)
    later = ConnectionContext("lyon", "lyon-311", CTX.secrets, NOW + timedelta(minutes=5))
    again = validate_request(_form("valid_lat_long", first_name="Cam"), SERVICES, later)
    assert again.interaction_id == first.interaction_id


@pytest.mark.parametrize(
    "changes",
    [
        {"device_id": "device-43"},
        {"email": "someone.else@example.org"},
        {"account_id": "acc-1"},
        {"description": "Un autre lampadaire."},
        {"lat": "45.7579"},
        {"service_code": "roads"},
    ],
)
def test_different_content_or_submitter_is_a_new_service_request(changes: dict[str, str]) -> None:
    first = validate_request(_form("valid_lat_long"), SERVICES, CTX)
    other = validate_request(_form("valid_lat_long", **changes), SERVICES, CTX)
    assert other.interaction_id != first.interaction_id


def test_email_case_does_not_change_the_submitter() -> None:
    first = validate_request(_form("valid_lat_long"), SERVICES, CTX)
    upper = validate_request(
        _form("valid_lat_long", email="CAMILLE.MARTIN@EXAMPLE.ORG"), SERVICES, CTX
    )
    assert upper.interaction_id == first.interaction_id


def test_idempotency_key_separates_deliberate_resubmissions() -> None:
    form = _form("valid_lat_long")
    plain = validate_request(form, SERVICES, CTX)
    keyed = validate_request(form, SERVICES, CTX, idempotency_key="k-1")
    retried = validate_request(form, SERVICES, CTX, idempotency_key='"k-1"')
    other = validate_request(form, SERVICES, CTX, idempotency_key="k-2")
    assert keyed.interaction_id == retried.interaction_id
    assert len({plain.interaction_id, keyed.interaction_id, other.interaction_id}) == 3


def test_overlong_idempotency_key_is_refused() -> None:
    with pytest.raises(InvalidInput):
        validate_request(_form("valid_lat_long"), SERVICES, CTX, idempotency_key="k" * 256)


@pytest.mark.parametrize("key", ["lyon-key-1", "lyon-key-2"])
def test_any_configured_key_verifies(key: str) -> None:
    ADAPTER.verify(_request(f"api_key={key}&service_code=roads".encode()), CTX)


def test_key_in_the_query_string_verifies() -> None:
    ADAPTER.verify(_request(b"service_code=roads", {"api_key": "lyon-key-2"}), CTX)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ((FIXTURES / "bad_api_key.form").read_bytes(), "invalid_api_key"),
        (b"service_code=roads", "missing_api_key"),
        (b"api_key=&service_code=roads", "missing_api_key"),
        (b"api_key=lyon-key&service_code=roads", "invalid_api_key"),
    ],
)
def test_missing_or_unknown_key_is_a_403(body: bytes, code: str) -> None:
    with pytest.raises(Forbidden) as caught:
        ADAPTER.verify(_request(body), CTX)
    assert caught.value.code == code
    assert error_array(caught.value)[0]["code"] == 403


@pytest.mark.parametrize(
    ("candidate", "configured", "matches"),
    [("a", "a", True), ("b", " a , b ", True), ("", "a,", False), ("a", "", False)],
)
def test_key_matching(candidate: str, configured: str, matches: bool) -> None:
    assert key_matches(candidate, configured) is matches


def test_adapter_parse_uses_the_idempotency_key_header() -> None:
    body = (FIXTURES / "valid_lat_long.form").read_bytes()
    [keyed] = ADAPTER.parse(_request(body, headers={"idempotency-key": "k-1"}), CTX).interactions
    expected = validate_request(_form("valid_lat_long"), SERVICES, CTX, idempotency_key="k-1")
    assert keyed == expected


def test_form_must_be_utf8_and_the_first_repeated_value_wins() -> None:
    assert parse_form(b"a=1&a=2&b=") == {"a": "1", "b": ""}
    with pytest.raises(InvalidInput) as caught:
        parse_form(b"description=caf\xe9")
    assert caught.value.code == "invalid_encoding"


def test_any_agora_error_has_an_open311_array() -> None:
    error = PayloadTooLarge("payload_too_large", "Too big.")
    assert error_array(error) == [{"code": 413, "description": "Too big."}]


def test_request_id_is_a_uuid_string() -> None:
    interaction = validate_request(_form("valid_address"), SERVICES, CTX)
    assert UUID(interaction.conversation_id) == interaction.interaction_id
