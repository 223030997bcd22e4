"""What every outbound connector shares: the request it builds, the answer it reads (pure).

A connector is two pure steps around one HTTP call made by ``sender.py``: ``build`` turns a
``SendReply`` and its connection into a ``PlatformRequest`` (or a ``Refusal`` when the reply
cannot be sent at all), and ``read`` turns the platform's answer into a ``Verdict``.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlencode

from shared.config import Connection
from shared.events import Channel, SendReply

MAX_REASON = 300  # characters of a platform's error message kept in a reason
RETRIED_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class DeliveryOutcome:
    """What became of one reply: ``attempts`` counts the calls made to the platform's API."""

    status: Literal["sent", "failed"]
    platform_message_id: str | None
    reason: str | None
    attempts: int


@dataclass(frozen=True)
class RetryPolicy:
    """Calls per reply; the delay starts at ``backoff_s``, doubles, and stops growing at the cap."""

    attempts: int = 5
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0

    def delay(self, attempt: int, retry_after_s: float | None = None) -> float:
        """Seconds to wait after the failed call number ``attempt`` (1-based).

        The platform's ``Retry-After`` wins over the backoff, within the cap.
        """
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_backoff_s)
        return min(self.backoff_s * 2.0 ** (attempt - 1), self.max_backoff_s)


@dataclass(frozen=True)
class PlatformRequest:
    """One HTTP call, ready to send: ``body`` is the exact bytes (signatures cover them)."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes
    auth: tuple[str, str] | None = None  # HTTP Basic (Twilio)


@dataclass(frozen=True)
class Refusal:
    """The reply cannot be sent: a missing setting, a closed window, a channel with no API."""

    reason: str


@dataclass(frozen=True)
class PlatformResponse:
    """The platform's answer as received; ``headers`` keys are lower case."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> object:
        """The body as JSON, or None when it is empty or not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            return None


@dataclass(frozen=True)
class Sent:
    platform_message_id: str | None


@dataclass(frozen=True)
class Failed:
    """A platform refusal; ``retry`` when calling again may succeed (after ``retry_after_s``)."""

    reason: str
    retry: bool
    retry_after_s: float | None = None


Verdict = Sent | Failed


@dataclass(frozen=True)
class Target:
    """Where and as whom a reply goes: the connection, its secrets and the base URL override."""

    connection: Connection
    secrets: Mapping[str, str]  # by connection field name, e.g. {"access_token_env": "..."}
    now: datetime
    base_url_override: str | None = None

    def base_url(self, platform_default: str | None) -> str | None:
        """The override, else the connection's ``api_base_url``, else the platform's own."""
        chosen = self.base_url_override or self.connection.api_base_url or platform_default
        return chosen.rstrip("/") if chosen else None

    def secret(self, connection_field: str) -> str:
        return self.secrets[connection_field]


@dataclass(frozen=True)
class PlatformError:
    """What a platform said went wrong; ``transient`` when its body says to try again later."""

    message: str | None
    retry_after_s: float | None = None
    transient: bool = False


Build = Callable[[SendReply, Target], PlatformRequest | Refusal]
ReadId = Callable[[PlatformResponse], str | None]
ReadError = Callable[[PlatformResponse], PlatformError]


@dataclass(frozen=True)
class Connector:
    """One platform family's send API: the channels it serves and the secrets it needs."""

    channels: frozenset[Channel]
    secret_fields: tuple[str, ...]
    build: Build
    message_id: ReadId
    error: ReadError
    accepted_statuses: frozenset[int] = field(default=frozenset(range(200, 300)))

    def read(self, response: PlatformResponse, *, now: datetime) -> Verdict:
        """Sent, failed for good (4xx), or failed for now (408, 429, 5xx, a transient error)."""
        if response.status in self.accepted_statuses:
            return Sent(self.message_id(response))
        said = self.error(response)
        reason = f"HTTP {response.status} from the platform"
        if said.message:
            reason = f"{reason}: {said.message[:MAX_REASON]}"
        if response.status in RETRIED_STATUSES or response.status >= 500 or said.transient:
            header = retry_after_seconds(response.headers.get("retry-after"), now=now)
            return Failed(reason, retry=True, retry_after_s=said.retry_after_s or header)
        return Failed(reason, retry=False)


# Request helpers: connectors differ in paths and field names, not in how bodies are encoded.


def json_request(
    url: str, payload: Mapping[str, object], headers: Mapping[str, str] | None = None
) -> PlatformRequest:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return PlatformRequest(
        method="POST",
        url=url,
        headers={"content-type": "application/json", **(headers or {})},
        body=body,
    )


def form_request(
    url: str,
    fields: list[tuple[str, str]],
    *,
    auth: tuple[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> PlatformRequest:
    return PlatformRequest(
        method="POST",
        url=url,
        headers={"content-type": "application/x-www-form-urlencoded", **(headers or {})},
        body=urlencode(fields).encode(),
        auth=auth,
    )


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def needs(connection: Connection, connection_field: str, meaning: str) -> Refusal:
    """The refusal for a connection that lacks a setting the reply needs."""
    return Refusal(
        f"the {connection.channel} connection {connection.id!r} has no {connection_field}"
        f" ({meaning})"
    )


def target_message(command: SendReply) -> str:
    """The platform message answered: ``in_reply_to``, else the conversation itself."""
    return command.in_reply_to or command.conversation_id


def recipient(command: SendReply) -> str:
    """The citizen's platform id: given on the command, else the conversation (a 1:1 chat)."""
    return command.recipient_id or command.conversation_id


# Response helpers.

Step = str | int


def dig(document: object, *path: Step) -> object:
    """The value at ``path`` in nested dicts and lists, or None."""
    for step in path:
        if isinstance(step, str) and isinstance(document, dict):
            document = document.get(step)
        elif (
            isinstance(step, int)
            and isinstance(document, list)
            and -len(document) <= step < len(document)
        ):
            document = document[step]
        else:
            return None
    return document


def first_text(document: object, *paths: tuple[Step, ...]) -> str | None:
    """The first of ``paths`` that holds a string or a number, as text."""
    for path in paths:
        value = dig(document, *path)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def id_reader(*paths: tuple[Step, ...]) -> ReadId:
    """A reader of the message id at the first of ``paths`` in the JSON body."""

    def read(response: PlatformResponse) -> str | None:
        return first_text(response.json(), *paths)

    return read


def error_reader(*paths: tuple[Step, ...]) -> ReadError:
    """A reader of the error message at the first of ``paths``, else the body's first line."""

    def read(response: PlatformResponse) -> PlatformError:
        document = response.json()
        message = first_text(document, *paths)
        if message is None and document is None and response.body:
            message = response.body.decode("utf-8", "replace").strip().splitlines()[0]
        return PlatformError(message)

    return read


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """``Retry-After`` as seconds from ``now``: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)
