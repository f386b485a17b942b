"""Training: courses, enrolments in them, and the certifications they lead to."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from gateway.context import Context
from gateway.resolvers import training as training_resolvers
from gateway.schema import inputs
from gateway.schema import partner_user as partner_user_types
from gateway.schema.enums import CourseLevel, EnrollmentStatus
from gateway.schema.guard import guarded
from gateway.schema.node import Node, to_global_id
from gateway.schema.pagination import Connection
from gateway.store.table import Row

if TYPE_CHECKING:
    from gateway.schema.partner_user import PartnerUser

PartnerUserRef = Annotated["PartnerUser", strawberry.lazy("gateway.schema.partner_user")]


async def _course(info: strawberry.Info[Context, None], course_id: int) -> Course | None:
    row = await info.context.loaders.course_by_id.load(course_id)
    return None if row is None else Course.from_row(row)


async def _user(info: strawberry.Info[Context, None], user_id: int) -> PartnerUser | None:
    row = await info.context.loaders.partner_user_by_id.load(user_id)
    return None if row is None else partner_user_types.PartnerUser.from_row(row)


@strawberry.type(description="A course in the partner training catalogue.")
class Course(Node):
    code: str = strawberry.field(description="Catalogue code, e.g. NET-101.")
    title: str = strawberry.field(description="Course title.")
    level: CourseLevel = strawberry.field(description="Difficulty level.")
    hours: Decimal = strawberry.field(description="Expected study time in hours.")
    validity_months: int = strawberry.field(
        description="How long the certification it leads to stays valid."
    )
    course_id: strawberry.Private[int]

    @strawberry.field(
        description="Enrolments in this course that you may see.", extensions=guarded()
    )
    async def enrollments(
        self,
        info: strawberry.Info[Context, None],
        first: int = 20,
        after: str | None = None,
        filter: inputs.EnrollmentFilter | None = None,  # noqa: A002 - the GraphQL argument
    ) -> Connection[Enrollment]:
        return await training_resolvers.course_enrollments(
            info.context, self.course_id, first, after, filter, Enrollment.from_row
        )

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("Course", row["id"]),
            code=row["code"],
            title=row["title"],
            level=CourseLevel(row["level"]),
            hours=row["hours"],
            validity_months=row["validity_months"],
            course_id=row["id"],
        )


@strawberry.type(description="A person's enrolment in a course.")
class Enrollment(Node):
    status: EnrollmentStatus = strawberry.field(description="Progress status.")
    progress_pct: int = strawberry.field(description="Progress through the course, 0 to 100.")
    enrolled_at: datetime = strawberry.field(description="When the person enrolled.")
    completed_at: datetime | None = strawberry.field(description="When the course was finished.")
    user_id: strawberry.Private[int]
    course_id: strawberry.Private[int]

    @strawberry.field(description="The enrolled person.", extensions=guarded())
    async def user(self, info: strawberry.Info[Context, None]) -> PartnerUserRef | None:
        return await _user(info, self.user_id)

    @strawberry.field(description="The course.", extensions=guarded())
    async def course(self, info: strawberry.Info[Context, None]) -> Course | None:
        return await _course(info, self.course_id)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("Enrollment", row["id"]),
            status=EnrollmentStatus(row["status"]),
            progress_pct=row["progress_pct"],
            enrolled_at=row["enrolled_at"],
            completed_at=row["completed_at"],
            user_id=row["user_id"],
            course_id=row["course_id"],
        )


@strawberry.type(description="A certification issued on completing a course.")
class Certification(Node):
    issued_at: datetime = strawberry.field(description="When it was issued.")
    expires_at: datetime = strawberry.field(description="When it stops being valid.")
    is_current: bool = strawberry.field(
        description="Valid now (not yet expired); only current certifications count for tiers."
    )
    user_id: strawberry.Private[int]
    course_id: strawberry.Private[int]

    @strawberry.field(description="The certified person.", extensions=guarded())
    async def user(self, info: strawberry.Info[Context, None]) -> PartnerUserRef | None:
        return await _user(info, self.user_id)

    @strawberry.field(description="The course the certification is for.", extensions=guarded())
    async def course(self, info: strawberry.Info[Context, None]) -> Course | None:
        return await _course(info, self.course_id)

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            id=to_global_id("Certification", row["id"]),
            issued_at=row["issued_at"],
            expires_at=row["expires_at"],
            is_current=row["expires_at"] > datetime.now(UTC),
            user_id=row["user_id"],
            course_id=row["course_id"],
        )
