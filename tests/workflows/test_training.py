"""Training and tiers end to end: courses, enrolment, progress, certification, tier progress."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import asyncpg

from gateway.schema.node import from_global_id, to_global_id
from gateway.seed.clock import add_months
from gateway.workflows.tiers import recompute_tiers
from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count

ActAs = Callable[[str], GraphQLClient]

ERRORS = "userErrors { field code message }"
CREATE_COURSE = f"""
mutation($input: CreateCourseInput!) {{
  createCourse(input: $input) {{ course {{ id code title level hours validityMonths }} {ERRORS} }}
}}"""
ENROLLMENT = "enrollment { id status progressPct completedAt user { email } course { code } }"
CERTIFICATION = "certification { id issuedAt expiresAt isCurrent user { email } course { code } }"
ENROLL = f"""
mutation($input: EnrollInput!) {{ enroll(input: $input) {{ {ENROLLMENT} {ERRORS} }} }}"""
PROGRESS = f"""
mutation($id: ID!, $pct: Int!) {{
  recordProgress(input: {{enrollmentId: $id, progressPct: $pct}}) {{ {ENROLLMENT} {ERRORS} }}
}}"""
COMPLETE = f"""
mutation($id: ID!) {{
  completeEnrollment(input: {{enrollmentId: $id}}) {{ {ENROLLMENT} {CERTIFICATION} {ERRORS} }}
}}"""
TIER_PROGRESS = """
query($slug: String!) { partner(slug: $slug) { tier tierProgress {
  currentTier { level } nextTier { level minCertifiedUsers minWonRevenue }
  certifiedUsers requiredCertifiedUsers wonRevenueLast12Months requiredWonRevenue percent
} } }"""


def course(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "title": "Zero Trust Networking",
        "level": "PROFESSIONAL",
        "hours": "12.5",
        "validityMonths": 24,
        **extra,
    }


async def create_course(code: str, act_as: ActAs, **extra: Any) -> str:
    created = await act_as("cm@vendor.example").data(
        CREATE_COURSE, {"input": course(code, **extra)}
    )
    assert created["createCourse"]["userErrors"] == []
    course_id: str = created["createCourse"]["course"]["id"]
    return course_id


async def user_id(db: asyncpg.Pool, email: str) -> int:
    found: int = await db.fetchval("SELECT id FROM partner_users WHERE email = $1", email)
    return found


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def audit_rows(db: asyncpg.Pool, operation: str, expected: int) -> list[asyncpg.Record]:
    """Allowed events commit with the change; failures and denials follow within a second."""
    rows: list[asyncpg.Record] = []
    for _ in range(50):
        rows = await db.fetch(
            "SELECT outcome, subject, object_id, detail::text AS detail FROM audit_events "
            "WHERE operation = $1 ORDER BY id",
            operation,
        )
        if len(rows) >= expected:
            break
        await asyncio.sleep(0.1)
    return rows


async def test_vendor_staff_create_courses(act_as: ActAs, db: asyncpg.Pool) -> None:
    cm = act_as("cm@vendor.example")
    created = (await cm.data(CREATE_COURSE, {"input": course(" zt-301 ")}))["createCourse"]
    assert created["userErrors"] == []
    assert created["course"] == {
        "id": created["course"]["id"],
        "code": "ZT-301",
        "title": "Zero Trust Networking",
        "level": "PROFESSIONAL",
        "hours": "12.5",
        "validityMonths": 24,
    }
    again = (await cm.data(CREATE_COURSE, {"input": course("ZT-301")}))["createCourse"]
    assert again["course"] is None and codes(again) == [("ALREADY_EXISTS", "code")]
    rows = await audit_rows(db, "createCourse", 2)
    assert [(r["outcome"], r["subject"]) for r in rows] == [
        ("ALLOWED", "cm@vendor.example"),
        ("FAILED", "cm@vendor.example"),
    ]
    assert rows[0]["object_id"] == from_global_id(created["course"]["id"])[1]


async def test_bad_courses_are_user_errors_and_write_nothing(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    admin = act_as("admin@vendor.example")
    before = await db.fetchval("SELECT count(*) FROM courses")
    cases = [
        (course("not a code"), "code"),
        (course("ZT-302", title="  "), "title"),
        (course("ZT-302", hours="0"), "hours"),
        (course("ZT-302", hours="1.25"), "hours"),
        (course("ZT-302", validityMonths=0), "validityMonths"),
        (course("ZT-302", validityMonths=121), "validityMonths"),
    ]
    for given, field in cases:
        payload = (await admin.data(CREATE_COURSE, {"input": given}))["createCourse"]
        assert payload["course"] is None
        assert codes(payload) == [("INVALID_INPUT", field)], given
    assert await db.fetchval("SELECT count(*) FROM courses") == before


async def test_partners_may_not_create_courses(act_as: ActAs, db: asyncpg.Pool) -> None:
    for email in ("admin@acme.example", "rep@acme.example", "analyst@vendor.example"):
        body = await act_as(email).execute(CREATE_COURSE, {"input": course("ZT-303")})
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await db.fetchval("SELECT count(*) FROM courses WHERE code = 'ZT-303'") == 0
    denied = await audit_rows(db, "createCourse", 3)
    assert {r["subject"] for r in denied if r["outcome"] == "DENIED"} >= {
        "admin@acme.example",
        "rep@acme.example",
        "analyst@vendor.example",
    }


async def test_enrol_progress_complete_certify(act_as: ActAs, db: asyncpg.Pool) -> None:
    course_id = await create_course("ZT-310", act_as, validityMonths=18)
    rep = act_as("rep@acme.example")
    enrolled = (await rep.data(ENROLL, {"input": {"courseId": course_id}}))["enroll"]
    assert enrolled["userErrors"] == []
    enrollment = enrolled["enrollment"]
    assert enrollment["status"] == "ENROLLED" and enrollment["progressPct"] == 0
    assert enrollment["user"]["email"] == "rep@acme.example"
    assert enrollment["course"]["code"] == "ZT-310"

    moved = (await rep.data(PROGRESS, {"id": enrollment["id"], "pct": 40}))["recordProgress"]
    assert moved["enrollment"]["status"] == "IN_PROGRESS"
    assert moved["enrollment"]["progressPct"] == 40
    same = (await rep.data(PROGRESS, {"id": enrollment["id"], "pct": 40}))["recordProgress"]
    assert same["userErrors"] == []  # recording the same progress again is harmless

    done = (await rep.data(COMPLETE, {"id": enrollment["id"]}))["completeEnrollment"]
    assert done["userErrors"] == []
    assert done["enrollment"]["status"] == "COMPLETED"
    assert done["enrollment"]["progressPct"] == 100
    certification = done["certification"]
    assert certification["isCurrent"] is True
    assert certification["user"]["email"] == "rep@acme.example"
    assert certification["course"]["code"] == "ZT-310"
    issued = datetime.fromisoformat(certification["issuedAt"]).astimezone(UTC)
    assert datetime.fromisoformat(certification["expiresAt"]) == add_months(issued, 18)
    assert certification["issuedAt"] == done["enrollment"]["completedAt"]

    visible = await rep.data(
        "query($id: ID!) { node(id: $id) { ... on PartnerUser { "
        "certifications { id isCurrent } } } }",
        {"id": to_global_id("PartnerUser", await user_id(db, "rep@acme.example"))},
    )
    assert {"id": certification["id"], "isCurrent": True} in visible["node"]["certifications"]


async def test_wrong_transitions_and_backwards_progress(act_as: ActAs, db: asyncpg.Pool) -> None:
    course_id = await create_course("ZT-311", act_as)
    admin = act_as("admin@acme.example")
    enrolled = (await admin.data(ENROLL, {"input": {"courseId": course_id}}))["enroll"]
    enrollment_id = enrolled["enrollment"]["id"]
    await admin.data(PROGRESS, {"id": enrollment_id, "pct": 60})
    cases = [
        (PROGRESS, {"id": enrollment_id, "pct": 59}, "recordProgress", "PROGRESS_BACKWARDS"),
        (PROGRESS, {"id": enrollment_id, "pct": 101}, "recordProgress", "INVALID_INPUT"),
        (PROGRESS, {"id": enrollment_id, "pct": -1}, "recordProgress", "INVALID_INPUT"),
    ]
    for query, variables, name, code in cases:
        payload = (await admin.data(query, variables))[name]
        assert payload["enrollment"] is None and codes(payload) == [(code, "progressPct")]
    await admin.data(COMPLETE, {"id": enrollment_id})
    for query, variables, name in (
        (COMPLETE, {"id": enrollment_id}, "completeEnrollment"),
        (PROGRESS, {"id": enrollment_id, "pct": 100}, "recordProgress"),
    ):
        payload = (await admin.data(query, variables))[name]
        assert codes(payload) == [("INVALID_TRANSITION", "enrollmentId")]
    certifications = await db.fetchval(
        "SELECT count(*) FROM certifications WHERE enrollment_id = $1",
        from_global_id(enrollment_id)[1],
    )
    assert certifications == 1  # a second completion issued nothing


async def test_who_may_enrol_whom(act_as: ActAs, db: asyncpg.Pool) -> None:
    course_id = await create_course("ZT-312", act_as)
    acme_rep = to_global_id("PartnerUser", await user_id(db, "rep@acme.example"))
    acme_admin = to_global_id("PartnerUser", await user_id(db, "admin@acme.example"))
    globex_rep = to_global_id("PartnerUser", await user_id(db, "rep@globex.example"))
    before = await db.fetchval("SELECT count(*) FROM enrollments")

    # A partner admin enrols their own people; anyone else's do not exist for them.
    by_admin = await act_as("admin@acme.example").data(
        ENROLL, {"input": {"courseId": course_id, "userId": acme_rep}}
    )
    assert by_admin["enroll"]["enrollment"]["user"]["email"] == "rep@acme.example"
    cases: list[tuple[str, dict[str, Any], tuple[str, str]]] = [
        ("admin@acme.example", {"userId": globex_rep}, ("NOT_FOUND", "userId")),
        ("rep@acme.example", {"userId": acme_admin}, ("NOT_FOUND", "userId")),  # reps: themselves
        ("rep@acme.example", {}, ("ALREADY_ENROLLED", "courseId")),
        ("admin@vendor.example", {}, ("USER_REQUIRED", "userId")),
        ("rep@globex.example", {"userId": "garbage"}, ("NOT_FOUND", "userId")),
    ]
    for email, extra, expected in cases:
        payload = (await act_as(email).data(ENROLL, {"input": {"courseId": course_id, **extra}}))[
            "enroll"
        ]
        assert payload["enrollment"] is None
        assert codes(payload) == [expected], (email, extra)
    unknown = (
        await act_as("rep@acme.example").data(
            ENROLL, {"input": {"courseId": to_global_id("Course", 10**9)}}
        )
    )["enroll"]
    assert codes(unknown) == [("NOT_FOUND", "courseId")]
    by_vendor = await act_as("admin@vendor.example").data(
        ENROLL, {"input": {"courseId": course_id, "userId": globex_rep}}
    )
    assert by_vendor["enroll"]["enrollment"]["user"]["email"] == "rep@globex.example"
    assert await db.fetchval("SELECT count(*) FROM enrollments") == before + 2

    # Roles without the action: FORBIDDEN, nothing written.
    for email in ("cm@vendor.example", "analyst@vendor.example"):
        body = await act_as(email).execute(
            ENROLL, {"input": {"courseId": course_id, "userId": acme_rep}}
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await db.fetchval("SELECT count(*) FROM enrollments") == before + 2


async def test_other_partners_enrolments_do_not_exist(act_as: ActAs, db: asyncpg.Pool) -> None:
    course_id = await create_course("ZT-313", act_as)
    enrolled = await act_as("rep@acme.example").data(ENROLL, {"input": {"courseId": course_id}})
    enrollment_id = enrolled["enroll"]["enrollment"]["id"]
    for email in ("rep@globex.example", "admin@globex.example"):
        payload = await act_as(email).data(PROGRESS, {"id": enrollment_id, "pct": 50})
        assert codes(payload["recordProgress"]) == [("NOT_FOUND", "enrollmentId")]
        payload = await act_as(email).data(COMPLETE, {"id": enrollment_id})
        assert codes(payload["completeEnrollment"]) == [("NOT_FOUND", "enrollmentId")]
    body = await act_as("cm@vendor.example").execute(COMPLETE, {"id": enrollment_id})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    status = await db.fetchval(
        "SELECT status FROM enrollments WHERE id = $1", from_global_id(enrollment_id)[1]
    )
    assert status == "ENROLLED"


async def test_an_expired_certification_can_be_renewed(act_as: ActAs, db: asyncpg.Pool) -> None:
    course_id = await create_course("ZT-314", act_as, validityMonths=6)
    rep = act_as("rep@globex.example")
    first = (await rep.data(ENROLL, {"input": {"courseId": course_id}}))["enroll"]["enrollment"]
    done = await rep.data(COMPLETE, {"id": first["id"]})
    certification_id = from_global_id(done["completeEnrollment"]["certification"]["id"])[1]
    while_current = (await rep.data(ENROLL, {"input": {"courseId": course_id}}))["enroll"]
    assert codes(while_current) == [("ALREADY_ENROLLED", "courseId")]

    await db.execute(
        "UPDATE certifications SET issued_at = now() - interval '7 months', "
        "expires_at = now() - interval '1 month' WHERE id = $1",
        certification_id,
    )
    renewed = (await rep.data(ENROLL, {"input": {"courseId": course_id}}))["enroll"]
    assert renewed["userErrors"] == []
    assert renewed["enrollment"]["id"] == first["id"]  # the same enrolment starts over
    assert renewed["enrollment"]["status"] == "ENROLLED"
    assert renewed["enrollment"]["progressPct"] == 0
    assert renewed["enrollment"]["completedAt"] is None


async def _tier_oracle(db: asyncpg.Pool, slug: str) -> dict[str, Any]:
    """The tier rule, computed again independently: counts in SQL, the decision in Python."""
    certified = await db.fetchval(
        "SELECT count(DISTINCT c.user_id) FROM certifications c "
        "JOIN partner_users u ON u.id = c.user_id JOIN partners p ON p.id = u.partner_id "
        "WHERE p.slug = $1 AND u.active AND c.expires_at > now()",
        slug,
    )
    revenue = await db.fetchval(
        "SELECT coalesce(sum(d.amount), 0) FROM deals d JOIN partners p ON p.id = d.partner_id "
        "WHERE p.slug = $1 AND d.status = 'WON' AND d.closed_at > now() - interval '365 days'",
        slug,
    )
    tiers = await db.fetch("SELECT * FROM tiers ORDER BY rank")
    met = [
        t
        for t in tiers
        if certified >= t["min_certified_users"] and revenue >= t["min_won_revenue"]
    ]
    current = met[-1] if met else tiers[0]
    above = [t for t in tiers if t["rank"] > current["rank"]]
    nxt = above[0] if above else None
    percent = 100
    if nxt is not None:
        parts = [
            Decimal(1) if need == 0 else min(Decimal(1), Decimal(have) / need)
            for have, need in (
                (certified, nxt["min_certified_users"]),
                (revenue, nxt["min_won_revenue"]),
            )
        ]
        percent = int(min(parts) * 100)
    return {
        "currentTier": {"level": current["level"]},
        "nextTier": None
        if nxt is None
        else {
            "level": nxt["level"],
            "minCertifiedUsers": nxt["min_certified_users"],
            "minWonRevenue": str(nxt["min_won_revenue"]),
        },
        "certifiedUsers": certified,
        "requiredCertifiedUsers": None if nxt is None else nxt["min_certified_users"],
        "wonRevenueLast12Months": str(revenue),
        "requiredWonRevenue": None if nxt is None else str(nxt["min_won_revenue"]),
        "percent": percent,
    }


async def test_tier_progress_follows_the_rule(act_as: ActAs, db: asyncpg.Pool) -> None:
    admin = act_as("admin@vendor.example")
    for slug in await db.fetch("SELECT slug FROM partners ORDER BY id"):
        found = await admin.data(TIER_PROGRESS, {"slug": slug["slug"]})
        assert found["partner"]["tierProgress"] == await _tier_oracle(db, slug["slug"]), slug


async def test_the_tiers_table_is_the_configuration(act_as: ActAs, db: asyncpg.Pool) -> None:
    """Thresholds change in the table, and tier progress follows without a code change."""
    rep = act_as("rep@acme.example")
    before = (await rep.data(TIER_PROGRESS, {"slug": "acme"}))["partner"]["tierProgress"]
    saved = await db.fetch("SELECT level, min_certified_users, min_won_revenue FROM tiers")
    try:
        # Gold needs exactly what acme has now; Platinum twice that.
        certified = before["certifiedUsers"]
        revenue = Decimal(before["wonRevenueLast12Months"])
        assert certified > 0 and revenue > 0
        await db.execute(
            "UPDATE tiers SET min_certified_users = CASE level WHEN 'REGISTERED' THEN 0 "
            "WHEN 'SILVER' THEN 0 WHEN 'GOLD' THEN $1::int ELSE $1::int * 2 END, "
            "min_won_revenue = CASE level WHEN 'REGISTERED' THEN 0 WHEN 'SILVER' THEN 0 "
            "WHEN 'GOLD' THEN $2::numeric ELSE $2::numeric * 2 END",
            certified,
            revenue,
        )
        after = (await rep.data(TIER_PROGRESS, {"slug": "acme"}))["partner"]["tierProgress"]
        assert after["currentTier"] == {"level": "GOLD"}
        assert after["nextTier"]["level"] == "PLATINUM"
        assert after["percent"] == 50
        assert after == await _tier_oracle(db, "acme")
    finally:
        await db.executemany(
            "UPDATE tiers SET min_certified_users = $2, min_won_revenue = $3 WHERE level = $1",
            [(r["level"], r["min_certified_users"], r["min_won_revenue"]) for r in saved],
        )


async def test_certifications_count_while_current(act_as: ActAs, db: asyncpg.Pool) -> None:
    admin = act_as("admin@vendor.example")
    course_id = await create_course("ZT-320", act_as)
    slug = "globex"
    people = await db.fetch(
        "SELECT u.id, u.email FROM partner_users u JOIN partners p ON p.id = u.partner_id "
        "WHERE p.slug = $1 AND u.active AND NOT EXISTS (SELECT 1 FROM certifications c "
        "WHERE c.user_id = u.id AND c.expires_at > now()) ORDER BY u.id LIMIT 1",
        slug,
    )
    assert people, "the seed leaves some globex people without a current certification"
    person = to_global_id("PartnerUser", people[0]["id"])
    before = (await admin.data(TIER_PROGRESS, {"slug": slug}))["partner"]["tierProgress"]

    enrolled = await admin.data(ENROLL, {"input": {"courseId": course_id, "userId": person}})
    done = await admin.data(COMPLETE, {"id": enrolled["enroll"]["enrollment"]["id"]})
    during = (await admin.data(TIER_PROGRESS, {"slug": slug}))["partner"]["tierProgress"]
    assert during["certifiedUsers"] == before["certifiedUsers"] + 1

    await db.execute(
        "UPDATE certifications SET issued_at = now() - interval '3 years', "
        "expires_at = now() - interval '1 day' WHERE id = $1",
        from_global_id(done["completeEnrollment"]["certification"]["id"])[1],
    )
    after = (await admin.data(TIER_PROGRESS, {"slug": slug}))["partner"]["tierProgress"]
    assert after["certifiedUsers"] == before["certifiedUsers"]


async def test_tier_progress_is_one_statement_for_all_partners(act_as: ActAs) -> None:
    admin = act_as("admin@vendor.example")
    query = (
        "{ partners(first: 6) { nodes { slug tierProgress { percent currentTier { level } } } } }"
    )
    before = await settled_statement_count()
    data = await admin.data(query)
    after = await settled_statement_count()
    assert len(data["partners"]["nodes"]) == 6
    assert all(n["tierProgress"] is not None for n in data["partners"]["nodes"])
    # who is asking, the partners page, every partner's tier progress.
    assert after - before == 3


async def test_recompute_tiers_sets_every_partner_by_the_rule(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    stored = {r["slug"]: r["tier"] for r in await db.fetch("SELECT slug, tier FROM partners")}
    expected = {slug: (await _tier_oracle(db, slug))["currentTier"]["level"] for slug in stored}
    async with db.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        changed = await recompute_tiers(conn)
        again = await recompute_tiers(conn)
    assert changed == sum(stored[slug] != expected[slug] for slug in stored)
    assert again == 0  # nothing left to change: safe to run as often as scheduled
    now = {r["slug"]: r["tier"] for r in await db.fetch("SELECT slug, tier FROM partners")}
    assert now == expected
    shown = await act_as("admin@vendor.example").data(TIER_PROGRESS, {"slug": "acme"})
    assert shown["partner"]["tier"] == shown["partner"]["tierProgress"]["currentTier"]["level"]
