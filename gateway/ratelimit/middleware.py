"""Spends the caller's budget before any GraphQL work; over budget answers 429 at once.

It sits inside `AuthenticatedGraphQL`, so it sees the Principal; GraphiQL's page has none and is
never limited (nor are /healthz and /metrics, which it does not wrap).
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth.principal import Principal
from gateway.ratelimit.limiter import RateLimiter, Refusal

RATE_LIMITED = "RATE_LIMITED"


def refusal_error(refusal: Refusal) -> dict[str, Any]:
    """The GraphQL error saying so (over HTTP, and over the websocket)."""
    return {
        "message": f"Rate limit of {refusal.limit} exceeded; retry in {refusal.retry_after} s.",
        "extensions": {"code": RATE_LIMITED, "retryAfter": refusal.retry_after},
    }


def too_many_requests(refusal: Refusal) -> Response:
    body: dict[str, Any] = {"errors": [refusal_error(refusal)]}
    return Response(
        orjson.dumps(body),
        status_code=429,
        media_type="application/json",
        headers={"Retry-After": str(refusal.retry_after)},
    )


class RateLimitedGraphQL:
    """Wraps the GraphQL view; the limiter lives in `app.state.rate_limiter`."""

    def __init__(self, view: ASGIApp) -> None:
        self.view = view

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal: Principal | None = scope.get("state", {}).get("principal")
        if principal is not None:
            limiter: RateLimiter = scope["app"].state.rate_limiter
            refusal = await limiter.spend(principal)
            if refusal is not None:
                await too_many_requests(refusal)(scope, receive, send)
                return
        await self.view(scope, receive, send)
