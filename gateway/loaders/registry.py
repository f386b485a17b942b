"""All loaders of one request, named by what they key on; built in `get_context`, never shared."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.authz.grant import Grant
from gateway.loaders.batching import (
    CountByParentLoader,
    PageByParentLoader,
    RowByIdLoader,
    RowsByParentLoader,
)
from gateway.loaders.conflicts import (
    ConflictingDealIdsByDealIdLoader,
    HasConflictByDealIdLoader,
)
from gateway.loaders.partner_programme import (
    ApiKeysByPartnerIdLoader,
    TierProgressByPartnerIdLoader,
)
from gateway.store.database import Executor
from gateway.store.deals import DEALS
from gateway.store.leads import LEADS
from gateway.store.partner_users import PARTNER_USERS
from gateway.store.partners import PARTNERS
from gateway.store.training import CERTIFICATIONS, COURSES, ENROLLMENTS
from gateway.store.vendor_users import VENDOR_USERS


@dataclass
class Loaders:
    partner_by_id: RowByIdLoader
    partner_user_by_id: RowByIdLoader
    vendor_user_by_id: RowByIdLoader
    deal_by_id: RowByIdLoader
    lead_by_id: RowByIdLoader
    course_by_id: RowByIdLoader
    enrollment_by_id: RowByIdLoader
    certification_by_id: RowByIdLoader
    deals_by_partner_id: PageByParentLoader
    deal_count_by_partner_id: CountByParentLoader
    deals_by_owner_id: PageByParentLoader
    deal_count_by_owner_id: CountByParentLoader
    leads_by_partner_id: PageByParentLoader
    lead_count_by_partner_id: CountByParentLoader
    users_by_partner_id: PageByParentLoader
    user_count_by_partner_id: CountByParentLoader
    enrollments_by_course_id: PageByParentLoader
    enrollment_count_by_course_id: CountByParentLoader
    enrollments_by_user_id: RowsByParentLoader
    certifications_by_user_id: RowsByParentLoader
    has_conflict_by_deal_id: HasConflictByDealIdLoader
    conflicting_deal_ids_by_deal_id: ConflictingDealIdsByDealIdLoader
    tier_progress_by_partner_id: TierProgressByPartnerIdLoader
    api_keys_by_partner_id: ApiKeysByPartnerIdLoader


def build_loaders(db: Executor, grant: Grant) -> Loaders:
    deal = grant.row_scope("Deal")
    lead = grant.row_scope("Lead")
    user = grant.row_scope("PartnerUser")
    enrollment = grant.row_scope("Enrollment")
    certification = grant.row_scope("Certification")
    return Loaders(
        partner_by_id=RowByIdLoader(db, PARTNERS, grant.row_scope("Partner")),
        partner_user_by_id=RowByIdLoader(db, PARTNER_USERS, user),
        vendor_user_by_id=RowByIdLoader(db, VENDOR_USERS, grant.row_scope("VendorUser")),
        deal_by_id=RowByIdLoader(db, DEALS, deal),
        lead_by_id=RowByIdLoader(db, LEADS, lead),
        course_by_id=RowByIdLoader(db, COURSES, grant.row_scope("Course")),
        enrollment_by_id=RowByIdLoader(db, ENROLLMENTS, enrollment),
        certification_by_id=RowByIdLoader(db, CERTIFICATIONS, certification),
        deals_by_partner_id=PageByParentLoader(db, DEALS, "partner_id", deal),
        deal_count_by_partner_id=CountByParentLoader(db, DEALS, "partner_id", deal),
        deals_by_owner_id=PageByParentLoader(db, DEALS, "owner_id", deal),
        deal_count_by_owner_id=CountByParentLoader(db, DEALS, "owner_id", deal),
        leads_by_partner_id=PageByParentLoader(db, LEADS, "assigned_partner_id", lead),
        lead_count_by_partner_id=CountByParentLoader(db, LEADS, "assigned_partner_id", lead),
        users_by_partner_id=PageByParentLoader(db, PARTNER_USERS, "partner_id", user),
        user_count_by_partner_id=CountByParentLoader(db, PARTNER_USERS, "partner_id", user),
        enrollments_by_course_id=PageByParentLoader(db, ENROLLMENTS, "course_id", enrollment),
        enrollment_count_by_course_id=CountByParentLoader(
            db, ENROLLMENTS, "course_id", enrollment
        ),
        enrollments_by_user_id=RowsByParentLoader(db, ENROLLMENTS, "user_id", enrollment),
        certifications_by_user_id=RowsByParentLoader(db, CERTIFICATIONS, "user_id", certification),
        has_conflict_by_deal_id=HasConflictByDealIdLoader(db),
        conflicting_deal_ids_by_deal_id=ConflictingDealIdsByDealIdLoader(db),
        tier_progress_by_partner_id=TierProgressByPartnerIdLoader(db),
        api_keys_by_partner_id=ApiKeysByPartnerIdLoader(db),
    )
