"""Leads the vendor hands to partners, in every workflow state, and the partners that declined."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.seed.clock import DAY, HOUR, Timeline, instant_between
from gateway.seed.customers import Customer, registered_domain
from gateway.seed.identifiers import CrmIds, email_local_part
from gateway.seed.people import Staff
from gateway.seed.personas import PERSONA_ASSIGNED_LEADS, REP_SHARE
from gateway.seed.rows import Deal, Lead, LeadDecline, PartnerUser
from gateway.seed.vocabulary import (
    COUNTRIES,
    DECLINE_NOTES,
    FIRST_NAMES,
    LAST_NAMES,
    LEAD_SOURCE_MIX,
    REGIONS,
)
from gateway.seed.weighted import Weighted

STATUS_MIX: Weighted[str] = Weighted(
    ("NEW", "ASSIGNED", "ACCEPTED", "REJECTED", "RECALLED", "CONVERTED"), (15, 15, 28, 10, 7, 25)
)
# The programme's default time a partner has to accept or reject an assigned lead.
SLA = timedelta(hours=48)
# A few assigned leads are already past their SLA, waiting for the recall job to notice.
OVERDUE_SHARE = 0.1
HOME_REGION_SHARE = 0.85
# Share of leads handed to a named user (rather than to the partner as a whole), by status.
USER_SHARE: dict[str, float] = {
    "ASSIGNED": 0.6,
    "ACCEPTED": 0.85,
    "REJECTED": 0.4,
    "RECALLED": 0.3,
}
PRIOR_DECLINE_SHARE = 0.08
DECLINE_NOTE_SHARE = 0.6
PHONE_SHARE = 0.7
SYNCED_SHARE = 0.9
# Deals that went through approval can be the result of a converted lead.
CONVERTIBLE = ("APPROVED", "EXPIRED", "WON", "LOST")

_DIAL_CODES: dict[str, tuple[str, ...]] = {
    region: tuple(country.dial_code for country in options) for region, options in COUNTRIES.items()
}


@dataclass(frozen=True)
class _Decline:
    partner_id: int
    reason: str
    note: str | None
    declined_at: datetime


def generate_leads(
    rng: random.Random,
    staff: Sequence[Staff],
    deals: Sequence[Deal],
    customers: Mapping[str, Sequence[Customer]],
    per_partner: int,
    timeline: Timeline,
    crm_ids: CrmIds,
    persona_partner_ids: Collection[int],
) -> tuple[list[Lead], list[LeadDecline]]:
    """`per_partner` leads per partner (NEW ones unassigned), numbered in order of creation."""
    convertible: dict[int, list[Deal]] = {team.partner.id: [] for team in staff}
    for deal in deals:
        if deal.status in CONVERTIBLE:
            convertible[deal.partner_id].append(deal)
    for candidates in convertible.values():
        rng.shuffle(candidates)

    maker = _LeadMaker(
        rng, timeline, crm_ids, customers, convertible, [team.partner.id for team in staff]
    )
    drafts: list[tuple[Lead, list[_Decline]]] = []
    for team in staff:
        for index in range(per_partner):
            # The persona reps always have a few fresh leads to act on.
            forced = team.partner.id in persona_partner_ids and index < PERSONA_ASSIGNED_LEADS
            status = "ASSIGNED" if forced else STATUS_MIX.pick(rng)
            if status == "CONVERTED" and not convertible[team.partner.id]:
                status = "ACCEPTED"
            drafts.append(maker.lead(team, status, forced))
    drafts.sort(key=lambda draft: draft[0].created_at)

    leads: list[Lead] = []
    declines: list[LeadDecline] = []
    for number, (draft, lead_declines) in enumerate(drafts, start=1):
        leads.append(draft._replace(id=number))
        declines.extend(
            LeadDecline(number, d.partner_id, d.reason, d.note, d.declined_at)
            for d in lead_declines
        )
    return leads, declines


@dataclass(frozen=True)
class _LeadMaker:
    """What every lead draws on; `lead` makes one lead (id 0) and the declines that go with it."""

    rng: random.Random
    timeline: Timeline
    crm_ids: CrmIds
    customers: Mapping[str, Sequence[Customer]]
    convertible: Mapping[int, list[Deal]]  # per partner; converting a lead uses its deal up
    partner_ids: Sequence[int]

    def lead(self, team: Staff, status: str, forced: bool) -> tuple[Lead, list[_Decline]]:
        rng, timeline, partner_ids = self.rng, self.timeline, self.partner_ids
        partner = team.partner
        now = timeline.now
        region = partner.region if rng.random() < HOME_REGION_SHARE else rng.choice(REGIONS)
        customer = rng.choice(self.customers[region])
        company, domain = customer.name, registered_domain(rng, customer)
        declines: list[_Decline] = []
        partner_id: int | None = partner.id
        user: PartnerUser | None = None
        assigned: datetime | None = None
        deal_id: int | None = None

        if status == "NEW":
            partner_id = None
            created = instant_between(rng, max(timeline.start, now - DAY * 60), now)
            updated = created
        elif status == "CONVERTED":
            deal = self.convertible[partner.id].pop()
            deal_id = deal.id
            region, company, domain = deal.region, deal.customer_name, deal.customer_domain
            # Accepted shortly before the owner registered the deal that came out of it.
            assigned = instant_between(
                rng, max(partner.created_at, deal.registered_at - DAY * 14), deal.registered_at
            )
            owner = next(member for member in team.members if member.id == deal.owner_id)
            user = owner if owner.created_at <= assigned else None
            updated = deal.registered_at
        elif status == "ASSIGNED":
            if not forced and rng.random() < OVERDUE_SHARE:
                assigned = instant_between(rng, now - SLA - HOUR * 24, now - SLA - HOUR)
            else:
                assigned = instant_between(rng, now - SLA + HOUR * 2, now)
            user = team.rep if forced else _assignee(rng, team, assigned, USER_SHARE[status])
            updated = assigned
        else:  # ACCEPTED, REJECTED or RECALLED: all decided at least a day ago
            assigned = instant_between(rng, partner.created_at, now - SLA - DAY)
            user = _assignee(rng, team, assigned, USER_SHARE[status])
            answered = instant_between(rng, assigned + HOUR, assigned + SLA - HOUR)
            if status == "REJECTED":
                note = rng.choice(DECLINE_NOTES) if rng.random() < DECLINE_NOTE_SHARE else None
                declines.append(_Decline(partner.id, "REJECTED", note, answered))
            elif status == "RECALLED":
                # Nobody answered: the recall job took it back at the deadline.
                answered = assigned + SLA
                declines.append(_Decline(partner.id, "SLA_EXPIRED", None, answered))
            updated = answered

        if assigned is not None:
            created = instant_between(rng, max(timeline.start, assigned - DAY * 10), assigned)
            if len(partner_ids) > 1 and rng.random() < PRIOR_DECLINE_SHARE:
                # Offered to another partner first, who let it go before it came here.
                other = partner_ids[rng.randrange(len(partner_ids) - 1)]
                if other == partner.id:
                    other = partner_ids[-1]
                reason = rng.choice(("REJECTED", "SLA_EXPIRED"))
                note = rng.choice(DECLINE_NOTES) if reason == "REJECTED" else None
                declines.insert(
                    0, _Decline(other, reason, note, instant_between(rng, created, assigned))
                )

        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        phone = None
        if rng.random() < PHONE_SHARE:
            phone = (
                f"+{rng.choice(_DIAL_CODES[region])} {rng.randint(200, 999)} "
                f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            )
        lead = Lead(
            id=0,  # numbered after sorting
            first_name=first,
            last_name=last,
            email=f"{_contact_local_part(rng, first, last)}@{domain}",
            phone=phone,
            company=company,
            domain=domain,
            region=region,
            source=LEAD_SOURCE_MIX.pick(rng),
            score=min(100, int(rng.betavariate(2.0, 2.5) * 101)),
            status=status,
            assigned_partner_id=partner_id,
            assigned_user_id=user.id if user else None,
            assigned_at=assigned,
            sla_deadline=assigned + SLA if assigned else None,
            converted_deal_id=deal_id,
            crm_lead_id=self.crm_ids.new(CrmIds.LEAD) if rng.random() < SYNCED_SHARE else None,
            created_at=created,
            updated_at=updated,
        )
        return lead, declines


def _assignee(
    rng: random.Random, team: Staff, assigned: datetime, share: float
) -> PartnerUser | None:
    """Often a named, active user who had joined by then (the rep in REP_SHARE of cases)."""
    if rng.random() >= share:
        return None
    if team.rep.created_at <= assigned and rng.random() < REP_SHARE:
        return team.rep
    eligible = [m for m in team.members if m.active and m.created_at <= assigned]
    return rng.choice(eligible) if eligible else None


def _contact_local_part(rng: random.Random, first: str, last: str) -> str:
    style = rng.randrange(3)
    full = email_local_part(first, last)
    if style == 0:
        return full
    given, family = full.split(".")
    return f"{given[0]}{family}" if style == 1 else f"{given}_{family}"
