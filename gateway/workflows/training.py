"""Training: create courses, enrol, record progress, complete with a certification.

Every function runs inside the mutation's transaction. People and enrolments are looked up
within the caller's row scope, so a rep can only enrol (and progress) themselves and a partner
admin only their own organisation's people: anyone else is NOT_FOUND, as if absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from gateway.store import table as rows
from gateway.store import training_writes
from gateway.store.partner_users import PARTNER_USERS
from gateway.store.scope import RowScope
from gateway.store.table import Row
from gateway.store.training import COURSES
from gateway.workflows.rejection import (
    ALREADY_EXISTS,
    INVALID_INPUT,
    INVALID_TRANSITION,
    NOT_FOUND,
    Rejected,
)

# Codes of this workflow; like every code they are part of the API.
ALREADY_ENROLLED = "ALREADY_ENROLLED"
USER_REQUIRED = "USER_REQUIRED"
USER_INACTIVE = "USER_INACTIVE"
PROGRESS_BACKWARDS = "PROGRESS_BACKWARDS"

_COURSE_CODE = re.compile(r"^[A-Z]{2,10}-[0-9A-Z]{1,10}$")
LEVELS = ("FOUNDATION", "PROFESSIONAL", "EXPERT")
MAX_HOURS = Decimal("9999.9")  # the column is numeric(5, 1)
MAX_VALIDITY_MONTHS = 120

# Which enrolment statuses each action may start from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "record_progress": ("ENROLLED", "IN_PROGRESS"),
    "complete": ("ENROLLED", "IN_PROGRESS"),
}


@dataclass(frozen=True)
class NewCourse:
    code: str
    title: str
    level: str
    hours: Decimal
    validity_months: int


async def create_course(conn: asyncpg.Connection, course: NewCourse) -> Row:
    code = course.code.strip().upper()
    if not _COURSE_CODE.match(code):
        raise Rejected(INVALID_INPUT, "a course code looks like NET-101", "code")
    title = " ".join(course.title.split())
    if not 1 <= len(title) <= 200:
        raise Rejected(INVALID_INPUT, "the title needs 1 to 200 characters", "title")
    if course.level not in LEVELS:
        raise Rejected(INVALID_INPUT, f"the level is one of {', '.join(LEVELS)}", "level")
    if not 0 < course.hours <= MAX_HOURS or course.hours != round(course.hours, 1):
        raise Rejected(INVALID_INPUT, "hours must be 0.1 to 9999.9, in tenths", "hours")
    if not 1 <= course.validity_months <= MAX_VALIDITY_MONTHS:
        raise Rejected(
            INVALID_INPUT,
            f"a certification stays valid 1 to {MAX_VALIDITY_MONTHS} months",
            "validityMonths",
        )
    created = await training_writes.insert_course(
        conn,
        {
            "code": code,
            "title": title,
            "level": course.level,
            "hours": course.hours,
            "validity_months": course.validity_months,
        },
    )
    if created is None:
        raise Rejected(ALREADY_EXISTS, f"a course with the code {code} exists", "code")
    return created


async def enroll(
    conn: asyncpg.Connection,
    *,
    course_id: int,
    user_id: int | None,
    own_user_id: int | None,
    user_scope: RowScope,
    course_scope: RowScope,
) -> Row:
    """Enrol `user_id` (default: the caller) in a course; renewing once a certification expired."""
    chosen = user_id if user_id is not None else own_user_id
    if chosen is None:
        # API keys and vendor staff are nobody at a partner: they name whom they enrol.
        raise Rejected(USER_REQUIRED, "name the partner user to enrol", "userId")
    found = await rows.fetch_by_ids(conn, PARTNER_USERS, [chosen], user_scope)
    user = found.get(chosen)
    if user is None:
        raise Rejected(NOT_FOUND, "no such partner user", "userId")
    if not user["active"]:
        raise Rejected(USER_INACTIVE, "the user is deactivated", "userId")
    if course_id not in await rows.fetch_by_ids(conn, COURSES, [course_id], course_scope):
        raise Rejected(NOT_FOUND, "no such course", "courseId")
    enrollment = await training_writes.enroll(conn, chosen, user["partner_id"], course_id)
    if enrollment is None:
        raise Rejected(
            ALREADY_ENROLLED,
            "already enrolled in this course (or certified in it, until that expires)",
            "courseId",
        )
    return enrollment


async def locked(
    conn: asyncpg.Connection, enrollment_id: int, scope: RowScope, action: str
) -> Row:
    enrollment = await training_writes.lock_enrollment(conn, enrollment_id, scope)
    if enrollment is None:
        raise Rejected(NOT_FOUND, "no such enrolment", "enrollmentId")
    allowed = TRANSITIONS[action]
    if enrollment["status"] not in allowed:
        raise Rejected(
            INVALID_TRANSITION,
            f"a {enrollment['status']} enrolment cannot be {action.replace('_', ' ')}d "
            f"(only {', '.join(allowed)})",
            "enrollmentId",
        )
    return enrollment


async def record_progress(conn: asyncpg.Connection, enrollment: Row, progress_pct: int) -> Row:
    if not 0 <= progress_pct <= 100:
        raise Rejected(INVALID_INPUT, "progress is 0 to 100 percent", "progressPct")
    if progress_pct < enrollment["progress_pct"]:
        raise Rejected(
            PROGRESS_BACKWARDS,
            f"progress only moves forward (it is at {enrollment['progress_pct']}%)",
            "progressPct",
        )
    return await training_writes.record_progress(conn, enrollment["id"], progress_pct)


async def complete(conn: asyncpg.Connection, enrollment: Row) -> tuple[Row, Row]:
    """The completed enrolment and the certification it earned, valid the course's months."""
    completed = await training_writes.complete(conn, enrollment["id"])
    certification = await training_writes.certify(conn, enrollment["id"])
    return completed, certification
