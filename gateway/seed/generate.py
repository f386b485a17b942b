"""Pure, deterministic generation of the whole demo data set from a plan, a seed and `now`."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from gateway.seed.clock import Timeline
from gateway.seed.customers import customer_pool
from gateway.seed.deals import generate_deals
from gateway.seed.identifiers import CrmIds
from gateway.seed.leads import generate_leads
from gateway.seed.partners import generate_partners
from gateway.seed.people import generate_partner_users, generate_vendor_users
from gateway.seed.personas import FIXED_PARTNERS
from gateway.seed.plan import SeedPlan
from gateway.seed.rows import Dataset
from gateway.seed.training import generate_certifications, generate_courses, generate_enrollments


def generate_dataset(plan: SeedPlan, now: datetime | None = None) -> Dataset:
    """Every row to seed; the same plan and `now` always give exactly the same rows."""
    timeline = Timeline.ending_at(now if now is not None else datetime.now(UTC))
    crm_ids = CrmIds(_stream(plan.seed, "crm-ids"))

    vendor_users = generate_vendor_users(timeline)
    vendor_ids = {user.email: user.id for user in vendor_users}
    partners = generate_partners(
        _stream(plan.seed, "partners"), plan.partners, timeline, vendor_ids, crm_ids
    )
    staff = generate_partner_users(_stream(plan.seed, "partner-users"), partners, timeline)
    customers = customer_pool(_stream(plan.seed, "customers"), plan.total_deals)
    deals = generate_deals(
        _stream(plan.seed, "deals"), staff, customers, plan.deals_per_partner, timeline, crm_ids
    )
    leads, declines = generate_leads(
        _stream(plan.seed, "leads"),
        staff,
        deals,
        customers,
        plan.leads_per_partner,
        timeline,
        crm_ids,
        persona_partner_ids=[partner.id for partner in partners[: len(FIXED_PARTNERS)]],
    )
    courses = generate_courses(timeline)
    enrollments = generate_enrollments(_stream(plan.seed, "enrollments"), staff, courses, timeline)
    certifications = generate_certifications(
        _stream(plan.seed, "certifications"), staff, enrollments, courses
    )
    return Dataset(
        vendor_users=tuple(vendor_users),
        partners=tuple(partners),
        partner_users=tuple(user for team in staff for user in team.members),
        courses=tuple(courses),
        deals=tuple(deals),
        leads=tuple(leads),
        lead_declines=tuple(declines),
        enrollments=tuple(enrollments),
        certifications=tuple(certifications),
    )


def _stream(seed: int, name: str) -> random.Random:
    # One independent stream per concern: changing how many deals are drawn does not reshuffle
    # the partners. String seeds hash with SHA-512, so they do not depend on PYTHONHASHSEED.
    return random.Random(f"partner-gateway:{seed}:{name}")
