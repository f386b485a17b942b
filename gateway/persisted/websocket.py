"""The safelist over the websocket: a caller held to it subscribes only to the manifest's texts.

Over HTTP the view resolves persisted operations; a websocket `subscribe` carries its text
directly, so the check happens here, before the operation starts.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from gateway.context import Context
from gateway.errors import PERSISTED_QUERY_REQUIRED
from gateway.persisted.manifest import operation_hash
from gateway.persisted.operations import PersistedOperations


class SafelistedTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and not self._allowed(message["payload"]["query"]):
            error = GraphQLError(
                "This caller may run only the operations in the persisted operations manifest",
                extensions={"code": PERSISTED_QUERY_REQUIRED},
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)

    def _allowed(self, query: str) -> bool:
        persisted: PersistedOperations = self.context.request.app.state.persisted
        if not persisted.settings.safelist_required(self.context.principal):
            return True
        return persisted.manifest.body(operation_hash(query)) is not None
