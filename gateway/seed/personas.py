"""The fixed personas every demo database has: vendor staff, two known partners and their people.
Tests, docs and demos log in as these, so their emails, roles and partners never change."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VendorPersona:
    email: str
    name: str
    role: str


VENDOR_ADMIN = VendorPersona("admin@vendor.example", "Avery Admin", "vendor_admin")
CHANNEL_MANAGER = VendorPersona("cm@vendor.example", "Casey Manager", "channel_manager")
SECOND_CHANNEL_MANAGER = VendorPersona("cm2@vendor.example", "Morgan Manager", "channel_manager")
ANALYST = VendorPersona("analyst@vendor.example", "Alex Analyst", "analyst")

VENDOR_PERSONAS: tuple[VendorPersona, ...] = (
    VENDOR_ADMIN,
    CHANNEL_MANAGER,
    SECOND_CHANNEL_MANAGER,
    ANALYST,
)
# Generated partners alternate between these, so each manages about half of them.
CHANNEL_MANAGERS: tuple[VendorPersona, ...] = (CHANNEL_MANAGER, SECOND_CHANNEL_MANAGER)


@dataclass(frozen=True)
class PartnerPersona:
    slug: str
    name: str
    region: str
    country: str
    status: str
    tier: str
    channel_manager: VendorPersona
    admin_name: tuple[str, str]
    rep_name: tuple[str, str]

    @property
    def domain(self) -> str:
        return f"{self.slug}.example"


ACME = PartnerPersona(
    slug="acme",
    name="Acme Corporation",
    region="NA",
    country="US",
    status="ACTIVE",
    tier="GOLD",
    channel_manager=CHANNEL_MANAGER,
    admin_name=("Alice", "Anderson"),
    rep_name=("Ryan", "Reed"),
)
GLOBEX = PartnerPersona(
    slug="globex",
    name="Globex Systems",
    region="EMEA",
    country="DE",
    status="ACTIVE",
    tier="SILVER",
    channel_manager=SECOND_CHANNEL_MANAGER,
    admin_name=("Greta", "Gruber"),
    rep_name=("Gustav", "Roth"),
)
# Always the first partners, in this order, so acme gets id 1 and globex id 2.
FIXED_PARTNERS: tuple[PartnerPersona, ...] = (ACME, GLOBEX)

# Every partner has these two users first (ids in this order), then generated colleagues.
ADMIN_LOCAL_PART = "admin"
REP_LOCAL_PART = "rep"

# Share of a partner's deals (and of its user-assigned leads) owned by rep@<slug>, so the rep
# persona has a realistic, non-trivial book of business to look at.
REP_SHARE = 0.30
# Leads each fixed partner's rep always has waiting in ASSIGNED (inside the SLA).
PERSONA_ASSIGNED_LEADS = 3


@dataclass(frozen=True)
class TrainingPersona:
    """A completed course a persona user always has: completed `days_ago` days before now."""

    slug: str
    local_part: str
    course_code: str
    days_ago: int


# Acme's admin and rep hold current certifications; globex's rep has one expiring within 90
# days (SEC-101 is valid 12 months), which the renewal reminders can show.
PERSONA_TRAINING: tuple[TrainingPersona, ...] = (
    TrainingPersona("acme", ADMIN_LOCAL_PART, "NET-101", 120),
    TrainingPersona("acme", REP_LOCAL_PART, "SEC-101", 60),
    TrainingPersona("acme", REP_LOCAL_PART, "NET-201", 200),
    TrainingPersona("globex", ADMIN_LOCAL_PART, "CLD-101", 90),
    TrainingPersona("globex", REP_LOCAL_PART, "SEC-101", 320),
)
