"""Authenticates each GraphQL request before Strawberry sees it; failures answer 401 at once.

GraphiQL's HTML page stays open (it holds no data); every operation needs credentials.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth.authenticate import Authenticator
from gateway.auth.errors import (
    AUTHENTICATION_UNAVAILABLE,
    UNAUTHENTICATED,
    AuthenticationError,
)
from gateway.errors import DATABASE_UNAVAILABLE

CHALLENGE = 'Bearer realm="partner-gateway"'


def wants_graphiql(request: Request) -> bool:
    return (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and "query" not in request.query_params
    )


def unauthorized(exc: AuthenticationError) -> Response:
    body: dict[str, Any] = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
    if exc.code in (AUTHENTICATION_UNAVAILABLE, DATABASE_UNAVAILABLE):
        # Our identity provider or database is down, not the caller's fault: ask them to come
        # back.
        return Response(
            orjson.dumps(body),
            status_code=503,
            media_type="application/json",
            headers={"Retry-After": "5"},
        )
    challenge = CHALLENGE
    if exc.code != UNAUTHENTICATED:
        challenge += ', error="invalid_token"'
    return Response(
        orjson.dumps(body),
        status_code=401,
        media_type="application/json",
        headers={"WWW-Authenticate": challenge},
    )


class AuthenticatedGraphQL:
    """Wraps the GraphQL view: the caller's Principal travels in `request.state.principal`."""

    def __init__(self, view: ASGIApp) -> None:
        self.view = view

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if not wants_graphiql(request):
            authenticator: Authenticator = request.app.state.authenticator
            try:
                principal = await authenticator.authenticate(request.headers)
            except AuthenticationError as exc:
                await unauthorized(exc)(scope, receive, send)
                return
            scope.setdefault("state", {})["principal"] = principal
        await self.view(scope, receive, send)
