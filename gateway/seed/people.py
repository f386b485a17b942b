"""People: the vendor's staff personas and each partner's users (admin@, rep@ and colleagues)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gateway.seed.clock import DAY, Timeline, instant_between
from gateway.seed.identifiers import email_local_part
from gateway.seed.personas import (
    ADMIN_LOCAL_PART,
    FIXED_PARTNERS,
    REP_LOCAL_PART,
    VENDOR_PERSONAS,
)
from gateway.seed.rows import Partner, PartnerUser, VendorUser
from gateway.seed.vocabulary import ADMIN_TITLES, COUNTRIES, FIRST_NAMES, LAST_NAMES, REP_TITLES

MIN_COLLEAGUES = 2
MAX_COLLEAGUES = 8
COLLEAGUE_ADMIN_SHARE = 0.15
COLLEAGUE_INACTIVE_SHARE = 0.1
PHONE_SHARE = 0.75

_DIAL_CODES: dict[str, str] = {
    country.code: country.dial_code for options in COUNTRIES.values() for country in options
}


@dataclass(frozen=True)
class Staff:
    """One partner's users; `members` includes the admin and the rep."""

    partner: Partner
    admin: PartnerUser
    rep: PartnerUser
    members: tuple[PartnerUser, ...]


def generate_vendor_users(timeline: Timeline) -> list[VendorUser]:
    return [
        VendorUser(index + 1, persona.email, persona.name, persona.role, True, timeline.start)
        for index, persona in enumerate(VENDOR_PERSONAS)
    ]


def generate_partner_users(
    rng: random.Random, partners: Sequence[Partner], timeline: Timeline
) -> list[Staff]:
    """Staff per partner, in partner order; user ids run 1..n across all partners."""
    persona_names = {persona.slug: persona for persona in FIXED_PARTNERS}
    everyone: list[Staff] = []
    next_id = 1
    for partner in partners:
        persona = persona_names.get(partner.slug)
        admin_name = persona.admin_name if persona else _random_name(rng)
        rep_name = persona.rep_name if persona else _random_name(rng)
        rep_joined = min(timeline.now, partner.created_at + DAY * 2)
        # The admin opened the partner account; the rep followed within days.
        members = [
            _user(
                rng,
                timeline,
                partner,
                next_id,
                ADMIN_LOCAL_PART,
                admin_name,
                role="partner_admin",
                active=True,
                joined=partner.created_at,
            ),
            _user(
                rng,
                timeline,
                partner,
                next_id + 1,
                REP_LOCAL_PART,
                rep_name,
                role="partner_rep",
                active=True,
                joined=instant_between(rng, partner.created_at, rep_joined),
            ),
        ]
        next_id += 2
        used_local_parts = {ADMIN_LOCAL_PART, REP_LOCAL_PART}
        # Colleagues join over the first part of the partnership, so some are newer than others.
        latest_join = partner.created_at + (timeline.now - partner.created_at) * 0.6
        for _ in range(rng.randint(MIN_COLLEAGUES, MAX_COLLEAGUES)):
            name = _random_name(rng)
            local_part = email_local_part(*name)
            while local_part in used_local_parts:
                name = _random_name(rng)
                local_part = email_local_part(*name)
            used_local_parts.add(local_part)
            role = "partner_admin" if rng.random() < COLLEAGUE_ADMIN_SHARE else "partner_rep"
            active = rng.random() >= COLLEAGUE_INACTIVE_SHARE
            joined = instant_between(rng, partner.created_at, latest_join)
            members.append(
                _user(
                    rng,
                    timeline,
                    partner,
                    next_id,
                    local_part,
                    name,
                    role=role,
                    active=active,
                    joined=joined,
                )
            )
            next_id += 1
        everyone.append(Staff(partner, members[0], members[1], tuple(members)))
    return everyone


def _random_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def _user(
    rng: random.Random,
    timeline: Timeline,
    partner: Partner,
    user_id: int,
    local_part: str,
    name: tuple[str, str],
    *,
    role: str,
    active: bool,
    joined: datetime,
) -> PartnerUser:
    titles = ADMIN_TITLES if role == "partner_admin" else REP_TITLES
    phone = None
    if rng.random() < PHONE_SHARE:
        phone = (
            f"+{_DIAL_CODES[partner.country]} {rng.randint(200, 999)} "
            f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        )
    return PartnerUser(
        id=user_id,
        partner_id=partner.id,
        email=f"{local_part}@{partner.domain}",
        first_name=name[0],
        last_name=name[1],
        title=rng.choice(titles),
        phone=phone,
        role=role,
        active=active,
        created_at=joined,
        updated_at=instant_between(rng, joined, timeline.now),
    )
