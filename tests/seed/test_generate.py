"""Pure tests of the demo-data generator: determinism, plan counts and the schema's invariants."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.seed import Dataset, SeedPlan, generate_dataset
from gateway.seed.clock import add_months
from gateway.seed.rows import PartnerUser
from gateway.seed.vocabulary import COUNTRIES, PRODUCTS

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PLAN = SeedPlan(partners=6, deals_per_partner=40, leads_per_partner=30, seed=7)

REGIONS = {"NA", "EMEA", "APAC", "LATAM"}
DEAL_STAGES = {
    "PENDING": {"PROSPECTING", "QUALIFICATION"},
    "REJECTED": {"PROSPECTING", "QUALIFICATION"},
    "APPROVED": {"QUALIFICATION", "PROPOSAL", "NEGOTIATION"},
    "EXPIRED": {"QUALIFICATION", "PROPOSAL", "NEGOTIATION"},
    "WON": {"CLOSED_WON"},
    "LOST": {"CLOSED_LOST"},
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CRM_ID = re.compile(r"^(001|00Q|006)[A-Za-z0-9]{15}$")
EMAIL = re.compile(r"^[a-z0-9._]+@[a-z0-9.-]+\.example$")


@pytest.fixture(scope="module")
def data() -> Dataset:
    return generate_dataset(PLAN, NOW)


def users_by_id(data: Dataset) -> dict[int, PartnerUser]:
    return {user.id: user for user in data.partner_users}


def user_by_email(data: Dataset, email: str) -> PartnerUser:
    return next(user for user in data.partner_users if user.email == email)


def is_money(value: Decimal) -> bool:
    return value.as_tuple().exponent == -2


# Invariant checks, shared by the fixed-plan tests and the property test over random plans.


def check_counts(data: Dataset, plan: SeedPlan) -> None:
    assert len(data.vendor_users) == 4
    assert len(data.partners) == plan.partners
    assert len(data.deals) == plan.total_deals
    assert len(data.leads) == plan.total_leads
    assert len(data.courses) == 12
    per_partner = Counter(deal.partner_id for deal in data.deals)
    assert all(per_partner[p.id] == plan.deals_per_partner for p in data.partners)
    team_sizes = Counter(user.partner_id for user in data.partner_users)
    assert all(4 <= team_sizes[p.id] <= 10 for p in data.partners)


def check_ids(data: Dataset) -> None:
    for name, rows in data.tables().items():
        if name != "lead_declines":
            assert [row[0] for row in rows] == list(range(1, len(rows) + 1)), name


def check_partners(data: Dataset, now: datetime) -> None:
    acme, globex = data.partners[0], data.partners[1]
    assert (acme.slug, acme.name, acme.region, acme.country) == (
        "acme",
        "Acme Corporation",
        "NA",
        "US",
    )
    assert (acme.status, acme.tier, acme.domain) == ("ACTIVE", "GOLD", "acme.example")
    assert (globex.slug, globex.name, globex.region, globex.country) == (
        "globex",
        "Globex Systems",
        "EMEA",
        "DE",
    )
    assert (globex.status, globex.tier, globex.domain) == ("ACTIVE", "SILVER", "globex.example")
    managers = {user.email: user.id for user in data.vendor_users}
    assert acme.channel_manager_id == managers["cm@vendor.example"]
    assert globex.channel_manager_id == managers["cm2@vendor.example"]
    managed = Counter(p.channel_manager_id for p in data.partners)
    assert set(managed) == {managers["cm@vendor.example"], managers["cm2@vendor.example"]}
    assert (
        abs(managed[managers["cm@vendor.example"]] - managed[managers["cm2@vendor.example"]]) <= 1
    )

    assert len({p.slug for p in data.partners}) == len(data.partners)
    assert len({p.name for p in data.partners}) == len(data.partners)
    assert len({p.crm_account_id for p in data.partners}) == len(data.partners)
    for p in data.partners:
        assert SLUG.match(p.slug)
        assert p.domain == f"{p.slug}.example" and p.website == f"https://www.{p.domain}"
        assert p.country in {c.code for c in COUNTRIES[p.region]}
        assert p.status in {"PROSPECT", "ONBOARDING", "ACTIVE", "SUSPENDED"}
        assert p.tier in {"REGISTERED", "SILVER", "GOLD", "PLATINUM"}
        assert p.internal_rating is None or 1 <= p.internal_rating <= 5
        assert p.contract_value is None or (p.contract_value >= 0 and is_money(p.contract_value))
        assert p.crm_account_id is not None and p.crm_account_id.startswith("001")
        assert CRM_ID.match(p.crm_account_id)
        assert now - timedelta(days=730) <= p.created_at <= p.updated_at <= now
        assert p.joined_at == p.created_at.date()


def check_people(data: Dataset, now: datetime) -> None:
    assert [(u.email, u.name, u.role) for u in data.vendor_users] == [
        ("admin@vendor.example", "Avery Admin", "vendor_admin"),
        ("cm@vendor.example", "Casey Manager", "channel_manager"),
        ("cm2@vendor.example", "Morgan Manager", "channel_manager"),
        ("analyst@vendor.example", "Alex Analyst", "analyst"),
    ]
    emails = [user.email for user in data.partner_users]
    assert len(set(emails)) == len(emails)
    partners = {p.id: p for p in data.partners}
    for user in data.partner_users:
        partner = partners[user.partner_id]
        assert user.email == user.email.lower() and EMAIL.match(user.email)
        local, domain = user.email.split("@")
        assert domain == partner.domain
        assert user.role in {"partner_admin", "partner_rep"}
        if local == "admin":
            assert user.role == "partner_admin" and user.active
        elif local == "rep":
            assert user.role == "partner_rep" and user.active
        else:
            assert re.match(r"^[a-z]+\.[a-z]+$", local)
        assert user.title
        assert partner.created_at <= user.created_at <= user.updated_at <= now
    for partner in data.partners:
        assert f"admin@{partner.domain}" in emails and f"rep@{partner.domain}" in emails


def check_deals(data: Dataset, now: datetime) -> None:
    users = users_by_id(data)
    crm_ids = [d.crm_lead_id for d in data.deals if d.crm_lead_id] + [
        d.crm_opportunity_id for d in data.deals if d.crm_opportunity_id
    ]
    assert len(set(crm_ids)) == len(crm_ids)
    assert all(CRM_ID.match(crm_id) for crm_id in crm_ids)
    created = [d.created_at for d in data.deals]
    assert created == sorted(created)  # ids follow registration time
    for d in data.deals:
        owner = users[d.owner_id]
        assert owner.partner_id == d.partner_id  # the composite foreign key
        assert d.stage in DEAL_STAGES[d.status]
        assert (d.rejection_reason is not None) == (d.status == "REJECTED")
        assert (d.decided_at is not None) == (d.status != "PENDING")
        assert (d.closed_at is not None) == (d.status in {"WON", "LOST"})
        has_protection = d.status in {"APPROVED", "EXPIRED", "WON", "LOST"}
        assert (d.protection_expires_at is not None) == has_protection
        assert (d.crm_opportunity_id is not None) == has_protection
        if d.status == "APPROVED":
            assert d.protection_expires_at is not None and d.protection_expires_at > now
        if d.status == "EXPIRED":
            assert d.protection_expires_at is not None and d.protection_expires_at <= now
        assert d.region in REGIONS
        assert 1 <= len(d.products) <= 3 and len(set(d.products)) == len(d.products)
        assert set(d.products) <= set(PRODUCTS)
        assert is_money(d.amount) and Decimal(5000) <= d.amount <= Decimal(2_000_000)
        assert len(d.currency) == 3
        assert d.discount_pct is None or (0 <= d.discount_pct <= 100 and is_money(d.discount_pct))
        assert 1 <= len(d.customer_name) <= 200
        assert d.customer_domain == d.customer_domain.lower()
        assert d.customer_domain.endswith(".example")
        assert owner.created_at <= d.registered_at == d.created_at <= d.updated_at <= now
        assert now - timedelta(days=730) <= d.registered_at
        for event in (d.decided_at, d.closed_at):
            if event is not None:
                assert d.registered_at <= event <= d.updated_at
        if d.decided_at is not None and d.closed_at is not None:
            assert d.decided_at <= d.closed_at
            assert d.protection_expires_at is not None
            assert d.closed_at <= d.protection_expires_at


def check_leads(data: Dataset, now: datetime) -> None:
    users = users_by_id(data)
    deals = {d.id: d for d in data.deals}
    converted = [lead.converted_deal_id for lead in data.leads if lead.converted_deal_id]
    assert len(set(converted)) == len(converted)
    for lead in data.leads:
        if lead.status == "NEW":
            assert lead.assigned_partner_id is None and lead.assigned_user_id is None
            assert lead.assigned_at is None and lead.sla_deadline is None
        else:
            assert lead.assigned_partner_id is not None and lead.assigned_at is not None
            assert lead.sla_deadline == lead.assigned_at + timedelta(hours=48)
            assert lead.created_at <= lead.assigned_at <= now
            assert lead.assigned_at <= lead.updated_at
        if lead.assigned_user_id is not None:
            assigned = users[lead.assigned_user_id]
            assert assigned.partner_id == lead.assigned_partner_id  # the composite foreign key
        if lead.status == "CONVERTED":
            assert lead.converted_deal_id is not None
            deal = deals[lead.converted_deal_id]
            assert deal.partner_id == lead.assigned_partner_id
            assert deal.status in {"APPROVED", "EXPIRED", "WON", "LOST"}
            assert lead.assigned_at is not None and lead.assigned_at <= deal.registered_at
        else:
            assert lead.converted_deal_id is None
        assert lead.region in REGIONS
        assert lead.source in {"WEB", "EVENT", "WEBINAR", "REFERRAL", "CAMPAIGN", "PARTNER"}
        assert 0 <= lead.score <= 100
        assert lead.domain == lead.domain.lower() and lead.email.endswith("@" + lead.domain)
        assert EMAIL.match(lead.email)
        assert lead.crm_lead_id is None or CRM_ID.match(lead.crm_lead_id)
        assert now - timedelta(days=730) <= lead.created_at <= lead.updated_at <= now

    leads = {lead.id: lead for lead in data.leads}
    keys = [(d.lead_id, d.partner_id, d.declined_at) for d in data.lead_declines]
    assert len(set(keys)) == len(keys)  # the primary key
    declined_by: defaultdict[int, set[tuple[int | None, str]]] = defaultdict(set)
    for decline in data.lead_declines:
        lead = leads[decline.lead_id]
        assert decline.reason in {"REJECTED", "SLA_EXPIRED"}
        assert lead.status != "NEW"
        assert lead.created_at <= decline.declined_at <= now
        declined_by[decline.lead_id].add((decline.partner_id, decline.reason))
        if decline.partner_id != lead.assigned_partner_id:
            # An earlier partner let it go before it was offered to the current one.
            assert lead.assigned_at is not None and decline.declined_at <= lead.assigned_at
    for lead in data.leads:
        if lead.status == "REJECTED":
            assert (lead.assigned_partner_id, "REJECTED") in declined_by[lead.id]
        if lead.status == "RECALLED":
            assert (lead.assigned_partner_id, "SLA_EXPIRED") in declined_by[lead.id]


def check_training(data: Dataset, now: datetime) -> None:
    codes = [course.code for course in data.courses]
    assert len(set(codes)) == len(codes)
    courses = {course.id: course for course in data.courses}
    for course in data.courses:
        assert re.match(r"^[A-Z]{3}-\d{3}$", course.code)
        assert course.level in {"FOUNDATION", "PROFESSIONAL", "EXPERT"}
        assert course.hours > 0 and course.validity_months in {12, 24, 36}

    users = users_by_id(data)
    pairs = [(e.user_id, e.course_id) for e in data.enrollments]
    assert len(set(pairs)) == len(pairs)
    enrollments = {e.id: e for e in data.enrollments}
    for e in data.enrollments:
        assert users[e.user_id].partner_id == e.partner_id  # the composite foreign key
        assert (e.status == "COMPLETED") == (e.completed_at is not None)
        assert (e.status == "COMPLETED") == (e.progress_pct == 100)
        if e.status == "ENROLLED":
            assert e.progress_pct == 0
        assert users[e.user_id].created_at <= e.enrolled_at <= e.updated_at <= now
        if e.completed_at is not None:
            assert e.enrolled_at <= e.completed_at <= now

    for cert in data.certifications:
        assert cert.enrollment_id is not None
        source = enrollments[cert.enrollment_id]
        assert source.completed_at is not None
        assert (cert.user_id, cert.partner_id, cert.course_id) == (
            source.user_id,
            source.partner_id,
            source.course_id,
        )
        assert cert.issued_at == source.completed_at
        assert cert.expires_at == add_months(
            cert.issued_at, courses[cert.course_id].validity_months
        )
        assert cert.expires_at > cert.issued_at


def check_timestamps_are_utc(data: Dataset) -> None:
    for rows in data.tables().values():
        for row in rows:
            for value in row:
                if isinstance(value, datetime):
                    assert value.utcoffset() == timedelta(0)


ALL_CHECKS = (check_partners, check_people, check_deals, check_leads, check_training)


# Determinism


def test_same_seed_and_now_give_identical_rows(data: Dataset) -> None:
    assert generate_dataset(PLAN, NOW) == data


def test_different_seed_gives_different_rows(data: Dataset) -> None:
    other = generate_dataset(SeedPlan(6, 40, 30, seed=8), NOW)
    assert other.deals != data.deals
    assert other.partners[2:] != data.partners[2:]
    # The personas do not depend on the seed.
    assert [p.slug for p in other.partners[:2]] == ["acme", "globex"]
    assert other.vendor_users == data.vendor_users


def test_rows_do_not_depend_on_the_hash_seed(data: Dataset) -> None:
    # String hashing is randomised per process; a set iterated anywhere would show up here.
    script = (
        "import hashlib; from datetime import datetime, UTC; "
        "from gateway.seed import SeedPlan, generate_dataset; "
        f"d = generate_dataset({PLAN!r}, datetime(2025, 6, 1, 12, 0, tzinfo=UTC)); "
        "print(hashlib.sha256(repr(d).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == hashlib.sha256(repr(data).encode()).hexdigest()


def test_more_deals_do_not_reshuffle_partners_or_people(data: Dataset) -> None:
    bigger = generate_dataset(SeedPlan(6, 55, 30, seed=7), NOW)
    assert bigger.partners == data.partners
    assert bigger.partner_users == data.partner_users


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        generate_dataset(PLAN, datetime(2025, 6, 1))


def test_plan_needs_room_for_the_fixed_partners() -> None:
    with pytest.raises(ValueError):
        SeedPlan(partners=1)
    with pytest.raises(ValueError):
        SeedPlan(deals_per_partner=-1)


# Invariants on the fixed plan


def test_counts_match_the_plan(data: Dataset) -> None:
    check_counts(data, PLAN)


def test_ids_are_consecutive(data: Dataset) -> None:
    check_ids(data)


def test_partners(data: Dataset) -> None:
    check_partners(data, NOW)


def test_people(data: Dataset) -> None:
    check_people(data, NOW)


def test_deals(data: Dataset) -> None:
    check_deals(data, NOW)


def test_leads(data: Dataset) -> None:
    check_leads(data, NOW)


def test_training(data: Dataset) -> None:
    check_training(data, NOW)


def test_timestamps_are_utc(data: Dataset) -> None:
    check_timestamps_are_utc(data)


# The data the demos and the access-control tests rely on


@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_persona_reps_own_a_good_share_of_their_deals(data: Dataset, slug: str) -> None:
    rep = user_by_email(data, f"rep@{slug}.example")
    owned = [d.owner_id == rep.id for d in data.deals if d.partner_id == rep.partner_id]
    assert 0.15 <= sum(owned) / len(owned) <= 0.5


@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_persona_reps_have_leads_waiting(data: Dataset, slug: str) -> None:
    rep = user_by_email(data, f"rep@{slug}.example")
    waiting = [
        lead
        for lead in data.leads
        if lead.assigned_user_id == rep.id
        and lead.status == "ASSIGNED"
        and lead.sla_deadline is not None
        and lead.sla_deadline > NOW
    ]
    assert len(waiting) >= 3


@pytest.mark.parametrize("email", ["admin@acme.example", "rep@acme.example"])
def test_acme_personas_hold_a_current_certification(data: Dataset, email: str) -> None:
    user = user_by_email(data, email)
    assert any(c.user_id == user.id and c.expires_at > NOW for c in data.certifications)


def test_certifications_include_expired_and_soon_expiring(data: Dataset) -> None:
    soon = NOW + timedelta(days=90)
    assert any(c.expires_at <= NOW for c in data.certifications)
    assert any(NOW < c.expires_at <= soon for c in data.certifications)


def test_customers_are_shared_so_channel_conflicts_exist(data: Dataset) -> None:
    partners_per_customer: dict[str, set[int]] = defaultdict(set)
    for deal in data.deals:
        base = ".".join(deal.customer_domain.split(".")[-2:])
        partners_per_customer[base].add(deal.partner_id)
    assert any(len(partners) > 1 for partners in partners_per_customer.values())
    assert any(deal.customer_domain.count(".") > 1 for deal in data.deals)  # subdomains


def test_lead_statuses_are_mixed(data: Dataset) -> None:
    statuses = Counter(lead.status for lead in data.leads)
    assert set(statuses) == {"NEW", "ASSIGNED", "ACCEPTED", "REJECTED", "RECALLED", "CONVERTED"}
    assert 0.08 <= statuses["NEW"] / len(data.leads) <= 0.25
    assert data.lead_declines


def test_deal_statuses_are_mixed(data: Dataset) -> None:
    assert {d.status for d in data.deals} == set(DEAL_STAGES)
    assert any(d.internal_notes for d in data.deals)
    assert any(d.discount_pct is not None for d in data.deals)
    assert Counter(d.currency for d in data.deals).most_common(1)[0][0] == "USD"


# Any plan, including degenerate ones


@settings(max_examples=25, deadline=None, database=None)
@given(
    partners=st.integers(min_value=2, max_value=5),
    deals=st.integers(min_value=0, max_value=12),
    leads=st.integers(min_value=0, max_value=12),
    seed=st.integers(min_value=0, max_value=2**32),
    days_back=st.integers(min_value=0, max_value=3650),
)
def test_invariants_hold_for_any_small_plan(
    partners: int, deals: int, leads: int, seed: int, days_back: int
) -> None:
    plan = SeedPlan(partners, deals, leads, seed)
    now = NOW - timedelta(days=days_back, seconds=seed % 86_400)
    generated = generate_dataset(plan, now)
    check_counts(generated, plan)
    check_ids(generated)
    for check in ALL_CHECKS:
        check(generated, now)
