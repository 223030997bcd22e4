"""Agora's error tree; ``shared.http`` alone maps it to HTTP responses.

    AgoraError(code, detail)
    ├── InvalidInput           400 (422 for a body that fails validation)
    │   └── Unprocessable      422 (well formed, but names something that does not fit)
    ├── Unauthorized           401
    ├── Forbidden              403
    ├── NotFound               404
    ├── Conflict               409  (carries the current state)
    ├── PayloadTooLarge        413
    ├── UnsupportedMediaType   415
    ├── RateLimited            429  (carries Retry-After)
    └── Unavailable            503

Domain code raises these and never knows a status code.

``Transient`` is separate: a failure that retrying later can cure (a lost optimistic-write race,
a backend briefly away). Consumers retry it and never dead-letter it.
"""

from typing import Any, ClassVar


class AgoraError(Exception):
    status: ClassVar[int] = 500

    def __init__(self, code: str, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.extra = extra or {}


class InvalidInput(AgoraError):
    status = 400


class Unprocessable(InvalidInput):
    """A valid body whose values do not fit: an unknown team, a stranger to the team."""

    status = 422


class Unauthorized(AgoraError):
    status = 401


class Forbidden(AgoraError):
    status = 403


class NotFound(AgoraError):
    status = 404


class Conflict(AgoraError):
    status = 409


class PayloadTooLarge(AgoraError):
    status = 413


class UnsupportedMediaType(AgoraError):
    status = 415


class RateLimited(AgoraError):
    status = 429

    def __init__(self, code: str, detail: str, *, retry_after_s: int) -> None:
        super().__init__(code, detail)
        self.retry_after_s = retry_after_s


class Unavailable(AgoraError):
    status = 503


class Transient(Exception):
    """Retry later; never a reason to dead-letter a message."""
