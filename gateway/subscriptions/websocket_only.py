"""Subscriptions are served over the websocket only.

Strawberry's HTTP view allows subscription operations too (for multipart and SSE transports,
which the gateway does not offer), and would run one sent with POST like a query. Taking
SUBSCRIPTION out of the allowed operations, once the document is parsed, makes such a request
a plain 400 ("subscriptions are not allowed when using POST").
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from gateway.subscriptions.connection import ConnectionContext


class SubscriptionsOverWebsocketOnly(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        if not isinstance(execution.context, ConnectionContext):
            execution.allowed_operations = frozenset(execution.allowed_operations) - {
                OperationType.SUBSCRIPTION
            }
