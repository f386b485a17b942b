"""A websocket connection's context: anonymous until `connection_init` signs it in.

It signs in with the same credentials, through the same Authenticator, as an HTTP request; the
connection_init payload carries them instead of headers. Before each event it delivers, a
subscription calls `refresh`: credentials re-checked when older than CREDENTIALS_MAX_AGE (a
revoked key or a deactivated person stops receiving events within that time), the grant taken
from the policy in force, and fresh loaders, so nothing is answered from an earlier decision.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway.auth.authenticate import API_KEY_HEADER, AUTHORIZATION_HEADER, Authenticator
from gateway.auth.errors import AuthenticationError
from gateway.authz.authorizer import Authorizer
from gateway.context import Context
from gateway.errors import Forbidden, GatewayError
from gateway.loaders.registry import build_loaders
from gateway.subscriptions.broker import EventBroker

CREDENTIALS_MAX_AGE = 30.0  # seconds
_CREDENTIAL_KEYS = (AUTHORIZATION_HEADER, API_KEY_HEADER)


def credentials_from(payload: Mapping[str, object]) -> dict[str, str]:
    """`{"Authorization": "Bearer …"}` or `{"X-API-Key": "…"}`, in any letter case, as the
    lower-case header names the Authenticator reads."""
    return {
        key.lower(): value
        for key, value in payload.items()
        if key.lower() in _CREDENTIAL_KEYS and isinstance(value, str)
    }


class CredentialsRefused(GatewayError):
    """The connection's credentials stopped being valid; the code says why (TOKEN_EXPIRED, …)."""


@dataclass(kw_only=True)
class ConnectionContext(Context):
    authenticator: Authenticator
    authorizer: Authorizer
    events: EventBroker
    # Strawberry puts the connection_init payload here.
    connection_params: dict[str, object] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    checked_at: float | None = None  # time.monotonic() of the last successful authentication

    async def sign_in(self) -> None:
        """Authenticate the connection_init payload; raises AuthenticationError."""
        self.credentials = credentials_from(self.connection_params)
        await self._authenticate()
        self._decide()

    async def refresh(self) -> None:
        """Before each event: what the caller may see now, as a new request would find it."""
        if self.checked_at is None:
            raise Forbidden("Send your credentials in connection_init first")
        if time.monotonic() - self.checked_at >= CREDENTIALS_MAX_AGE:
            try:
                await self._authenticate()
            except AuthenticationError as exc:
                raise CredentialsRefused(exc.message, code=exc.code) from None
        self._decide()

    async def _authenticate(self) -> None:
        self.principal = await self.authenticator.authenticate(self.credentials)
        self.checked_at = time.monotonic()

    def _decide(self) -> None:
        # The policy in force (hot-reloaded), and loaders with empty caches.
        self.grant = self.authorizer.grant_for(self.principal)
        self.loaders = build_loaders(self.db, self.grant)


def connection_of(context: Context) -> ConnectionContext:
    """Subscriptions are served over websockets only; over HTTP they never get this far."""
    if not isinstance(context, ConnectionContext):
        raise Forbidden("Subscriptions are served over a websocket (graphql-transport-ws)")
    return context
