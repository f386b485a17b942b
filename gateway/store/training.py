"""Courses, enrolments and certifications; the training tables."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.store.predicates import one_of
from gateway.store.scope import ScopedColumns
from gateway.store.sql import SqlParams
from gateway.store.table import Table

COURSES = Table(
    name="courses",
    alias="c",
    columns=(
        "id", "code", "title", "level", "hours", "validity_months", "created_at", "updated_at",
    ),
    # The catalogue is the same for everyone.
    scoped=ScopedColumns(partner=None, owner=None),
    order_columns=frozenset({"id", "code", "updated_at"}),
)

ENROLLMENTS = Table(
    name="enrollments",
    alias="e",
    columns=(
        "id", "user_id", "partner_id", "course_id", "status", "progress_pct", "enrolled_at",
        "completed_at", "updated_at",
    ),
    scoped=ScopedColumns(partner="partner_id", owner="user_id"),
    order_columns=frozenset({"id", "enrolled_at", "updated_at"}),
    parent_columns=frozenset({"user_id", "course_id"}),
)

CERTIFICATIONS = Table(
    name="certifications",
    alias="cert",
    columns=(
        "id", "user_id", "partner_id", "course_id", "enrollment_id", "issued_at", "expires_at",
    ),
    scoped=ScopedColumns(partner="partner_id", owner="user_id"),
    order_columns=frozenset({"id", "issued_at", "expires_at"}),
    parent_columns=frozenset({"user_id", "course_id"}),
)


@dataclass(frozen=True)
class CourseFilter:
    levels: frozenset[str] | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [one_of(f"{alias}.level", self.levels, params)]
        return [p for p in found if p]


@dataclass(frozen=True)
class EnrollmentFilter:
    statuses: frozenset[str] | None = None

    def predicates(self, alias: str, params: SqlParams) -> list[str]:
        found = [one_of(f"{alias}.status", self.statuses, params)]
        return [p for p in found if p]
