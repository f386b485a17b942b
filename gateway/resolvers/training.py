"""Training lists: the course catalogue and a course's enrolments."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.context import Context
from gateway.resolvers.ids import enum_values
from gateway.resolvers.lists import child_connection, root_connection
from gateway.schema import inputs
from gateway.schema.pagination import Connection
from gateway.store.sql import OrderBy
from gateway.store.table import Row
from gateway.store.training import COURSES
from gateway.store.training import CourseFilter as StoreCourseFilter
from gateway.store.training import EnrollmentFilter as StoreEnrollmentFilter

NodeT = TypeVar("NodeT")


async def courses(
    context: Context,
    first: int,
    after: str | None,
    given_filter: inputs.CourseFilter | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    row_filter = StoreCourseFilter(
        levels=None if given_filter is None else enum_values(given_filter.levels)
    )
    return await root_connection(
        context,
        table=COURSES,
        object_type="Course",
        row_filter=row_filter,
        first=first,
        after=after,
        order=OrderBy("code"),
        to_node=to_node,
        by_id=context.loaders.course_by_id,
    )


async def course_enrollments(
    context: Context,
    course_id: int,
    first: int,
    after: str | None,
    given_filter: inputs.EnrollmentFilter | None,
    to_node: Callable[[Row], NodeT],
) -> Connection[NodeT]:
    row_filter = StoreEnrollmentFilter(
        statuses=None if given_filter is None else enum_values(given_filter.statuses)
    )
    return await child_connection(
        context,
        object_type="Enrollment",
        pages=context.loaders.enrollments_by_course_id,
        counts=context.loaders.enrollment_count_by_course_id,
        parent_id=course_id,
        row_filter=row_filter,
        first=first,
        after=after,
        order=OrderBy("id"),
        to_node=to_node,
    )
