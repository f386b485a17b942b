"""Training mutations: create courses, enrol, record progress, complete with a certification."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from gateway.context import Context
from gateway.resolvers import training_mutations
from gateway.schema.enums import CourseLevel
from gateway.schema.mutations.user_error import UserError
from gateway.schema.training import Certification, Course, Enrollment
from gateway.store.table import Row
from gateway.workflows import training as training_rules
from gateway.workflows.mutation import Outcome

TRAINING_CODES = (
    "Codes: NOT_FOUND, INVALID_INPUT, INVALID_TRANSITION, ALREADY_EXISTS, ALREADY_ENROLLED, "
    "USER_REQUIRED, USER_INACTIVE, PROGRESS_BACKWARDS."
)


@strawberry.type(description="The course a mutation created, or why it did nothing.")
class CoursePayload:
    course: Course | None = strawberry.field(description="The new course.")
    user_errors: list[UserError] = strawberry.field(
        description=f"Why nothing was written. {TRAINING_CODES}"
    )

    @classmethod
    def of(cls, outcome: Outcome[Row]) -> CoursePayload:
        return cls(
            course=None if outcome.value is None else Course.from_row(outcome.value),
            user_errors=[UserError.of(e) for e in outcome.errors],
        )


@strawberry.type(description="The enrolment a mutation acted on, or why it did nothing.")
class EnrollmentPayload:
    enrollment: Enrollment | None = strawberry.field(description="The enrolment after the change.")
    certification: Certification | None = strawberry.field(
        description="The certification the change issued (on completion only)."
    )
    user_errors: list[UserError] = strawberry.field(
        description=f"Why nothing was written. {TRAINING_CODES}"
    )

    @classmethod
    def of(cls, outcome: Outcome[training_mutations.Changed]) -> EnrollmentPayload:
        enrollment, certification = outcome.value or (None, None)
        return cls(
            enrollment=None if enrollment is None else Enrollment.from_row(enrollment),
            certification=None if certification is None else Certification.from_row(certification),
            user_errors=[UserError.of(e) for e in outcome.errors],
        )


@strawberry.input(description="A new course in the training catalogue.")
class CreateCourseInput:
    code: str = strawberry.field(description="Unique catalogue code, e.g. NET-101.")
    title: str = strawberry.field(description="Course title, 1 to 200 characters.")
    level: CourseLevel = strawberry.field(description="Difficulty level.")
    hours: Decimal = strawberry.field(description="Expected study time: 0.1 to 9999.9 hours.")
    validity_months: int = strawberry.field(
        description="How long a certification from the course stays valid: 1 to 120 months."
    )


@strawberry.input(description="Enrol a person in a course.")
class EnrollInput:
    course_id: strawberry.ID = strawberry.field(description="The course.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Whom to enrol; defaults to you. Partner admins may name their people; "
        "required for API keys and vendor staff.",
    )


@strawberry.input(description="Record how far a person is through a course.")
class RecordProgressInput:
    enrollment_id: strawberry.ID = strawberry.field(description="The enrolment.")
    progress_pct: int = strawberry.field(
        description="Progress, 0 to 100; never below what was recorded before."
    )


@strawberry.input(description="Mark a course as finished.")
class CompleteEnrollmentInput:
    enrollment_id: strawberry.ID = strawberry.field(description="The enrolment.")


@strawberry.type
class TrainingMutations:
    @strawberry.mutation(description="Add a course to the catalogue (vendor staff).")
    async def create_course(
        self,
        info: strawberry.Info[Context, None],
        input: CreateCourseInput,  # noqa: A002
    ) -> CoursePayload:
        course = training_rules.NewCourse(
            code=input.code,
            title=input.title,
            level=input.level.value,
            hours=input.hours,
            validity_months=input.validity_months,
        )
        return CoursePayload.of(await training_mutations.create_course(info.context, course))

    @strawberry.mutation(
        description="Enrol yourself (or, as a partner admin, one of your people) in a course; "
        "enrolling again renews a certification once it has expired."
    )
    async def enroll(
        self,
        info: strawberry.Info[Context, None],
        input: EnrollInput,  # noqa: A002
    ) -> EnrollmentPayload:
        return EnrollmentPayload.of(
            await training_mutations.enroll(info.context, input.course_id, input.user_id)
        )

    @strawberry.mutation(description="Record progress through a course (status IN_PROGRESS).")
    async def record_progress(
        self,
        info: strawberry.Info[Context, None],
        input: RecordProgressInput,  # noqa: A002
    ) -> EnrollmentPayload:
        return EnrollmentPayload.of(
            await training_mutations.record_progress(
                info.context, input.enrollment_id, input.progress_pct
            )
        )

    @strawberry.mutation(
        description="Finish a course: the enrolment is COMPLETED and a certification is issued, "
        "valid for the course's `validityMonths` from now."
    )
    async def complete_enrollment(
        self,
        info: strawberry.Info[Context, None],
        input: CompleteEnrollmentInput,  # noqa: A002
    ) -> EnrollmentPayload:
        return EnrollmentPayload.of(
            await training_mutations.complete_enrollment(info.context, input.enrollment_id)
        )
