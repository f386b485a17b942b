"""Reading the CRM's answers: HTTP statuses and GraphQL error kinds turned into typed errors."""

from __future__ import annotations

from typing import Any

import orjson

from gateway.crm.errors import (
    CrmAuthError,
    CrmError,
    CrmLimitExceeded,
    CrmProtocolError,
    CrmQueryError,
    CrmRecordNotFound,
    CrmValidationError,
)

_NEVER_RETRIED = {"ValidationError", "InvalidSyntax"}


class HttpStatusError(Exception):
    """A non-200 answer, raised from httpx's response hook so gql never swallows its body."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body


class TransientError(Exception):
    """Worth another try after a backoff: 5xx, timeouts, refused connections."""

    def __init__(self, message: str, *, outcome: str) -> None:
        super().__init__(message)
        self.outcome = outcome


class SessionInvalid(Exception):
    """401 INVALID_SESSION_ID: the token expired or was revoked; refresh it once."""


def rest_error_codes(body: bytes) -> list[str]:
    """`[{"message", "errorCode"}]`, the REST error body (also used by 401 and 403)."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list):
        return []
    return [str(item.get("errorCode")) for item in parsed if isinstance(item, dict)]


def status_error(status: int, body: bytes) -> Exception:
    """The exception a non-200 answer stands for (the caller decides whether to retry)."""
    codes = rest_error_codes(body)
    if status == 401:
        return SessionInvalid("Session expired or invalid")
    if status == 403 and "REQUEST_LIMIT_EXCEEDED" in codes:
        return CrmLimitExceeded("the CRM org's API allowance is spent (REQUEST_LIMIT_EXCEEDED)")
    if status == 403:
        return CrmAuthError(f"the CRM refused the integration user ({', '.join(codes) or 403})")
    if status >= 500 or status == 429:
        return TransientError(f"the CRM answered HTTP {status}", outcome="server_error")
    return CrmProtocolError(f"the CRM answered HTTP {status} ({', '.join(codes) or 'no code'})")


def error_kind(error: dict[str, Any]) -> str | None:
    """The contract leaves where the kind sits unverified: read all three places, in order."""
    extensions = error.get("extensions")
    if isinstance(extensions, dict):
        for key in ("ErrorType", "classification"):
            value = extensions.get(key)
            if isinstance(value, str) and value:
                return value
    value = error.get("errorType")
    return value if isinstance(value, str) and value else None


def query_error(errors: list[dict[str, Any]], data: dict[str, Any] | None) -> CrmError:
    """GraphQL errors (HTTP 200): the first error's kind decides the type."""
    kinds = [error_kind(error) for error in errors]
    kind = next((k for k in kinds if k in _NEVER_RETRIED), None) or next(
        (k for k in kinds if k), None
    )
    messages = "; ".join(str(error.get("message", "")) for error in errors[:3])
    message = f"the CRM answered {kind or 'an error'}: {messages}"
    if kind in _NEVER_RETRIED:
        return CrmValidationError(message, kind=kind, errors=errors, data=data)
    if kind == "DataFetchingException":
        return CrmRecordNotFound(message, kind=kind, errors=errors, data=data)
    return CrmQueryError(message, kind=kind, errors=errors, data=data)
