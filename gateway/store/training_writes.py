"""Writing training: new courses, enrolments, progress, and completion with its certification."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from gateway.store.scope import RowScope
from gateway.store.sql import SqlParams, where
from gateway.store.table import Row
from gateway.store.training import CERTIFICATIONS, COURSES, ENROLLMENTS

_ENROLLMENT_COLUMNS = ", ".join(ENROLLMENTS.columns)


async def insert_course(conn: asyncpg.Connection, values: Mapping[str, Any]) -> Row | None:
    """The new course, or None when its code is taken (the unique index decides, race-free)."""
    columns = list(values)
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    sql = (
        f"INSERT INTO courses ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT (code) DO NOTHING RETURNING {', '.join(COURSES.columns)}"
    )
    return await conn.fetchrow(sql, *values.values())


# A user has one enrolment per course (a unique key). Enrolling again is allowed only to renew:
# once the enrolment is COMPLETED and no certification from the course is still current, the
# same row starts over. Anything else inserts nothing and answers no row.
_ENROLL = f"""
INSERT INTO enrollments (user_id, partner_id, course_id, status, progress_pct)
VALUES ($1, $2, $3, 'ENROLLED', 0)
ON CONFLICT (user_id, course_id) DO UPDATE
    SET status = 'ENROLLED', progress_pct = 0, completed_at = NULL, enrolled_at = now()
    WHERE enrollments.status = 'COMPLETED'
      AND NOT EXISTS (
          SELECT 1 FROM certifications c
          WHERE c.user_id = enrollments.user_id AND c.course_id = enrollments.course_id
            AND c.expires_at > now()
      )
RETURNING {_ENROLLMENT_COLUMNS}
"""


async def enroll(
    conn: asyncpg.Connection, user_id: int, partner_id: int, course_id: int
) -> Row | None:
    """The new (or renewed) enrolment, or None when the user is already enrolled or certified."""
    return await conn.fetchrow(_ENROLL, user_id, partner_id, course_id)


async def lock_enrollment(
    conn: asyncpg.Connection, enrollment_id: int, scope: RowScope
) -> Row | None:
    """The enrolment, locked until the transaction ends, or None when absent or outside `scope`."""
    params = SqlParams()
    clauses = [
        f"{ENROLLMENTS.alias}.id = {params.add(enrollment_id)}",
        ENROLLMENTS.scope_sql(scope, params),
    ]
    sql = (
        f"SELECT {ENROLLMENTS.select_list} FROM enrollments {ENROLLMENTS.alias} "
        f"{where(clauses)} FOR UPDATE"
    )
    return await conn.fetchrow(sql, *params.values)


async def record_progress(conn: asyncpg.Connection, enrollment_id: int, progress_pct: int) -> Row:
    row: Row = await conn.fetchrow(
        "UPDATE enrollments SET status = 'IN_PROGRESS', progress_pct = $2 WHERE id = $1 "
        f"RETURNING {_ENROLLMENT_COLUMNS}",
        enrollment_id,
        progress_pct,
    )
    return row


async def complete(conn: asyncpg.Connection, enrollment_id: int) -> Row:
    row: Row = await conn.fetchrow(
        "UPDATE enrollments SET status = 'COMPLETED', progress_pct = 100, completed_at = now() "
        f"WHERE id = $1 RETURNING {_ENROLLMENT_COLUMNS}",
        enrollment_id,
    )
    return row


# Issued at the completion's instant (the transaction's now()), valid for the course's months
# in calendar arithmetic on the UTC calendar (Jan 31 + 1 month = Feb 28/29), so the server's
# time zone setting cannot move an expiry by the hour a daylight-saving change would.
_CERTIFY = f"""
INSERT INTO certifications (user_id, partner_id, course_id, enrollment_id, issued_at, expires_at)
SELECT e.user_id, e.partner_id, e.course_id, e.id, now(),
       ((now() AT TIME ZONE 'UTC') + make_interval(months => c.validity_months)) AT TIME ZONE 'UTC'
FROM enrollments e JOIN courses c ON c.id = e.course_id
WHERE e.id = $1
RETURNING {", ".join(CERTIFICATIONS.columns)}
"""


async def certify(conn: asyncpg.Connection, enrollment_id: int) -> Row:
    row: Row = await conn.fetchrow(_CERTIFY, enrollment_id)
    return row
