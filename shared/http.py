"""The one HTTP app factory: probes, Prometheus exposition, tracing and JSON errors."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import propagate, trace
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import AgoraError, RateLimited
from shared.telemetry import Telemetry

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[None]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def from_state(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A route dependency returning ``app.state.<name>`` (set by the service's lifespan).

    Async on purpose: FastAPI runs a plain function dependency in a worker thread, a cost per
    request for a mere attribute read.
    """

    async def dependency(request: Request) -> Any:
        return getattr(request.app.state, name)

    dependency.__name__ = f"state_{name}"
    return dependency


def error_response(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail, **extra}, status_code=status)


def _describe_validation(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AgoraError)
    async def on_agora_error(request: Request, error: AgoraError) -> JSONResponse:
        response = error_response(error.status, error.code, error.detail, **error.extra)
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after_s)
        return response

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _describe_validation(error))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return error_response(
            error.status_code, codes.get(error.status_code, "http_error"), str(error.detail)
        )

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unhandled_error", exc_info=error, extra={"error": type(error).__name__})
        return error_response(500, "internal_error", "Unexpected error; it has been logged.")


class _Observability:
    """Pure ASGI middleware: one server span and two Prometheus series per request.

    (Starlette's ``BaseHTTPMiddleware`` costs several times the whole webhook path.)
    """

    def __init__(self, app: ASGIApp, telemetry: Telemetry) -> None:
        self.app = app
        self.tracer = telemetry.tracer_provider.get_tracer("agora.http")
        self.requests = Counter(
            f"agora_{telemetry.service}_http_requests_total",
            "HTTP requests handled.",
            ["method", "route", "status"],
            registry=telemetry.registry,
        )
        self.latency = Histogram(
            f"agora_{telemetry.service}_http_request_duration_seconds",
            "HTTP request latency.",
            ["method", "route"],
            registry=telemetry.registry,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"]
        status = 500
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with self.tracer.start_as_current_span(
            method, context=propagate.extract(carrier), kind=trace.SpanKind.SERVER
        ) as span:
            try:
                await self.app(scope, receive, send_with_status)
            finally:
                route = getattr(scope.get("route"), "path", "unmatched")
                span.update_name(f"{method} {route}")
                span.set_attribute("http.status_code", status)
                self.requests.labels(method, route, str(status)).inc()
                self.latency.labels(method, route).observe(time.perf_counter() - started)


def build_http_app(
    service: str,
    *,
    telemetry: Telemetry,
    lifespan: Lifespan,
    routers: Sequence[APIRouter] = (),
    title: str | None = None,
    description: str = "",
) -> FastAPI:
    """A FastAPI app with ``/healthz``, ``/readyz`` and ``/metrics``.

    The lifespan fills ``app.state.readiness`` with the checks ``/readyz`` runs.
    """
    app = FastAPI(title=title or f"Agora {service}", description=description, lifespan=lifespan)
    app.state.readiness = {}
    install_error_handlers(app)
    app.add_middleware(_Observability, telemetry=telemetry)

    @app.get("/healthz", tags=["probes"])
    async def healthz() -> dict[str, str]:
        """The process runs."""
        return {"status": "ok", "service": service}

    @app.get("/readyz", tags=["probes"])
    async def readyz(request: Request) -> JSONResponse:
        """Every backend (database, broker) really answers."""
        checks: dict[str, ReadinessCheck] = request.app.state.readiness
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout=3.0)
                results[name] = "ok"
            except Exception as error:
                results[name] = f"unavailable: {type(error).__name__}"
        if not checks or any(v != "ok" for v in results.values()):
            return error_response(503, "not_ready", "A backend is unavailable.", checks=results)
        return JSONResponse({"status": "ready", "checks": results})

    @app.get("/metrics", tags=["probes"], include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(telemetry.registry), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app
