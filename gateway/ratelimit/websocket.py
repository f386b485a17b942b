"""Operations started over the websocket spend the caller's request budget, as over HTTP.

A `subscribe` message may carry a query or a mutation as well as a subscription; without this a
caller over budget on HTTP could go on over a websocket. The refusal is an `error` message for
that operation id, with the same code and `retryAfter` as the HTTP 429.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from gateway.persisted.websocket import SafelistedTransportWSHandler
from gateway.ratelimit.limiter import RateLimiter
from gateway.ratelimit.middleware import refusal_error


class RateLimitedTransportWSHandler(SafelistedTransportWSHandler):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # Before connection_ack there is no caller to count; Strawberry refuses those itself.
        if self.connection_acknowledged:
            limiter: RateLimiter = self.context.request.app.state.rate_limiter
            refusal = await limiter.spend(self.context.principal)
            if refusal is not None:
                said = refusal_error(refusal)
                error = GraphQLError(said["message"], extensions=said["extensions"])
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [error.formatted]}
                )
                return
        await super().handle_subscribe(message)
