"""Errors a client may see, each with a stable `extensions.code`; anything else is masked."""

from __future__ import annotations

from typing import Any

# The codes are part of the API: clients branch on them, so they never change meaning.
BAD_USER_INPUT = "BAD_USER_INPUT"
# The HTTP request itself is unusable: no query, unknown operationName, mutation over GET, …
BAD_REQUEST = "BAD_REQUEST"
INVALID_ID = "INVALID_ID"
INVALID_CURSOR = "INVALID_CURSOR"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
TIMEOUT = "TIMEOUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class GatewayError(Exception):
    """An error meant for the client: its message is safe to show and it carries a code."""

    code: str = INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, code: str | None = None, **extensions: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.extensions: dict[str, Any] = {"code": self.code, **extensions}


class BadUserInput(GatewayError):
    code = BAD_USER_INPUT


class InvalidId(GatewayError):
    code = INVALID_ID


class InvalidCursor(GatewayError):
    code = INVALID_CURSOR


FORBIDDEN = "FORBIDDEN"
UNAUTHENTICATED = "UNAUTHENTICATED"


class Forbidden(GatewayError):
    code = FORBIDDEN


# Operation limits (gateway/limits, gateway/http/request_limits.py): refused before execution.
OPERATION_TOO_COMPLEX = "OPERATION_TOO_COMPLEX"
QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
# The body did not arrive in time (a slow or stalled client): 408.
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
BATCHING_DISABLED = "BATCHING_DISABLED"
# Batching on (BATCH_MAX_OPERATIONS): an array over the cap, or an empty one, runs nothing.
BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
BATCH_EMPTY = "BATCH_EMPTY"

# GraphQL over HTTP (gateway/http/negotiation.py): the request cannot be served as sent.
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"

# Persisted operations (gateway/persisted/).
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
PERSISTED_QUERY_INVALID = "PERSISTED_QUERY_INVALID"
PERSISTED_QUERY_REQUIRED = "PERSISTED_QUERY_REQUIRED"

# The CRM (gateway/crm/): a live read found it unreachable and no mirror to fall back on.
CRM_UNAVAILABLE = "CRM_UNAVAILABLE"


class CrmUnavailableError(GatewayError):
    code = CRM_UNAVAILABLE
