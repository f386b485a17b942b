"""The CRM client: GraphQL over gql's httpx transport and REST GETs, each call authorised,
timed out, retried with backoff and held back by the allowance circuit, per the contract.

    async with CrmClient(settings) as crm:
        data = await crm.execute("query { uiapi { query { Lead { edges { node { Id } } } } } }")
        deleted = await crm.rest_get("sobjects/Lead/deleted/", {"start": ..., "end": ...})
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

import httpx
from gql import GraphQLRequest
from gql.transport.exceptions import TransportConnectionFailed, TransportError
from gql.transport.httpx import HTTPXAsyncTransport
from graphql import DocumentNode, parse
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from gateway.crm.answers import (
    HttpStatusError,
    SessionInvalid,
    TransientError,
    query_error,
    status_error,
)
from gateway.crm.circuit import AllowanceCircuit
from gateway.crm.errors import (
    CrmAuthError,
    CrmLimitExceeded,
    CrmNotConfigured,
    CrmProtocolError,
    CrmUnavailable,
)
from gateway.crm.settings import CrmSettings
from gateway.crm.token import TokenSource
from gateway.metrics import CRM_REQUESTS

T = TypeVar("T")
Json = dict[str, Any]


async def _raise_for_status(response: httpx.Response) -> None:
    # gql reads a non-200 JSON body as a GraphQL result and loses the status; raising here keeps
    # both (gql wraps it in TransportConnectionFailed, whose __cause__ is this error).
    if response.status_code != 200:
        await response.aread()
        raise HttpStatusError(response.status_code, response.content)


class CrmClient:
    """One per process (the server's lifespan, the sync command); safe for concurrent calls."""

    def __init__(self, settings: CrmSettings) -> None:
        if not settings.configured or settings.url is None:
            raise CrmNotConfigured("no CRM is configured (set CRM_URL)")
        self.settings = settings
        base = settings.url.rstrip("/")
        self._data_url = f"{base}/services/data/{settings.api_version}"
        timeout = httpx.Timeout(settings.timeout_seconds)
        self._http = httpx.AsyncClient(timeout=timeout)
        self._transport = HTTPXAsyncTransport(
            url=f"{self._data_url}/graphql",
            timeout=timeout,
            event_hooks={"response": [_raise_for_status]},
        )
        self._tokens = TokenSource(settings, self._http)
        self.circuit = AllowanceCircuit(settings.circuit_open_seconds)
        self._documents: dict[str, DocumentNode] = {}
        self._connected = False

    async def __aenter__(self) -> CrmClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def connect(self) -> None:
        if not self._connected:
            await self._transport.connect()  # type: ignore[no-untyped-call]  # gql is untyped
            self._connected = True

    async def close(self) -> None:
        if self._connected:
            await self._transport.close()  # type: ignore[no-untyped-call]
            self._connected = False
        await self._http.aclose()

    async def execute(
        self,
        document: str,
        variables: Json | None = None,
        *,
        operation_name: str | None = None,
    ) -> Json:
        """The answer's `data`; any GraphQL error raises (CrmValidationError never retried)."""
        request = GraphQLRequest(
            self._parsed(document), variable_values=variables, operation_name=operation_name
        )

        async def send(token: str) -> Json:
            return await self._post_graphql(request, token)

        return await self._call(send)

    async def rest_get(self, path: str, params: dict[str, str] | None = None) -> Json:
        """GET `/services/data/<version>/<path>` (e.g. `sobjects/Lead/deleted/`), as JSON."""
        url = f"{self._data_url}/{path.lstrip('/')}"

        async def send(token: str) -> Json:
            return await self._get_rest(url, params, token)

        return await self._call(send)

    def _parsed(self, document: str) -> DocumentNode:
        # The sync and the live loaders send the same few documents again and again.
        parsed = self._documents.get(document)
        if parsed is None:
            parsed = self._documents[document] = parse(document)
        return parsed

    async def _call(self, send: Callable[[str], Awaitable[T]]) -> T:
        """Circuit first, then up to `retry_attempts` tries with full-jitter backoff."""
        settings = self.settings
        try:
            self.circuit.check()
        except CrmUnavailable:
            CRM_REQUESTS.labels(outcome="circuit_open").inc()
            raise
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TransientError),
            wait=wait_random_exponential(
                multiplier=settings.retry_base_seconds, max=settings.retry_cap_seconds
            ),
            stop=stop_after_attempt(settings.retry_attempts),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._authorised(send)
        except TransientError as exc:
            raise CrmUnavailable(
                f"{exc} ({settings.retry_attempts} tries); the CRM is unavailable"
            ) from None
        except CrmLimitExceeded:
            self.circuit.trip()
            raise
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def _authorised(self, send: Callable[[str], Awaitable[T]]) -> T:
        """The contract: on 401, refresh the token once and retry once."""
        token = await self._tokens.current()
        try:
            return await send(token)
        except SessionInvalid:
            fresh = await self._tokens.refresh(token)
        try:
            return await send(fresh)
        except SessionInvalid:
            raise CrmAuthError("the CRM refused a freshly issued token (401)") from None

    async def _post_graphql(self, request: GraphQLRequest, token: str) -> Json:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with asyncio.timeout(self.settings.timeout_seconds):
                result = await self._transport.execute(request, extra_args={"headers": headers})
        except TransportConnectionFailed as exc:
            raise self._failure(exc.__cause__ or exc) from None
        except TimeoutError:
            raise self._failure(httpx.TimeoutException("timed out")) from None
        except TransportError as exc:  # not JSON, no data nor errors
            CRM_REQUESTS.labels(outcome="client_error").inc()
            raise CrmProtocolError(f"the CRM answered outside the contract: {exc}") from None
        if result.errors:
            CRM_REQUESTS.labels(outcome="graphql_error").inc()
            errors = [e if isinstance(e, dict) else {"message": str(e)} for e in result.errors]
            raise query_error(errors, result.data)
        CRM_REQUESTS.labels(outcome="ok").inc()
        if not isinstance(result.data, dict):
            raise CrmProtocolError("the CRM answered without data")
        return result.data

    async def _get_rest(self, url: str, params: dict[str, str] | None, token: str) -> Json:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with asyncio.timeout(self.settings.timeout_seconds):
                response = await self._http.get(url, params=params, headers=headers)
        except (TimeoutError, httpx.TransportError) as exc:
            raise self._failure(exc) from None
        if response.status_code != 200:
            raise self._failure(HttpStatusError(response.status_code, response.content))
        CRM_REQUESTS.labels(outcome="ok").inc()
        try:
            answer = response.json()
        except ValueError:
            raise CrmProtocolError(f"the CRM answered {url} with something not JSON") from None
        if not isinstance(answer, dict):
            raise CrmProtocolError(f"the CRM answered {url} with a {type(answer).__name__}")
        return answer

    def _failure(self, cause: BaseException) -> Exception:
        """A failed HTTP exchange as the exception `_call` acts on, counted by outcome."""
        error: Exception
        if isinstance(cause, HttpStatusError):
            error = status_error(cause.status, cause.body)
            if isinstance(error, SessionInvalid):
                outcome = "session_expired"
            elif isinstance(error, CrmLimitExceeded):
                outcome = "limit_exceeded"
            elif isinstance(error, TransientError):
                outcome = error.outcome
            else:
                outcome = "client_error"
        elif isinstance(cause, TimeoutError | httpx.TimeoutException):
            error = TransientError("a CRM request timed out", outcome="timeout")
            outcome = "timeout"
        else:
            error = TransientError(f"the CRM is unreachable: {cause}", outcome="connection_error")
            outcome = "connection_error"
        CRM_REQUESTS.labels(outcome=outcome).inc()
        return error
