"""Filter and ordering inputs of the list fields."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from gateway.schema.enums import (
    CourseLevel,
    DealStage,
    DealStatus,
    EnrollmentStatus,
    LeadSource,
    LeadStatus,
    PartnerStatus,
    PartnerUserRole,
    Region,
    SortDirection,
    TierLevel,
)

UPDATED_SINCE = "Only items changed at or after this instant (for incremental pulls)."


@strawberry.input(description="Narrows a list of partners; all given conditions must hold.")
class PartnerFilter:
    regions: list[Region] | None = strawberry.field(default=None, description="Any of regions.")
    statuses: list[PartnerStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    tiers: list[TierLevel] | None = strawberry.field(default=None, description="Any of tiers.")
    slugs: list[str] | None = strawberry.field(default=None, description="Any of these slugs.")
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive prefix of the partner's name or domain."
    )


@strawberry.input(description="Narrows a list of deals; all given conditions must hold.")
class DealFilter:
    statuses: list[DealStatus] | None = strawberry.field(
        default=None, description="Any of these registration statuses."
    )
    stages: list[DealStage] | None = strawberry.field(
        default=None, description="Any of these sales stages."
    )
    regions: list[Region] | None = strawberry.field(
        default=None, description="Any of these customer regions."
    )
    partner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Deals of any of these partners (global ids)."
    )
    product: str | None = strawberry.field(
        default=None, description="Deals that include this product code."
    )
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)
    customer: str | None = strawberry.field(
        default=None, description="Case-insensitive prefix of the customer's name or domain."
    )


@strawberry.input(description="Narrows a list of leads; all given conditions must hold.")
class LeadFilter:
    statuses: list[LeadStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    regions: list[Region] | None = strawberry.field(default=None, description="Any of regions.")
    sources: list[LeadSource] | None = strawberry.field(
        default=None, description="Any of these sources."
    )
    partner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Leads assigned to any of these partners (global ids)."
    )
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)
    company: str | None = strawberry.field(
        default=None, description="Case-insensitive prefix of the company's name or domain."
    )


@strawberry.input(description="Narrows a list of partner users.")
class PartnerUserFilter:
    roles: list[PartnerUserRole] | None = strawberry.field(
        default=None, description="Any of these roles."
    )
    active: bool | None = strawberry.field(default=None, description="Only active (or inactive).")
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)


@strawberry.input(description="Narrows a list of courses.")
class CourseFilter:
    levels: list[CourseLevel] | None = strawberry.field(
        default=None, description="Any of these levels."
    )


@strawberry.input(description="Narrows a list of enrolments.")
class EnrollmentFilter:
    statuses: list[EnrollmentStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )


@strawberry.enum(description="What partners can be sorted by.")
class PartnerOrderField(Enum):
    ID = "id"
    NAME = "name"
    JOINED_AT = "joined_at"
    UPDATED_AT = "updated_at"


@strawberry.enum(description="What deals can be sorted by.")
class DealOrderField(Enum):
    ID = "id"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    AMOUNT = "amount"
    EXPECTED_CLOSE_DATE = "expected_close_date"
    CUSTOMER_NAME = "customer_name"


@strawberry.enum(description="What leads can be sorted by.")
class LeadOrderField(Enum):
    ID = "id"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    SCORE = "score"


@strawberry.input(description="Sort order of partners (default: by id, ascending).")
class PartnerOrder:
    field: PartnerOrderField = strawberry.field(description="What to sort by.")
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Ascending or descending."
    )


@strawberry.input(description="Sort order of deals (default: by id, ascending).")
class DealOrder:
    field: DealOrderField = strawberry.field(description="What to sort by.")
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Ascending or descending."
    )


@strawberry.input(description="Sort order of leads (default: by id, ascending).")
class LeadOrder:
    field: LeadOrderField = strawberry.field(description="What to sort by.")
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Ascending or descending."
    )
