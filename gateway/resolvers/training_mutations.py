"""Training mutations: GraphQL inputs to workflow calls, each inside `run_mutation`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from gateway.context import Context
from gateway.resolvers.deal_mutations import database_id
from gateway.store.table import Row
from gateway.workflows import training as training_rules
from gateway.workflows.mutation import Done, Outcome, run_mutation
from gateway.workflows.rejection import Rejected

# An enrolment after a change, and the certification the change issued (on completion only).
Changed = tuple[Row, Row | None]


async def create_course(
    context: Context, course: training_rules.NewCourse
) -> Outcome[Row]:
    async def work(conn: asyncpg.Connection) -> Done[Row]:
        created = await training_rules.create_course(conn, course)
        return Done(created, created["id"], {"code": created["code"]})

    return await run_mutation(
        context,
        operation="createCourse",
        object_type="Course",
        action="create",
        object_id=None,
        work=work,
    )


async def enroll(
    context: Context, course_global_id: str, user_global_id: str | None
) -> Outcome[Changed]:
    try:
        course_id = database_id(course_global_id, "Course", "courseId")
        user_id = database_id(user_global_id, "PartnerUser", "userId")
    except Rejected as rejected:
        return Outcome(errors=[rejected])
    assert course_id is not None
    grant = context.grant

    async def work(conn: asyncpg.Connection) -> Done[Changed]:
        enrollment = await training_rules.enroll(
            conn,
            course_id=course_id,
            user_id=user_id,
            own_user_id=context.principal.user_id,
            user_scope=grant.row_scope("PartnerUser"),
            course_scope=grant.row_scope("Course"),
        )
        detail = {"courseId": course_id, "userId": enrollment["user_id"]}
        return Done((enrollment, None), enrollment["id"], detail)

    return await run_mutation(
        context,
        operation="enroll",
        object_type="Enrollment",
        action="create",
        object_id=None,
        work=work,
    )


async def on_enrollment(
    context: Context,
    operation: str,
    transition: str,
    enrollment_global_id: str,
    change: Callable[[asyncpg.Connection, Row], Awaitable[Changed]],
    detail: dict[str, Any] | None = None,
) -> Outcome[Changed]:
    """The shared shape of every change to one existing enrolment (the policy's `update`)."""
    try:
        enrollment_id = database_id(enrollment_global_id, "Enrollment", "enrollmentId")
    except Rejected as rejected:
        return Outcome(errors=[rejected])
    assert enrollment_id is not None
    scope = context.grant.row_scope("Enrollment")

    async def work(conn: asyncpg.Connection) -> Done[Changed]:
        enrollment = await training_rules.locked(conn, enrollment_id, scope, transition)
        changed = await change(conn, enrollment)
        after = changed[0]
        return Done(
            changed,
            enrollment_id,
            {
                **(detail or {}),
                "from": enrollment["status"],
                "to": after["status"],
                "progressPct": after["progress_pct"],
            },
        )

    return await run_mutation(
        context,
        operation=operation,
        object_type="Enrollment",
        action="update",
        object_id=enrollment_id,
        work=work,
    )


async def record_progress(
    context: Context, enrollment_global_id: str, progress_pct: int
) -> Outcome[Changed]:
    async def change(conn: asyncpg.Connection, enrollment: Row) -> Changed:
        return await training_rules.record_progress(conn, enrollment, progress_pct), None

    return await on_enrollment(
        context, "recordProgress", "record_progress", enrollment_global_id, change
    )


async def complete_enrollment(context: Context, enrollment_global_id: str) -> Outcome[Changed]:
    async def change(conn: asyncpg.Connection, enrollment: Row) -> Changed:
        return await training_rules.complete(conn, enrollment)

    return await on_enrollment(
        context, "completeEnrollment", "complete", enrollment_global_id, change
    )
