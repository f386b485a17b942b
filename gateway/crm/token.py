"""The OAuth client-credentials token: fetched on first use, shared, refreshed once on 401."""

from __future__ import annotations

import asyncio

import httpx

from gateway.crm.answers import TransientError, status_error
from gateway.crm.errors import CrmAuthError, CrmProtocolError
from gateway.crm.settings import CrmSettings
from gateway.metrics import CRM_REQUESTS


class TokenSource:
    """One access token for every concurrent call; a refresh replaces it for all of them."""

    def __init__(self, settings: CrmSettings, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._http = http
        self._token: str | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> str:
        if self._token is not None:
            return self._token
        async with self._lock:
            if self._token is None:
                self._token = await self._fetch()
            return self._token

    async def refresh(self, rejected: str) -> str:
        """A new token, unless another call already replaced `rejected` meanwhile."""
        async with self._lock:
            if self._token is None or self._token == rejected:
                self._token = await self._fetch()
            return self._token

    async def _fetch(self) -> str:
        settings = self._settings
        form = {
            "grant_type": "client_credentials",
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
        }
        try:
            async with asyncio.timeout(settings.timeout_seconds):
                response = await self._http.post(settings.token_url, data=form)
        except (TimeoutError, httpx.TimeoutException):
            CRM_REQUESTS.labels(outcome="timeout").inc()
            raise TransientError("the CRM token endpoint timed out", outcome="timeout") from None
        except httpx.TransportError as exc:
            CRM_REQUESTS.labels(outcome="connection_error").inc()
            raise TransientError(
                f"the CRM token endpoint is unreachable: {exc}", outcome="connection_error"
            ) from None
        if response.status_code in (400, 401):
            CRM_REQUESTS.labels(outcome="auth_error").inc()
            raise CrmAuthError(
                f"the CRM refused the client credentials (HTTP {response.status_code})"
            )
        if response.status_code != 200:
            error = status_error(response.status_code, response.content)
            CRM_REQUESTS.labels(outcome=getattr(error, "outcome", "client_error")).inc()
            raise error
        CRM_REQUESTS.labels(outcome="ok").inc()
        try:
            answer = response.json()
        except ValueError:
            answer = None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise CrmProtocolError("the CRM token endpoint answered without an access_token")
        return token
