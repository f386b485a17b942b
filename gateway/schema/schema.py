"""Builds the GraphQL schema: types, extensions and the error policy, in one place."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway.schema.deal import Deal
from gateway.schema.error_codes import ErrorCodes
from gateway.schema.lead import Lead
from gateway.schema.metrics_extension import OperationMetrics
from gateway.schema.mutation import Mutation
from gateway.schema.partner import Partner
from gateway.schema.partner_user import PartnerUser
from gateway.schema.query import Query
from gateway.schema.training import Certification, Course, Enrollment
from gateway.schema.vendor_user import VendorUser


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Partner, PartnerUser, VendorUser, Deal, Lead, Course, Enrollment, Certification],
        extensions=[ErrorCodes, OperationMetrics],
        config=StrawberryConfig(auto_camel_case=True),
    )
