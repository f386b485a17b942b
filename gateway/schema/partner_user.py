"""PartnerUser: a person at a partner organisation."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.resolvers import deals as deal_resolvers
from gateway.resolvers.entities import entity_row
from gateway.schema import deal as deal_types
from gateway.schema import inputs
from gateway.schema import partner as partner_types
from gateway.schema import training as training_types
from gateway.schema.enums import PartnerUserRole
from gateway.schema.guard import guarded
from gateway.schema.node import Node, to_global_id
from gateway.schema.pagination import Connection
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.deal import Deal
    from gateway.schema.partner import Partner
    from gateway.schema.training import Certification, Enrollment

PartnerRef = Annotated["Partner", strawberry.lazy("gateway.schema.partner")]
DealRef = Annotated["Deal", strawberry.lazy("gateway.schema.deal")]
EnrollmentRef = Annotated["Enrollment", strawberry.lazy("gateway.schema.training")]
CertificationRef = Annotated["Certification", strawberry.lazy("gateway.schema.training")]

DEFAULT_PAGE = 20


@strawberry.federation.type(keys=["id"], description="A person at a partner organisation.")
class PartnerUser(Node):
    email: str = strawberry.field(description="Work e-mail address; also the sign-in name.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    title: str = strawberry.field(description="Job title.")
    phone: str | None = strawberry.field(
        description="Phone number (personal data).", extensions=guarded()
    )
    role: PartnerUserRole = strawberry.field(description="Role in the partner organisation.")
    active: bool = strawberry.field(description="False once the partner deactivated the user.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    user_id: strawberry.Private[int]
    partner_id: strawberry.Private[int]

    @strawberry.field(
        description="The partner organisation the person belongs to.", extensions=guarded()
    )
    async def partner(self, info: strawberry.Info[Context, None]) -> PartnerRef | None:
        row = await info.context.loaders.partner_by_id.load(self.partner_id)
        return None if row is None else partner_types.Partner.from_row(row)

    @strawberry.field(description="Deals this person owns.", extensions=guarded())
    async def deals(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        filter: inputs.DealFilter | None = None,  # noqa: A002 - the GraphQL argument's name
        order_by: inputs.DealOrder | None = None,
    ) -> Connection[DealRef]:
        return await deal_resolvers.deals_of(
            info.context,
            "owner",
            self.user_id,
            first,
            after,
            filter,
            order_by,
            deal_types.Deal.from_row,
        )

    @strawberry.field(description="The person's course enrolments.", extensions=guarded())
    async def enrollments(self, info: strawberry.Info[Context, None]) -> list[EnrollmentRef]:
        found = await info.context.loaders.enrollments_by_user_id.load(self.user_id)
        return [training_types.Enrollment.from_row(row) for row in found]

    @strawberry.field(
        description="The person's certifications, current and expired (see `isCurrent`).",
        extensions=guarded(),
    )
    async def certifications(self, info: strawberry.Info[Context, None]) -> list[CertificationRef]:
        found = await info.context.loaders.certifications_by_user_id.load(self.user_id)
        return [training_types.Certification.from_row(row) for row in found]

    @classmethod
    async def resolve_reference(
        cls,
        info: strawberry.Info[Context, None],
        id: strawberry.ID,  # noqa: A002 - the key
    ) -> Self | None:
        """`{__typename: "PartnerUser", id}` from a federation router: what `node(id:)` finds."""
        row = await entity_row(
            info.context, "PartnerUser", id, info.context.loaders.partner_user_by_id
        )
        return None if row is None else cls.from_row(row)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("PartnerUser", row["id"]),
            email=row["email"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            title=row["title"],
            phone=row["phone"],
            role=PartnerUserRole(row["role"]),
            active=row["active"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            user_id=row["id"],
            partner_id=row["partner_id"],
        )
