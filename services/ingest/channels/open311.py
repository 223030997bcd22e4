"""Open311 GeoReport v2: the service list and service-request validation; pure.

Services come from the agency's routing: one per topic its rules route (``service_code`` is
the topic, ``group`` the rule's name), plus ``other``. None needs a service definition
(``metadata`` false) and each request gets its id at once (``type`` realtime).

A request's ``message_id`` is a digest of what it says (service, location, description,
media), who sends it (``device_id``, ``account_id``, ``email``) and the client's
``Idempotency-Key`` header if any: a client retrying after a timeout gets the same service
request back instead of a second one; a client that really means to file the same report twice
sends a new key. The service request id is the interaction id, and the conversation.

Errors carry Open311's array (``extra["open311"]``: ``[{"code": 400, "description": ...}]``).
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.ingest.channels.base import (
    Adapter,
    ConnectionContext,
    ParseResult,
    WebhookRequest,
    signatures_match,
)
from shared.config import Agency
from shared.errors import AgoraError, Forbidden, InvalidInput, NotFound
from shared.events import Attachment, Author, Channel, Interaction, Kind, Location
from shared.ids import interaction_id

OTHER = "other"
FORM = "application/x-www-form-urlencoded"
IDEMPOTENCY_HEADER = "idempotency-key"


class Service(BaseModel):
    """One entry of ``services.json``."""

    model_config = ConfigDict(frozen=True)

    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: Literal["realtime"] = "realtime"
    keywords: str = ""  # comma separated, as the specification has it
    group: str


def service_catalogue(agency: Agency) -> list[Service]:
    """Routing topics in rule order, each once, then ``other`` (the default rule's team)."""
    teams = {team.id: team.name for team in agency.teams}
    keywords: dict[str, list[str]] = {}
    for keyword_rule in agency.classifier_rules:
        if keyword_rule.dimension == "topic":
            keywords.setdefault(keyword_rule.label, []).extend(keyword_rule.keywords)
    services: dict[str, Service] = {}
    for rule in agency.routing:
        for topic in (rule.when.topic if rule.when else None) or []:
            if topic not in services and topic != OTHER:
                services[topic] = Service(
                    service_code=topic,
                    service_name=topic.replace("_", " ").capitalize(),
                    description=f"Handled by {teams[rule.team]}.",
                    keywords=", ".join(keywords.get(topic, [])),
                    group=rule.name or teams[rule.team],
                )
    default = next(rule for rule in agency.routing if rule.default)
    services[OTHER] = Service(
        service_code=OTHER,
        service_name="Other",
        description=f"Anything else; handled by {teams[default.team]}.",
        group=default.name or teams[default.team],
    )
    return list(services.values())


@dataclass(frozen=True)
class Problem:
    status: Literal[400, 403, 404]
    reason: str  # snake_case, a bounded set: it labels the rejection metric
    description: str


_ERRORS: dict[int, type[AgoraError]] = {400: InvalidInput, 403: Forbidden, 404: NotFound}


def rejected(problems: Sequence[Problem]) -> AgoraError:
    """One error for all problems: their own status when they agree, else 400."""
    statuses = {p.status for p in problems}
    status = statuses.pop() if len(statuses) == 1 else 400
    return _ERRORS[status](
        problems[0].reason if len(problems) == 1 else "invalid_request",
        "; ".join(p.description for p in problems),
        extra={"open311": [{"code": p.status, "description": p.description} for p in problems]},
    )


def error_array(error: AgoraError) -> list[dict[str, Any]]:
    """Open311's error body for any Agora error (413, 415, 429... keep their own status)."""
    errors = error.extra.get("open311")
    return list(errors) if errors else [{"code": error.status, "description": error.detail}]


def parse_form(body: bytes) -> dict[str, str]:
    """``application/x-www-form-urlencoded`` in UTF-8; the first value of a repeated name wins."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise rejected([Problem(400, "invalid_encoding", "The form must be UTF-8.")]) from error
    form: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        form.setdefault(name, value)
    return form


def api_key_of(form: Mapping[str, str], query: Mapping[str, str]) -> str:
    return (form.get("api_key") or query.get("api_key") or "").strip()


def key_matches(candidate: str, configured: str) -> bool:
    """``configured`` holds comma-separated keys; every one is compared, in constant time."""
    keys = [key.strip() for key in configured.split(",") if key.strip()]
    return bool(candidate) and sum(signatures_match(key, candidate) for key in keys) > 0


def api_key_refused(*, missing: bool) -> AgoraError:
    if missing:
        return rejected([Problem(403, "missing_api_key", "api_key was not provided.")])
    return rejected([Problem(403, "invalid_api_key", "Invalid api_key received.")])


def _optional(max_length: int) -> Any:
    return Field(default=None, min_length=1, max_length=max_length)


class ServiceRequestForm(BaseModel):
    """The arguments of ``POST requests``; an empty argument counts as absent."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    service_code: str | None = _optional(64)
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    long: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    address_string: str | None = _optional(500)
    address_id: str | None = _optional(128)
    email: str | None = _optional(254)
    device_id: str | None = _optional(128)
    account_id: str | None = _optional(128)
    first_name: str | None = _optional(100)
    last_name: str | None = _optional(100)
    phone: str | None = _optional(32)
    description: str | None = _optional(4000)
    media_url: str | None = _optional(2048)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("email")
    @classmethod
    def _looks_like_an_address(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or any(c.isspace() for c in value)):
            raise ValueError("not an e-mail address")
        return value

    @field_validator("media_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value


def _form_problems(error: ValidationError) -> list[Problem]:
    return [
        Problem(400, "invalid_argument", f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}")
        for e in error.errors()
    ]


def _location_problems(request: ServiceRequestForm) -> list[Problem]:
    if (request.lat is None) != (request.long is None):
        return [Problem(400, "incomplete_location", "lat and long must both be sent.")]
    if request.lat is None and not (request.address_string or request.address_id):
        return [
            Problem(
                400,
                "missing_location",
                "A location is required: lat & long, address_string or address_id.",
            )
        ]
    return []


def _service_problems(request: ServiceRequestForm, services: Sequence[Service]) -> list[Problem]:
    if request.service_code is None:
        return [Problem(400, "missing_service_code", "service_code was not provided.")]
    known = {s.service_code for s in services}
    if known and request.service_code not in known:  # no catalogue (offline parsing): any code
        return [
            Problem(
                404,
                "unknown_service_code",
                f"service_code {request.service_code!r} was not found.",
            )
        ]
    return []


def request_message_id(request: ServiceRequestForm, idempotency_key: str | None) -> str:
    """Deterministic: same content, same submitter and same key give the same id."""
    material = [
        request.service_code,
        request.lat,
        request.long,
        request.address_string,
        request.address_id,
        request.description,
        request.media_url,
        request.device_id,
        request.account_id,
        request.email.lower() if request.email else None,
        idempotency_key,
    ]
    digest = hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()
    return f"sr-{digest[:32]}"


def _idempotency_key(raw: str | None) -> str | None:
    key = (raw or "").strip().strip('"')  # a structured-field string may come quoted
    if len(key) > 255:
        raise rejected([Problem(400, "invalid_idempotency_key", "Idempotency-Key is too long.")])
    return key or None


def _author(request: ServiceRequestForm) -> Author | None:
    name = " ".join(p for p in (request.first_name, request.last_name) if p) or None
    identity = (
        (request.account_id and f"account:{request.account_id}")
        or (request.email and f"email:{request.email.lower()}")
        or (request.phone and f"phone:{request.phone}")
        or (request.device_id and f"device:{request.device_id}")
    )
    return Author(id=identity, handle=request.email, display_name=name) if identity else None


def validate_request(
    form: Mapping[str, str],
    services: Sequence[Service],
    ctx: ConnectionContext,
    *,
    idempotency_key: str | None = None,
) -> Interaction:
    """The canonical interaction of a ``POST requests`` form, or every problem at once."""
    try:
        request = ServiceRequestForm.model_validate(dict(form))
    except ValidationError as error:
        raise rejected(_form_problems(error)) from error
    problems = _service_problems(request, services) + _location_problems(request)
    if problems:
        raise rejected(problems)
    message_id = request_message_id(request, _idempotency_key(idempotency_key))
    request_id = interaction_id(ctx.agency_id, Channel.OPEN311, message_id)
    address = request.address_string or (
        f"address_id:{request.address_id}" if request.address_id else None
    )
    return Interaction(
        interaction_id=request_id,
        agency_id=ctx.agency_id,
        connection_id=ctx.connection_id,
        channel=Channel.OPEN311,
        kind=Kind.SERVICE_REQUEST,
        message_id=message_id,
        conversation_id=str(request_id),
        author=_author(request),
        text=request.description or "",
        attachments=(Attachment(url=request.media_url),) if request.media_url else (),
        location=Location(latitude=request.lat, longitude=request.long, address=address),
        created_at=ctx.received_at,
        received_at=ctx.received_at,
    )


class Open311Adapter(Adapter):
    """The channel interface over one agency's services, so ingest stores it like a webhook."""

    content_types: tuple[str, ...] = (FORM,)

    def __init__(self, services: Sequence[Service] = ()) -> None:
        """Without ``services`` (offline parsing of a saved body) any service code is taken."""
        self.services = tuple(services)

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        key = api_key_of(parse_form(request.body), request.query)
        if not key_matches(key, ctx.secrets["api_keys_env"]):
            raise api_key_refused(missing=not key)

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        interaction = validate_request(
            parse_form(request.body),
            self.services,
            ctx,
            idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
        )
        return ParseResult(interactions=[interaction])
