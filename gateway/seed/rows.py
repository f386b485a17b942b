"""Row shapes, one NamedTuple per seeded table, fields named and ordered as the table's columns,
so rows go straight into `copy_records_to_table` and still read by attribute in tests."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple


class VendorUser(NamedTuple):
    id: int
    email: str
    name: str
    role: str
    active: bool
    created_at: datetime


class Partner(NamedTuple):
    id: int
    slug: str
    name: str
    region: str
    country: str
    status: str
    tier: str
    website: str
    domain: str
    channel_manager_id: int | None
    internal_rating: int | None
    contract_value: Decimal | None
    joined_at: date
    crm_account_id: str | None
    created_at: datetime
    updated_at: datetime


class PartnerUser(NamedTuple):
    id: int
    partner_id: int
    email: str
    first_name: str
    last_name: str
    title: str
    phone: str | None
    role: str
    active: bool
    created_at: datetime
    updated_at: datetime


class Course(NamedTuple):
    id: int
    code: str
    title: str
    level: str
    hours: Decimal
    validity_months: int
    created_at: datetime
    updated_at: datetime


class Deal(NamedTuple):
    id: int
    partner_id: int
    owner_id: int
    customer_name: str
    customer_domain: str
    region: str
    products: list[str]
    amount: Decimal
    currency: str
    stage: str
    expected_close_date: date
    status: str
    protection_expires_at: datetime | None
    rejection_reason: str | None
    internal_notes: str | None
    discount_pct: Decimal | None
    crm_lead_id: str | None
    crm_opportunity_id: str | None
    registered_at: datetime
    decided_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class Lead(NamedTuple):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    company: str
    domain: str
    region: str
    source: str
    score: int
    status: str
    assigned_partner_id: int | None
    assigned_user_id: int | None
    assigned_at: datetime | None
    sla_deadline: datetime | None
    converted_deal_id: int | None
    crm_lead_id: str | None
    created_at: datetime
    updated_at: datetime


class LeadDecline(NamedTuple):
    lead_id: int
    partner_id: int
    reason: str
    note: str | None
    declined_at: datetime


class Enrollment(NamedTuple):
    id: int
    user_id: int
    partner_id: int
    course_id: int
    status: str
    progress_pct: int
    enrolled_at: datetime
    completed_at: datetime | None
    updated_at: datetime


class Certification(NamedTuple):
    id: int
    user_id: int
    partner_id: int
    course_id: int
    enrollment_id: int | None
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Dataset:
    """Every generated row; the field order is a valid load order for the foreign keys."""

    vendor_users: tuple[VendorUser, ...]
    partners: tuple[Partner, ...]
    partner_users: tuple[PartnerUser, ...]
    courses: tuple[Course, ...]
    deals: tuple[Deal, ...]
    leads: tuple[Lead, ...]
    lead_declines: tuple[LeadDecline, ...]
    enrollments: tuple[Enrollment, ...]
    certifications: tuple[Certification, ...]

    def tables(self) -> dict[str, tuple[tuple[object, ...], ...]]:
        """Table name -> rows, in load order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Column lists for COPY, by table; empty tables still need them, so they come from the classes.
COLUMNS: dict[str, tuple[str, ...]] = {
    "vendor_users": VendorUser._fields,
    "partners": Partner._fields,
    "partner_users": PartnerUser._fields,
    "courses": Course._fields,
    "deals": Deal._fields,
    "leads": Lead._fields,
    "lead_declines": LeadDecline._fields,
    "enrollments": Enrollment._fields,
    "certifications": Certification._fields,
}
