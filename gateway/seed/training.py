"""Training: the course catalogue, users' enrolments and the certifications completions earn."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

from gateway.seed.clock import DAY, HOUR, Timeline, add_months, instant_between
from gateway.seed.people import Staff
from gateway.seed.personas import PERSONA_TRAINING, TrainingPersona
from gateway.seed.rows import Certification, Course, Enrollment, PartnerUser
from gateway.seed.vocabulary import COURSES
from gateway.seed.weighted import Weighted

ENROLLED_SHARE = 0.55
MAX_COURSES = 4
STATUS_MIX: Weighted[str] = Weighted(("COMPLETED", "IN_PROGRESS", "ENROLLED"), (55, 25, 20))
MAX_DAYS_TO_COMPLETE = 60
# Not every completion is certified (some courses were taken for practice, before certifying).
CERTIFIED_SHARE = 0.9


def generate_courses(timeline: Timeline) -> list[Course]:
    return [
        Course(
            id=index + 1,
            code=spec.code,
            title=spec.title,
            level=spec.level,
            hours=Decimal(spec.hours),
            validity_months=spec.validity_months,
            created_at=timeline.start,
            updated_at=timeline.start,
        )
        for index, spec in enumerate(COURSES)
    ]


def generate_enrollments(
    rng: random.Random, staff: Sequence[Staff], courses: Sequence[Course], timeline: Timeline
) -> list[Enrollment]:
    """Enrolments for some users (always for the personas), numbered in order of enrolment."""
    by_code = {course.code: course for course in courses}
    drafts: list[Enrollment] = []
    for team in staff:
        for user in team.members:
            local_part = user.email.split("@", 1)[0]
            fixed = [
                p
                for p in PERSONA_TRAINING
                if p.slug == team.partner.slug and p.local_part == local_part
            ]
            drafts.extend(
                _persona_enrollment(user, by_code[p.course_code], p, timeline) for p in fixed
            )
            if not fixed and rng.random() >= ENROLLED_SHARE:
                continue
            taken = {p.course_code for p in fixed}
            remaining = [course for course in courses if course.code not in taken]
            extra = rng.randint(0 if fixed else 1, MAX_COURSES - len(fixed))
            for course in rng.sample(remaining, min(extra, len(remaining))):
                drafts.append(_enrollment(rng, user, course, timeline))
    drafts.sort(key=attrgetter("enrolled_at"))
    return [draft._replace(id=number) for number, draft in enumerate(drafts, start=1)]


def generate_certifications(
    rng: random.Random,
    staff: Sequence[Staff],
    enrollments: Sequence[Enrollment],
    courses: Sequence[Course],
) -> list[Certification]:
    """Certifications for most completions (all the personas'), valid for the course's months."""
    validity = {course.id: course.validity_months for course in courses}
    always = _persona_keys(staff, courses)
    issued: list[Certification] = []
    for enrollment in enrollments:
        if enrollment.completed_at is None:
            continue
        persona = (enrollment.user_id, enrollment.course_id) in always
        if not persona and rng.random() >= CERTIFIED_SHARE:
            continue
        issued.append(
            Certification(
                id=0,  # numbered after sorting
                user_id=enrollment.user_id,
                partner_id=enrollment.partner_id,
                course_id=enrollment.course_id,
                enrollment_id=enrollment.id,
                issued_at=enrollment.completed_at,
                expires_at=add_months(enrollment.completed_at, validity[enrollment.course_id]),
            )
        )
    issued.sort(key=attrgetter("issued_at"))
    return [cert._replace(id=number) for number, cert in enumerate(issued, start=1)]


def _persona_keys(staff: Sequence[Staff], courses: Sequence[Course]) -> set[tuple[int, int]]:
    """(user id, course id) of every persona completion; only used for membership tests."""
    course_ids = {course.code: course.id for course in courses}
    users = {user.email: user.id for team in staff for user in team.members}
    return {
        (users[f"{p.local_part}@{p.slug}.example"], course_ids[p.course_code])
        for p in PERSONA_TRAINING
        if f"{p.local_part}@{p.slug}.example" in users
    }


def _persona_enrollment(
    user: PartnerUser, course: Course, persona: TrainingPersona, timeline: Timeline
) -> Enrollment:
    completed = timeline.now - DAY * persona.days_ago
    return Enrollment(
        id=0,
        user_id=user.id,
        partner_id=user.partner_id,
        course_id=course.id,
        status="COMPLETED",
        progress_pct=100,
        enrolled_at=max(user.created_at, completed - DAY * 10),
        completed_at=completed,
        updated_at=completed,
    )


def _enrollment(
    rng: random.Random, user: PartnerUser, course: Course, timeline: Timeline
) -> Enrollment:
    now = timeline.now
    earliest = max(user.created_at, timeline.start)
    # Drawn below a random cut-off, which skews towards older enrolments: the demo needs a fair
    # number of certifications that have already expired.
    enrolled = instant_between(rng, earliest, instant_between(rng, earliest, now))
    status = STATUS_MIX.pick(rng)
    completed: datetime | None = None
    if status == "COMPLETED" and enrolled + HOUR <= now:
        completed = instant_between(
            rng, enrolled + HOUR, min(now, enrolled + DAY * MAX_DAYS_TO_COMPLETE)
        )
        progress = 100
        updated = completed
    else:
        if status == "COMPLETED":
            status = "IN_PROGRESS"  # enrolled too recently to have finished
        progress = rng.randint(5, 95) if status == "IN_PROGRESS" else 0
        updated = instant_between(rng, enrolled, now) if progress else enrolled
    return Enrollment(
        id=0,
        user_id=user.id,
        partner_id=user.partner_id,
        course_id=course.id,
        status=status,
        progress_pct=progress,
        enrolled_at=enrolled,
        completed_at=completed,
        updated_at=updated,
    )
