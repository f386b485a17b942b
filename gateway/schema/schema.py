"""Builds the GraphQL schema: types, extensions and the error policy, in one place."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.compiled.executor import CompiledExecutor
from gateway.limits.extension import OperationLimitsCheck
from gateway.schema.deal import Deal
from gateway.schema.error_codes import ErrorCodes
from gateway.schema.federation import FEDERATION_VERSION
from gateway.schema.lead import Lead
from gateway.schema.metrics_extension import OperationMetrics
from gateway.schema.mutation import Mutation
from gateway.schema.parse_cache import CachedParsing
from gateway.schema.partner import Partner
from gateway.schema.partner_user import PartnerUser
from gateway.schema.query import Query
from gateway.schema.stale_extension import StaleReads
from gateway.schema.subscription import Subscription
from gateway.schema.training import Certification, Course, Enrollment
from gateway.schema.vendor_user import VendorUser
from gateway.subscriptions.error_codes import StreamedErrorCodes
from gateway.subscriptions.websocket_only import SubscriptionsOverWebsocketOnly

# Distinct operation texts kept parsed and validated (an LRU cache each).
PARSED_OPERATIONS = 1024


class GatewaySchema(strawberry.federation.Schema):
    """Also an Apollo Federation 2 subgraph (gateway/schema/federation.py): `@key` on the entity
    types, `_service` and `_entities` on Query; clients that never ask for those see no change.

    Strawberry logs every error with its traceback; ErrorCodes already logs the unexpected
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
            # Portals and partners' systems send the same few operations over and over:
            # parse and validate each text once (validation depends on the schema alone;
            # the caches live at module level, shared by every request).
            lambda: CachedParsing(maxsize=PARSED_OPERATIONS),
            lambda: ValidationCache(maxsize=PARSED_OPERATIONS),
            ErrorCodes,
            # Per caller, before execution: never inside the shared validation cache.
            OperationLimitsCheck,
            StreamedErrorCodes,
            SubscriptionsOverWebsocketOnly,
            OperationMetrics,
            # A live CRM read that fell back to the mirror says so: `extensions.stale`.
            StaleReads,
        ],
        config=StrawberryConfig(auto_camel_case=True),
        federation_version=FEDERATION_VERSION,
        # Queries with a compiled plan skip per-field resolution (gateway/compiled).
        execution_context_class=CompiledExecutor,
    )
