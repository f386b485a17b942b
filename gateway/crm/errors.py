"""What can go wrong talking to the CRM, one exception type per kind the contract names.

Callers branch on the type: `CrmUnavailable` (and its subclasses) means "try later or fall back
to the mirror"; `CrmQueryError` subclasses are answers about the request itself and are never
retried.
"""

from __future__ import annotations

from typing import Any


class CrmError(Exception):
    """Any failure of a CRM call."""


class CrmNotConfigured(CrmError):
    """No CRM_URL (or no client credentials): the gateway runs from its own store only."""


class CrmUnavailable(CrmError):
    """The CRM could not answer: connection refused, 5xx or timeouts after every retry."""


class CrmCircuitOpen(CrmUnavailable):
    """Calls are held back after the org's API allowance ran out; `retry_in` seconds remain."""

    def __init__(self, message: str, *, retry_in: float) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class CrmLimitExceeded(CrmUnavailable):
    """403 REQUEST_LIMIT_EXCEEDED: the org's API allowance is spent (the circuit is now open)."""


class CrmAuthError(CrmError):
    """The token endpoint refused the client credentials, or a fresh token was refused too."""


class CrmProtocolError(CrmError):
    """The answer was not what the contract describes (not JSON, no `data`, an unknown status)."""


class CrmQueryError(CrmError):
    """GraphQL errors (HTTP 200 with an `errors` array); `kind` is the contract's error kind."""

    def __init__(
        self,
        message: str,
        *,
        kind: str | None,
        errors: list[dict[str, Any]],
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.errors = errors
        self.data = data


class CrmValidationError(CrmQueryError):
    """ValidationError or InvalidSyntax: a bug or a field-level-security gap; never retried."""


class CrmRecordNotFound(CrmQueryError):
    """DataFetchingException: an unknown or deleted Id (on update/delete: reconcile locally)."""
