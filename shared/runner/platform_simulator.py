"""A local stand-in for the platforms' send APIs: answers like each platform, records each call.

Serves the paths Agora's reply connectors call (Graph, Telegram, Twilio, Mastodon, X, SendGrid,
generic), checks the credentials each platform expects are present (401 in its own words
otherwise), validates the fields it needs and answers with realistic JSON and fresh ids.
Control endpoints under ``/_simulator/``: ``GET``/``DELETE requests`` (``?path_contains=``),
``POST failures`` (``{"path_contains", "status", "count", "body", "headers"}``: the next
``count`` matching calls fail so) and ``DELETE failures``. Run it with
``python -m shared.runner.platform_simulator --port 8090`` or ``SimulatorServer`` in a thread.
Longer than most modules: one small handler per platform endpoint, kept side by side.
"""

import argparse
import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

Body = dict[str, Any]
Handler = Callable[[Request, Body], Awaitable[Response]]
TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


@dataclass
class _Failure:
    path_contains: str
    status: int
    remaining: int
    body: object
    headers: dict[str, str]


@dataclass
class SimulatorState:
    """What the simulator saw and will do; shared by the server thread and its controller."""

    generic_secrets: Mapping[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    recorded: list[Body] = field(default_factory=list)
    failures: list[_Failure] = field(default_factory=list)
    mastodon_by_key: dict[str, Body] = field(default_factory=dict)
    numbers_given: int = 0

    def record(self, entry: Body) -> None:
        with self.lock:
            self.recorded.append(entry)

    def requests(self, path_contains: str | None = None) -> list[Body]:
        with self.lock:
            return [r for r in self.recorded if not path_contains or path_contains in r["path"]]

    def clear(self) -> None:
        with self.lock:
            self.recorded.clear()
            self.mastodon_by_key.clear()

    def fail(
        self,
        path_contains: str,
        status: int,
        *,
        count: int = 1,
        body: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Make the next ``count`` calls whose path contains ``path_contains`` answer ``status``."""
        failure = _Failure(
            path_contains,
            status,
            count,
            body if body is not None else {"error": "simulated failure"},
            dict(headers or {}),
        )
        with self.lock:
            self.failures.append(failure)

    def clear_failures(self) -> None:
        with self.lock:
            self.failures.clear()

    def take_failure(self, path: str) -> _Failure | None:
        with self.lock:
            for failure in self.failures:
                if failure.path_contains in path and failure.remaining > 0:
                    failure.remaining -= 1
                    return failure
            return None

    def next_number(self) -> int:
        with self.lock:
            self.numbers_given += 1
            return self.numbers_given


def _parse(raw: bytes, content_type: str) -> Body:
    if not raw:
        return {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {"_raw": raw.decode("utf-8", "replace")}
    return parsed if isinstance(parsed, dict) else {"_json": parsed}


def _platform(state: SimulatorState, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Parse, apply an injected failure or the platform's handler, and record the call."""

    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        body = _parse(raw, request.headers.get("content-type", ""))
        failure = state.take_failure(request.url.path)
        if failure is not None:
            response: Response = JSONResponse(failure.body, failure.status, headers=failure.headers)
        else:
            response = await handler(request, body)
        state.record(
            {
                "method": request.method,
                "path": request.url.path,
                "query": dict(request.query_params),
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "body": body,
                "status": response.status_code,
            }
        )
        return response

    return endpoint


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.query_params.get("access_token")


def _basic_user(request: Request) -> str | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except ValueError:
        return None
    return user if user and password else None


def _dig(body: object, *path: str) -> Any:
    for step in path:
        body = body.get(step) if isinstance(body, dict) else None
    return body


def _digits(state: SimulatorState, width: int = 17) -> str:
    return f"{int(time.time() * 1000)}{state.next_number():04d}"[:width].ljust(width, "0")


# Meta Graph API


def _graph_error(status: int, message: str, code: int) -> Response:
    error = {"message": message, "type": "OAuthException", "code": code}
    return JSONResponse({"error": error | {"fbtrace_id": secrets.token_urlsafe(8)}}, status)


def _graph(state: SimulatorState) -> Handler:
    async def handle(request: Request, body: Body) -> Response:
        if not request.path_params["version"].startswith("v"):
            return _graph_error(400, "Unknown path components", 2500)
        if _bearer(request) is None:
            return _graph_error(401, "An access token is required to request this resource.", 104)
        edge = request.url.path.rsplit("/", 1)[1]
        node = request.path_params["node"]
        if edge == "messages":
            return _graph_message(state, body)
        if edge == "mentions" and not body.get("media_id"):
            return _graph_error(400, "(#100) The parameter media_id is required", 100)
        if not body.get("message"):
            return _graph_error(400, "(#100) The parameter message is required", 100)
        return JSONResponse({"id": f"{node.split('_')[0]}_{_digits(state)}"})

    return handle


def _graph_message(state: SimulatorState, body: Body) -> Response:
    if body.get("messaging_product") == "whatsapp":
        to, kind = body.get("to"), body.get("type", "text")
        if not to:
            return _graph_error(400, "(#100) The parameter to is required.", 100)
        if kind == "text" and not _dig(body, "text", "body"):
            return _graph_error(400, "(#100) The parameter text['body'] is required.", 100)
        if kind == "template" and not (
            _dig(body, "template", "name") and _dig(body, "template", "language", "code")
        ):
            return _graph_error(400, "(#100) The parameter template is invalid.", 100)
        wamid = "wamid." + base64.b64encode(secrets.token_bytes(30)).decode()
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": str(to).lstrip("+")}],
                "messages": [{"id": wamid}],
            }
        )
    recipient = _dig(body, "recipient", "id")
    if not recipient:
        return _graph_error(400, "(#100) The parameter recipient is required", 100)
    if not _dig(body, "message", "text"):
        return _graph_error(400, "(#100) The parameter message is required", 100)
    if body.get("messaging_type") == "MESSAGE_TAG" and not body.get("tag"):
        return _graph_error(400, "(#100) Tag is required for MESSAGE_TAG messaging type", 100)
    return JSONResponse({"recipient_id": recipient, "message_id": f"m_{secrets.token_hex(16)}"})


# Telegram Bot API


def _telegram(state: SimulatorState) -> Handler:
    async def handle(request: Request, body: Body) -> Response:
        token = request.path_params["token"]
        if not TELEGRAM_TOKEN.match(token):
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        chat, text = str(body.get("chat_id", "")), body.get("text")
        if not chat:
            return _telegram_bad_request("chat_id is empty")
        if not text:
            return _telegram_bad_request("message text is empty")
        result: Body = {
            "message_id": state.next_number(),
            "from": {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Agora"},
            "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else chat, "type": "private"},
            "date": int(time.time()),
            "text": text,
        }
        replied = _dig(body, "reply_parameters", "message_id")
        if replied is not None:
            result["reply_to_message"] = {"message_id": replied, "chat": result["chat"]}
        return JSONResponse({"ok": True, "result": result})

    return handle


def _telegram_bad_request(description: str) -> Response:
    return JSONResponse(
        {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}, 400
    )


# Twilio Programmable Messaging


def _twilio_error(status: int, code: int, message: str) -> Response:
    info = f"https://www.twilio.com/docs/errors/{code}"
    return JSONResponse(
        {"code": code, "message": message, "more_info": info, "status": status}, status
    )


async def _twilio(request: Request, body: Body) -> Response:
    account = request.path_params["account_sid"]
    if _basic_user(request) != account:
        return _twilio_error(401, 20003, "Authenticate")
    if not body.get("To"):
        return _twilio_error(400, 21604, "A 'To' phone number is required.")
    if not body.get("From"):
        return _twilio_error(400, 21603, "A 'From' phone number is required.")
    if not (body.get("Body") or body.get("ContentSid")):
        return _twilio_error(400, 21602, "Message body is required.")
    sid = "SM" + secrets.token_hex(16)
    message = {
        "sid": sid,
        "account_sid": account,
        "to": body["To"],
        "from": body["From"],
        "body": body.get("Body", ""),
        "status": "queued",
        "direction": "outbound-api",
        "num_segments": "1",
        "date_created": formatdate(usegmt=True),
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    }
    return JSONResponse(message, 201)


# Mastodon


def _mastodon(state: SimulatorState) -> Handler:
    async def handle(request: Request, body: Body) -> Response:
        if _bearer(request) is None:
            return JSONResponse({"error": "The access token is invalid"}, 401)
        key = request.headers.get("idempotency-key")
        with state.lock:
            earlier = state.mastodon_by_key.get(key) if key else None
        if earlier is not None:
            return JSONResponse(earlier)
        if not body.get("status"):
            return JSONResponse({"error": "Validation failed: Text can't be blank"}, 422)
        visibility = body.get("visibility", "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            return JSONResponse({"error": "Validation failed: Visibility is invalid"}, 422)
        status_id = _digits(state, 18)
        status = {
            "id": status_id,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "in_reply_to_id": body.get("in_reply_to_id"),
            "visibility": visibility,
            "language": body.get("language"),
            "content": f"<p>{escape(str(body['status']))}</p>",
            "uri": f"{request.base_url}users/agency/statuses/{status_id}",
            "url": f"{request.base_url}@agency/{status_id}",
            "account": {"id": "1", "username": "agency", "acct": "agency"},
        }
        if key:
            with state.lock:
                state.mastodon_by_key[key] = status
        return JSONResponse(status)

    return handle


# X API v2

X_UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401}


def _x_invalid(message: str) -> Response:
    return JSONResponse(
        {
            "errors": [{"message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
        400,
    )


def _x(state: SimulatorState) -> Handler:
    async def handle(request: Request, body: Body) -> Response:
        if _bearer(request) is None:
            return JSONResponse(X_UNAUTHORIZED | {"detail": "Unauthorized"}, 401)
        if not body.get("text"):
            return _x_invalid("$.text: text is required")
        if "participant_id" in request.path_params:
            participant = request.path_params["participant_id"]
            conversation = f"{participant}-{_digits(state, 19)}"
            return JSONResponse(
                {"data": {"dm_conversation_id": conversation, "dm_event_id": _digits(state, 19)}},
                201,
            )
        post_id = _digits(state, 19)
        return JSONResponse(
            {"data": {"id": post_id, "text": body["text"], "edit_history_tweet_ids": [post_id]}},
            201,
        )

    return handle


# SendGrid v3 Mail Send


def _sendgrid_error(status: int, message: str, field_name: str | None = None) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "field": field_name, "help": None}]}, status
    )


async def _sendgrid(request: Request, body: Body) -> Response:
    if _bearer(request) is None:
        return _sendgrid_error(
            401, "The provided authorization grant is invalid, expired, or revoked"
        )
    personalizations = body.get("personalizations")
    if not personalizations or not _dig(personalizations[0], "to"):
        return _sendgrid_error(
            400, "You must have at least one personalization.", "personalizations"
        )
    if not _dig(body, "from", "email"):
        return _sendgrid_error(400, "The from object must be provided for every email.", "from")
    if not body.get("content"):
        return _sendgrid_error(400, "Unless a valid template_id is provided, content is required.")
    return Response(status_code=202, headers={"x-message-id": secrets.token_urlsafe(16)})


# Generic


def _generic(state: SimulatorState) -> Handler:
    async def handle(request: Request, body: Body) -> Response:
        received = request.headers.get("x-agora-signature", "")
        secret = state.generic_secrets.get(request.path_params["connection_id"])
        raw = await request.body()
        expected = "sha256=" + hmac.new((secret or "").encode(), raw, hashlib.sha256).hexdigest()
        valid = received.startswith("sha256=") and (
            secret is None or hmac.compare_digest(received, expected)
        )
        if not valid:
            detail = "X-Agora-Signature is missing or does not match the body"
            return JSONResponse({"error": "invalid_signature", "detail": detail}, 401)
        return JSONResponse({"id": f"generic-{secrets.token_hex(8)}"})

    return handle


# Control


def _control(state: SimulatorState) -> list[Route]:
    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            state.clear()
            return Response(status_code=204)
        return JSONResponse(state.requests(request.query_params.get("path_contains")))

    async def failures(request: Request) -> Response:
        if request.method == "DELETE":
            state.clear_failures()
            return Response(status_code=204)
        spec = _parse(await request.body(), "application/json")
        status, count = spec.get("status"), spec.get("count", 1)
        if not isinstance(status, int) or not 100 <= status <= 599:
            return JSONResponse({"error": "status: an HTTP status code is required"}, 422)
        if not isinstance(count, int) or count < 1:
            return JSONResponse({"error": "count: a positive integer is required"}, 422)
        path = str(spec.get("path_contains", ""))
        state.fail(path, status, count=count, body=spec.get("body"), headers=spec.get("headers"))
        return JSONResponse({"path_contains": path, "status": status, "count": count}, 201)

    return [
        Route("/_simulator/requests", requests, methods=["GET", "DELETE"]),
        Route("/_simulator/failures", failures, methods=["POST", "DELETE"]),
    ]


def create_app(state: SimulatorState | None = None) -> Starlette:
    """The simulator as an ASGI app over ``state`` (a fresh one when not given)."""
    state = state or SimulatorState()
    platform_routes: list[tuple[str, Handler]] = [
        ("/{version}/{node}/comments", _graph(state)),
        ("/{version}/{node}/replies", _graph(state)),
        ("/{version}/{node}/mentions", _graph(state)),
        ("/{version}/{node}/messages", _graph(state)),
        ("/bot{token}/sendMessage", _telegram(state)),
        ("/2010-04-01/Accounts/{account_sid}/Messages.json", _twilio),
        ("/api/v1/statuses", _mastodon(state)),
        ("/2/tweets", _x(state)),
        ("/2/dm_conversations/with/{participant_id}/messages", _x(state)),
        ("/v3/mail/send", _sendgrid),
        ("/generic/{connection_id}", _generic(state)),
    ]
    routes = _control(state) + [
        Route(path, _platform(state, handler), methods=["POST"])
        for path, handler in platform_routes
    ]
    app = Starlette(routes=routes)
    app.state.simulator = state
    return app


class SimulatorServer:
    """The simulator served by uvicorn in a background thread, on ``port`` (0: any free one)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        generic_secrets: Mapping[str, str] | None = None,
    ) -> None:
        self.host = host
        self.state = SimulatorState(generic_secrets=dict(generic_secrets or {}))
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.state), log_level="warning", access_log=False, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, *, timeout_s: float = 10.0) -> "SimulatorServer":
        """Serve, returning once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the platform simulator did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self, *, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self._socket.close()

    def __enter__(self) -> "SimulatorServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Agora's local platform simulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    log.info("platform_simulator_listening", extra={"url": f"http://{args.host}:{args.port}"})
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
