"""What stands before every CRM endpoint: the fault switches, then the session check; and the
`Sforce-Limit-Info` header on the data API's answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from gateway.crm_sandbox.responses import invalid_session, server_unavailable
from gateway.crm_sandbox.state import sandbox_of

Endpoint = Callable[[Request], Awaitable[Response]]


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "oauth") and token.strip() else None


def crm_endpoint(handler: Endpoint, *, needs_session: bool = True) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        sandbox = sandbox_of(request)
        # The body is in before any fault: a held request goes on after its caller gave up, as a
        # real org commits a write whose answer never arrives (the outbox's lost-answer case).
        await request.body()
        failure = await sandbox.faults.before_request()
        if failure is not None:
            return server_unavailable(failure)
        if needs_session:
            token = _bearer(request)
            if token is None or not sandbox.sessions.is_valid(token):
                sandbox.stats.count("unauthorized")
                return invalid_session()
        response = await handler(request)
        if needs_session:
            response.headers["Sforce-Limit-Info"] = sandbox.usage.header
        return response

    return endpoint
