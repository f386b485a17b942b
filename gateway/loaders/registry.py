"""All loaders of one request, named by what they key on; built in `get_context`, never shared."""

from __future__ import annotations

from functools import cached_property

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
from gateway.store.table import Table
from gateway.store.training import CERTIFICATIONS, COURSES, ENROLLMENTS
from gateway.store.vendor_users import VENDOR_USERS


class Loaders:
    """Each loader is built the first time a resolver asks for it: a request uses a few of
    these two dozen, and building them all cost a small request more than its own work."""

    def __init__(self, db: Executor, grant: Grant) -> None:
        self._db, self._grant = db, grant

    def _by_id(self, table: Table, object_type: str) -> RowByIdLoader:
        return RowByIdLoader(self._db, table, self._grant.row_scope(object_type))

    def _pages(self, table: Table, parent: str, object_type: str) -> PageByParentLoader:
        return PageByParentLoader(self._db, table, parent, self._grant.row_scope(object_type))

    def _counts(self, table: Table, parent: str, object_type: str) -> CountByParentLoader:
        return CountByParentLoader(self._db, table, parent, self._grant.row_scope(object_type))

    @cached_property
    def partner_by_id(self) -> RowByIdLoader:
        return self._by_id(PARTNERS, "Partner")

    @cached_property
    def partner_user_by_id(self) -> RowByIdLoader:
        return self._by_id(PARTNER_USERS, "PartnerUser")

    @cached_property
    def vendor_user_by_id(self) -> RowByIdLoader:
        return self._by_id(VENDOR_USERS, "VendorUser")

    @cached_property
    def deal_by_id(self) -> RowByIdLoader:
        return self._by_id(DEALS, "Deal")

    @cached_property
    def lead_by_id(self) -> RowByIdLoader:
        return self._by_id(LEADS, "Lead")

    @cached_property
    def course_by_id(self) -> RowByIdLoader:
        return self._by_id(COURSES, "Course")

    @cached_property
    def enrollment_by_id(self) -> RowByIdLoader:
        return self._by_id(ENROLLMENTS, "Enrollment")

    @cached_property
    def certification_by_id(self) -> RowByIdLoader:
        return self._by_id(CERTIFICATIONS, "Certification")

    @cached_property
    def deals_by_partner_id(self) -> PageByParentLoader:
        return self._pages(DEALS, "partner_id", "Deal")

    @cached_property
    def deal_count_by_partner_id(self) -> CountByParentLoader:
        return self._counts(DEALS, "partner_id", "Deal")

    @cached_property
    def deals_by_owner_id(self) -> PageByParentLoader:
        return self._pages(DEALS, "owner_id", "Deal")

    @cached_property
    def deal_count_by_owner_id(self) -> CountByParentLoader:
        return self._counts(DEALS, "owner_id", "Deal")

    @cached_property
    def leads_by_partner_id(self) -> PageByParentLoader:
        return self._pages(LEADS, "assigned_partner_id", "Lead")

    @cached_property
    def lead_count_by_partner_id(self) -> CountByParentLoader:
        return self._counts(LEADS, "assigned_partner_id", "Lead")

    @cached_property
    def users_by_partner_id(self) -> PageByParentLoader:
        return self._pages(PARTNER_USERS, "partner_id", "PartnerUser")

    @cached_property
    def user_count_by_partner_id(self) -> CountByParentLoader:
        return self._counts(PARTNER_USERS, "partner_id", "PartnerUser")

    @cached_property
    def enrollments_by_course_id(self) -> PageByParentLoader:
        return self._pages(ENROLLMENTS, "course_id", "Enrollment")

    @cached_property
    def enrollment_count_by_course_id(self) -> CountByParentLoader:
        return self._counts(ENROLLMENTS, "course_id", "Enrollment")

    @cached_property
    def enrollments_by_user_id(self) -> RowsByParentLoader:
        scope = self._grant.row_scope("Enrollment")
        return RowsByParentLoader(self._db, ENROLLMENTS, "user_id", scope)

    @cached_property
    def certifications_by_user_id(self) -> RowsByParentLoader:
        scope = self._grant.row_scope("Certification")
        return RowsByParentLoader(self._db, CERTIFICATIONS, "user_id", scope)

    @cached_property
    def has_conflict_by_deal_id(self) -> HasConflictByDealIdLoader:
        return HasConflictByDealIdLoader(self._db)

    @cached_property
    def conflicting_deal_ids_by_deal_id(self) -> ConflictingDealIdsByDealIdLoader:
        return ConflictingDealIdsByDealIdLoader(self._db)

    @cached_property
    def tier_progress_by_partner_id(self) -> TierProgressByPartnerIdLoader:
        return TierProgressByPartnerIdLoader(self._db)

    @cached_property
    def api_keys_by_partner_id(self) -> ApiKeysByPartnerIdLoader:
        return ApiKeysByPartnerIdLoader(self._db)


def build_loaders(db: Executor, grant: Grant) -> Loaders:
    return Loaders(db, grant)
