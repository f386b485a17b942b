"""Builds the GraphQL schema: types, extensions and the error policy, in one place."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.schema.deal import Deal
from gateway.schema.error_codes import ErrorCodes
from gateway.schema.lead import Lead
from gateway.schema.metrics_extension import OperationMetrics
from gateway.schema.mutation import Mutation
from gateway.schema.partner import Partner
from gateway.schema.partner_user import PartnerUser
from gateway.schema.query import Query
from gateway.schema.subscription import Subscription
from gateway.schema.training import Certification, Course, Enrollment
from gateway.schema.vendor_user import VendorUser
from gateway.subscriptions.error_codes import StreamedErrorCodes
from gateway.subscriptions.websocket_only import SubscriptionsOverWebsocketOnly


class GatewaySchema(strawberry.Schema):
    """Strawberry logs every error with its traceback; ErrorCodes already logs the unexpected
    ones in full, and a FORBIDDEN field or a bad argument is the caller's business, not an
    operator's. (Logging each would also let any caller flood the log.)"""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema() -> strawberry.Schema:
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Partner, PartnerUser, VendorUser, Deal, Lead, Course, Enrollment, Certification],
        extensions=[
            ErrorCodes, StreamedErrorCodes, SubscriptionsOverWebsocketOnly, OperationMetrics
        ],
        config=StrawberryConfig(auto_camel_case=True),
    )
