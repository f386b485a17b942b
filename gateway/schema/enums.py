"""Enumerations of the API; their values are the strings the store keeps."""

from enum import Enum

import strawberry


@strawberry.enum(description="A sales region.")
class Region(Enum):
    NA = "NA"
    EMEA = "EMEA"
    APAC = "APAC"
    LATAM = "LATAM"


@strawberry.enum(description="Where a partner stands in its relationship with the vendor.")
class PartnerStatus(Enum):
    PROSPECT = "PROSPECT"
    ONBOARDING = "ONBOARDING"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


@strawberry.enum(description="Partner programme tiers, lowest first.")
class TierLevel(Enum):
    REGISTERED = "REGISTERED"
    SILVER = "SILVER"
    GOLD = "GOLD"
    PLATINUM = "PLATINUM"


@strawberry.enum(description="A person's role inside their partner organisation.")
class PartnerUserRole(Enum):
    PARTNER_ADMIN = "partner_admin"
    PARTNER_REP = "partner_rep"


@strawberry.enum(description="A vendor staff member's role.")
class VendorRole(Enum):
    VENDOR_ADMIN = "vendor_admin"
    CHANNEL_MANAGER = "channel_manager"
    ANALYST = "analyst"


@strawberry.enum(description="The registration status of a deal.")
class DealStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    WON = "WON"
    LOST = "LOST"


@strawberry.enum(description="The sales stage of a deal.")
class DealStage(Enum):
    PROSPECTING = "PROSPECTING"
    QUALIFICATION = "QUALIFICATION"
    PROPOSAL = "PROPOSAL"
    NEGOTIATION = "NEGOTIATION"
    CLOSED_WON = "CLOSED_WON"
    CLOSED_LOST = "CLOSED_LOST"


@strawberry.enum(description="Where a lead is in its distribution to partners.")
class LeadStatus(Enum):
    NEW = "NEW"
    ASSIGNED = "ASSIGNED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    RECALLED = "RECALLED"
    CONVERTED = "CONVERTED"


@strawberry.enum(description="How a lead reached the vendor.")
class LeadSource(Enum):
    WEB = "WEB"
    EVENT = "EVENT"
    WEBINAR = "WEBINAR"
    REFERRAL = "REFERRAL"
    CAMPAIGN = "CAMPAIGN"
    PARTNER = "PARTNER"


@strawberry.enum(description="The difficulty level of a course.")
class CourseLevel(Enum):
    FOUNDATION = "FOUNDATION"
    PROFESSIONAL = "PROFESSIONAL"
    EXPERT = "EXPERT"


@strawberry.enum(description="Progress of an enrolment.")
class EnrollmentStatus(Enum):
    ENROLLED = "ENROLLED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


@strawberry.enum(description="Sort direction; ties are broken by id in the same direction.")
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"
