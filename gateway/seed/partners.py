"""Partner organisations: the fixed acme and globex first, then generated resellers."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime

from gateway.seed.clock import DAY, Timeline, instant_between
from gateway.seed.identifiers import CrmIds, unique_slug
from gateway.seed.money import to_money
from gateway.seed.personas import CHANNEL_MANAGERS, FIXED_PARTNERS
from gateway.seed.rows import Partner
from gateway.seed.vocabulary import (
    COUNTRIES,
    PARTNER_NAME_HEADS,
    PARTNER_NAME_TAILS,
    REGION_MIX,
)
from gateway.seed.weighted import Weighted

STATUS_MIX: Weighted[str] = Weighted(
    ("ACTIVE", "ONBOARDING", "PROSPECT", "SUSPENDED"), (75, 10, 7, 8)
)
# Established partners spread across the tiers; new ones have not earned one yet.
TIERS: tuple[str, ...] = ("REGISTERED", "SILVER", "GOLD", "PLATINUM")
ESTABLISHED_TIER_MIX: Weighted[str] = Weighted(TIERS, (25, 40, 25, 10))
ONBOARDING_TIER_MIX: Weighted[str] = Weighted(TIERS, (70, 30, 0, 0))
# Typical annual contract value by tier, in USD.
CONTRACT_BASE: dict[str, int] = {
    "REGISTERED": 25_000,
    "SILVER": 100_000,
    "GOLD": 400_000,
    "PLATINUM": 1_500_000,
}
# How many random names to try before numbering one; only matters for very large plans.
NAME_ATTEMPTS = 40


def generate_partners(
    rng: random.Random,
    count: int,
    timeline: Timeline,
    vendor_ids: Mapping[str, int],
    crm_ids: CrmIds,
) -> list[Partner]:
    """`count` partners with ids 1..count; the fixed personas come first."""
    taken_slugs: set[str] = {persona.slug for persona in FIXED_PARTNERS}
    taken_names: set[str] = {persona.name for persona in FIXED_PARTNERS}
    partners: list[Partner] = []
    for index in range(count):
        partner_id = index + 1
        if index < len(FIXED_PARTNERS):
            persona = FIXED_PARTNERS[index]
            # Fixed creation times give the personas the full two-year history.
            created = timeline.start + DAY * (1 + 2 * index)
            partners.append(
                _partner(
                    rng,
                    partner_id,
                    slug=persona.slug,
                    name=persona.name,
                    region=persona.region,
                    country=persona.country,
                    status=persona.status,
                    tier=persona.tier,
                    manager_id=vendor_ids[persona.channel_manager.email],
                    created=created,
                    timeline=timeline,
                    crm_ids=crm_ids,
                )
            )
            continue
        name = _unique_name(rng, taken_names)
        region = REGION_MIX.pick(rng)
        status = STATUS_MIX.pick(rng)
        if status == "PROSPECT":
            tier = "REGISTERED"
        elif status == "ONBOARDING":
            tier = ONBOARDING_TIER_MIX.pick(rng)
        else:
            tier = ESTABLISHED_TIER_MIX.pick(rng)
        if status in ("PROSPECT", "ONBOARDING"):
            created = instant_between(rng, timeline.ago(DAY * 180), timeline.ago(DAY * 14))
        else:
            created = instant_between(rng, timeline.start + DAY, timeline.ago(DAY * 180))
        partners.append(
            _partner(
                rng,
                partner_id,
                slug=unique_slug(name, taken_slugs),
                name=name,
                region=region,
                country=rng.choice(COUNTRIES[region]).code,
                status=status,
                tier=tier,
                manager_id=vendor_ids[CHANNEL_MANAGERS[index % len(CHANNEL_MANAGERS)].email],
                created=created,
                timeline=timeline,
                crm_ids=crm_ids,
            )
        )
    return partners


def _partner(
    rng: random.Random,
    partner_id: int,
    *,
    slug: str,
    name: str,
    region: str,
    country: str,
    status: str,
    tier: str,
    manager_id: int,
    created: datetime,
    timeline: Timeline,
    crm_ids: CrmIds,
) -> Partner:
    domain = f"{slug}.example"
    # A prospect has not been rated or contracted yet.
    prospect = status == "PROSPECT"
    rating = None if prospect else rng.randint(1, 5)
    contract = None if prospect else to_money(CONTRACT_BASE[tier] * rng.uniform(0.5, 2.0))
    return Partner(
        id=partner_id,
        slug=slug,
        name=name,
        region=region,
        country=country,
        status=status,
        tier=tier,
        website=f"https://www.{domain}",
        domain=domain,
        channel_manager_id=manager_id,
        internal_rating=rating,
        contract_value=contract,
        joined_at=created.date(),
        crm_account_id=crm_ids.new(CrmIds.ACCOUNT),
        created_at=created,
        updated_at=instant_between(rng, created, timeline.now),
    )


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    for _ in range(NAME_ATTEMPTS):
        name = f"{rng.choice(PARTNER_NAME_HEADS)} {rng.choice(PARTNER_NAME_TAILS)}"
        if name not in taken:
            taken.add(name)
            return name
    base = f"{rng.choice(PARTNER_NAME_HEADS)} {rng.choice(PARTNER_NAME_TAILS)}"
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    taken.add(f"{base} {number}")
    return f"{base} {number}"
