"""Why a request could not be authenticated, as stable codes and messages safe to show."""

from __future__ import annotations

# The codes are part of the API (clients branch on them), so they never change meaning.
UNAUTHENTICATED = "UNAUTHENTICATED"  # no credentials at all
CONFLICTING_CREDENTIALS = "CONFLICTING_CREDENTIALS"  # a bearer token and an API key together
INVALID_TOKEN = "INVALID_TOKEN"  # malformed, badly signed, wrong issuer/audience or claims
TOKEN_EXPIRED = "TOKEN_EXPIRED"
TOKEN_NOT_YET_VALID = "TOKEN_NOT_YET_VALID"  # `nbf` still ahead, beyond the allowed clock skew
UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"  # a valid token for someone the database does not know
ACCOUNT_INACTIVE = "ACCOUNT_INACTIVE"  # the person is deactivated, or their partner suspended
INVALID_API_KEY = "INVALID_API_KEY"  # malformed, unknown, or the secret does not match
API_KEY_REVOKED = "API_KEY_REVOKED"
API_KEY_EXPIRED = "API_KEY_EXPIRED"
# The identity provider's keys (JWKS) could not be fetched: the caller may retry later.
AUTHENTICATION_UNAVAILABLE = "AUTHENTICATION_UNAVAILABLE"


class AuthenticationError(Exception):
    """A refused credential. `message` never contains the token or key that was presented."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
