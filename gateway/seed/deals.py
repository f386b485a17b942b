"""Deal registrations: per partner, owned by its users, with consistent stage, status and dates."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from operator import attrgetter

from gateway.seed.clock import DAY, HOUR, Timeline, instant_between
from gateway.seed.customers import Customer, registered_domain, registered_name
from gateway.seed.identifiers import CrmIds
from gateway.seed.money import from_cents, to_money
from gateway.seed.people import Staff
from gateway.seed.personas import REP_SHARE
from gateway.seed.rows import Deal
from gateway.seed.vocabulary import (
    COUNTRIES,
    INTERNAL_NOTES,
    PRODUCT_MIX,
    REGIONS,
    REJECTION_REASONS,
)
from gateway.seed.weighted import Weighted

STATUS_WEIGHTS: dict[str, int] = {
    "PENDING": 14,
    "APPROVED": 24,
    "REJECTED": 8,
    "EXPIRED": 10,
    "WON": 28,
    "LOST": 16,
}
# Days of history (owner's join to now) a status needs: an expired registration must have been
# approved more than a protection period ago, a closed one must have had time to close.
MIN_HISTORY_DAYS: dict[str, int] = {
    "PENDING": 0,
    "APPROVED": 0,
    "REJECTED": 2,
    "EXPIRED": 95,
    "WON": 35,
    "LOST": 35,
}
# One status mix per distinct minimum, longest history first; a deal uses the first it allows.
_STATUS_MIXES: tuple[tuple[int, Weighted[str]], ...] = tuple(
    (
        days,
        Weighted(
            [s for s in STATUS_WEIGHTS if MIN_HISTORY_DAYS[s] <= days],
            [w for s, w in STATUS_WEIGHTS.items() if MIN_HISTORY_DAYS[s] <= days],
        ),
    )
    for days in sorted(set(MIN_HISTORY_DAYS.values()), reverse=True)
)
EARLY_STAGE_MIX: Weighted[str] = Weighted(("PROSPECTING", "QUALIFICATION"), (60, 40))
LATE_STAGE_MIX: Weighted[str] = Weighted(("QUALIFICATION", "PROPOSAL", "NEGOTIATION"), (30, 40, 30))
PRODUCT_COUNT_MIX: Weighted[int] = Weighted((1, 2, 3), (55, 30, 15))
# The programme's default deal protection after approval.
PROTECTION = timedelta(days=90)
# Log-normal amounts around a 60k median, clipped to the programme's 5k-2M registration range.
AMOUNT_MEDIAN = 60_000.0
AMOUNT_SIGMA = 1.0
AMOUNT_MIN = 5_000.0
AMOUNT_MAX = 2_000_000.0
HOME_REGION_SHARE = 0.85
USD_SHARE = 0.85
NOTES_SHARE = 0.15
DISCOUNT_SHARE = 0.4
# Half of brand-new registrations have not been synced to the CRM yet.
PENDING_SYNCED_SHARE = 0.5

_CURRENCIES: dict[str, str] = {
    country.code: country.currency for options in COUNTRIES.values() for country in options
}


def generate_deals(
    rng: random.Random,
    staff: Sequence[Staff],
    customers: Mapping[str, Sequence[Customer]],
    per_partner: int,
    timeline: Timeline,
    crm_ids: CrmIds,
) -> list[Deal]:
    """`per_partner` deals for every partner, numbered from 1 in order of registration."""
    drafts: list[Deal] = []
    for team in staff:
        colleagues = [user for user in team.members if user.id != team.rep.id]
        for _ in range(per_partner):
            owner = team.rep if rng.random() < REP_SHARE else rng.choice(colleagues)
            drafts.append(
                _deal(rng, team, owner.id, owner.created_at, customers, timeline, crm_ids)
            )
    # Ids follow registration time, as they would in a live database.
    drafts.sort(key=attrgetter("created_at"))
    return [draft._replace(id=number) for number, draft in enumerate(drafts, start=1)]


def _deal(
    rng: random.Random,
    team: Staff,
    owner_id: int,
    owner_joined: datetime,
    customers: Mapping[str, Sequence[Customer]],
    timeline: Timeline,
    crm_ids: CrmIds,
) -> Deal:
    partner = team.partner
    now = timeline.now
    status = _status_mix((now - owner_joined).days).pick(rng)

    decided: datetime | None = None
    closed: datetime | None = None
    protection: datetime | None = None
    if status == "PENDING":
        registered = instant_between(rng, max(owner_joined, now - DAY * 45), now)
        stage = EARLY_STAGE_MIX.pick(rng)
        close_date = instant_between(rng, now + DAY * 20, now + DAY * 200).date()
        updated = instant_between(rng, registered, min(now, registered + DAY * 10))
    elif status == "APPROVED":
        # Approved within the last protection period, so the protection is still running.
        registered = instant_between(rng, max(owner_joined, now - DAY * 88), now)
        decided = instant_between(rng, registered, min(now, registered + DAY * 7))
        protection = decided + PROTECTION
        stage = LATE_STAGE_MIX.pick(rng)
        close_date = instant_between(rng, now + DAY * 7, protection + DAY * 30).date()
        updated = instant_between(rng, decided, now)
    elif status == "REJECTED":
        registered = instant_between(rng, owner_joined, now - DAY)
        decided = instant_between(rng, registered, min(now, registered + DAY * 7))
        stage = EARLY_STAGE_MIX.pick(rng)
        close_date = instant_between(rng, registered + DAY * 30, registered + DAY * 180).date()
        updated = instant_between(rng, decided, min(now, decided + DAY))
    elif status == "EXPIRED":
        decided = instant_between(rng, owner_joined + DAY, now - PROTECTION - DAY)
        registered = instant_between(rng, max(owner_joined, decided - DAY * 7), decided)
        protection = decided + PROTECTION
        stage = LATE_STAGE_MIX.pick(rng)
        close_date = instant_between(rng, decided + DAY * 14, protection).date()
        # The expiry job flips the status shortly after the protection ends.
        updated = instant_between(rng, protection, min(now, protection + HOUR * 6))
    else:  # WON or LOST: approved, then closed inside the protection period
        registered = instant_between(rng, owner_joined, now - DAY * 30)
        decided = instant_between(rng, registered, registered + DAY * 7)
        protection = decided + PROTECTION
        closed = instant_between(rng, decided + DAY * 3, min(now, protection - HOUR))
        stage = "CLOSED_WON" if status == "WON" else "CLOSED_LOST"
        close_date = closed.date()
        updated = instant_between(rng, closed, min(now, closed + DAY * 2))

    region = partner.region if rng.random() < HOME_REGION_SHARE else rng.choice(REGIONS)
    customer = rng.choice(customers[region])
    amount = math.exp(rng.gauss(math.log(AMOUNT_MEDIAN), AMOUNT_SIGMA))
    amount = min(AMOUNT_MAX, max(AMOUNT_MIN, amount))
    currency = "USD" if rng.random() < USD_SHARE else _CURRENCIES[partner.country]
    synced = status != "PENDING" or rng.random() < PENDING_SYNCED_SHARE
    approved_once = status in ("APPROVED", "EXPIRED", "WON", "LOST")
    discount = None
    if approved_once and rng.random() < DISCOUNT_SHARE:
        discount = from_cents(rng.randrange(0, 3001, 25))  # 0-30% in quarter-point steps
    return Deal(
        id=0,  # numbered after sorting
        partner_id=partner.id,
        owner_id=owner_id,
        customer_name=registered_name(rng, customer),
        customer_domain=registered_domain(rng, customer),
        region=region,
        products=_products(rng),
        amount=to_money(amount),
        currency=currency,
        stage=stage,
        expected_close_date=close_date,
        status=status,
        protection_expires_at=protection,
        rejection_reason=rng.choice(REJECTION_REASONS) if status == "REJECTED" else None,
        internal_notes=rng.choice(INTERNAL_NOTES) if rng.random() < NOTES_SHARE else None,
        discount_pct=discount,
        crm_lead_id=crm_ids.new(CrmIds.LEAD) if synced else None,
        crm_opportunity_id=crm_ids.new(CrmIds.OPPORTUNITY) if approved_once else None,
        registered_at=registered,
        decided_at=decided,
        closed_at=closed,
        created_at=registered,
        updated_at=updated,
    )


def _status_mix(history_days: int) -> Weighted[str]:
    for min_days, mix in _STATUS_MIXES:
        if history_days >= min_days:
            return mix
    return _STATUS_MIXES[-1][1]


def _products(rng: random.Random) -> list[str]:
    wanted = PRODUCT_COUNT_MIX.pick(rng)
    chosen: list[str] = []
    while len(chosen) < wanted:
        product = PRODUCT_MIX.pick(rng)
        if product not in chosen:
            chosen.append(product)
    return chosen
