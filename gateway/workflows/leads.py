"""Lead distribution: create, assign (by hand or by rule), accept, reject, convert, SLA recall.

Every function runs inside one transaction, on leads locked within the caller's row scope
(vendor staff also reach the pool of leads no partner holds). Who works a lead: an assignment
leaves `assigned_user_id` NULL unless the vendor names a person, so the partner's admins triage
it; accepting sets it (the accepting person, or whom the admin names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg

from gateway.audit.events import ALLOWED, AuditEvent
from gateway.auth.principal import Principal
from gateway.store import audit as audit_store
from gateway.store import deal_writes, lead_distribution, lead_writes
from gateway.store.lead_distribution import DISTRIBUTABLE, DistributionRule
from gateway.store.notifications import LEAD_ASSIGNED, notify
from gateway.store.scope import RowScope
from gateway.store.table import Row
from gateway.workflows import deals as deal_rules
from gateway.workflows.domains import normalise_domain
from gateway.workflows.rejection import (
    INVALID_INPUT,
    INVALID_TRANSITION,
    NO_ELIGIBLE_PARTNER,
    NOT_FOUND,
    OWNER_NOT_IN_PARTNER,
    SLA_EXPIRED,
    Rejected,
)

T = TypeVar("T")

# Higher tiers take proportionally more leads: GOLD gets three for REGISTERED's one.
TIER_WEIGHTS = {"REGISTERED": 1, "SILVER": 2, "GOLD": 3, "PLATINUM": 4}
ROUND_ROBIN_DAYS = 30
MAX_BATCH = 100
JOBS_SUBJECT = "system:jobs"

# Which statuses each action may start from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "assign": DISTRIBUTABLE,
    "accept": ("ASSIGNED",),
    "reject": ("ASSIGNED",),
    "convert": ("ACCEPTED",),
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,29}$")


@dataclass(frozen=True)
class NewLead:
    first_name: str
    last_name: str
    email: str
    company: str
    domain: str
    region: str
    source: str
    score: int
    phone: str | None = None


@dataclass(frozen=True)
class Conversion:
    """The deal an accepted lead becomes; omitted customer fields come from the lead."""

    products: list[str]
    amount: Decimal
    expected_close_date: date
    currency: str = "USD"
    stage: str = "PROSPECTING"
    customer_name: str | None = None
    customer_domain: str | None = None
    region: str | None = None
    owner_id: int | None = None


def distribution_rule(partners: RowScope | None = None) -> DistributionRule:
    """The rule; `partners` narrows the candidates to those the caller may hand leads to."""
    chosen = RowScope.everything() if partners is None else partners
    return DistributionRule(TIER_WEIGHTS, ROUND_ROBIN_DAYS, chosen)


def _now() -> datetime:
    return datetime.now(UTC)


def _or(given: T | None, default: T) -> T:
    """An omitted input falls back; an empty one is still checked (and refused)."""
    return default if given is None else given


def _text(value: str, field: str, longest: int) -> str:
    cleaned = " ".join(value.split())
    if not 1 <= len(cleaned) <= longest:
        raise Rejected(INVALID_INPUT, f"give 1 to {longest} characters", field)
    return cleaned


def _email(value: str) -> str:
    cleaned = value.strip().lower()
    if len(cleaned) > 254 or not _EMAIL.match(cleaned):
        raise Rejected(INVALID_INPUT, f"{value!r} is not an e-mail address", "email")
    return cleaned


def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = " ".join(value.split())
    if not _PHONE.match(cleaned):
        raise Rejected(INVALID_INPUT, f"{value!r} is not a phone number", "phone")
    return cleaned


async def create(conn: asyncpg.Connection, lead: NewLead) -> Row:
    if not 0 <= lead.score <= 100:
        raise Rejected(INVALID_INPUT, "the score is 0 to 100", "score")
    values: dict[str, Any] = {
        "first_name": _text(lead.first_name, "firstName", 100),
        "last_name": _text(lead.last_name, "lastName", 100),
        "email": _email(lead.email),
        "phone": _phone(lead.phone),
        "company": _text(lead.company, "company", 200),
        "domain": normalise_domain(lead.domain, "domain"),
        "region": lead.region,
        "source": lead.source,
        "score": lead.score,
        "status": "NEW",
    }
    return await lead_writes.insert(conn, values)


def _check_transition(lead: Row, action: str, field: str = "id") -> None:
    allowed = TRANSITIONS[action]
    if lead["status"] not in allowed:
        raise Rejected(
            INVALID_TRANSITION,
            f"a {lead['status']} lead cannot be {action}ed (only {', '.join(allowed)})",
            field,
        )


async def locked(
    conn: asyncpg.Connection, lead_id: int, scope: RowScope, action: str, include_pool: bool
) -> Row:
    lead = await lead_writes.lock(conn, lead_id, scope, include_pool)
    if lead is None:
        raise Rejected(NOT_FOUND, "no such lead", "id")
    _check_transition(lead, action)
    return lead


async def _partner_user(conn: asyncpg.Connection, user_id: int, partner_id: int) -> int:
    user = await deal_writes.partner_user(conn, user_id)
    if user is None or user["partner_id"] != partner_id or not user["active"]:
        raise Rejected(
            OWNER_NOT_IN_PARTNER, "the assignee must be an active user of the partner", "assigneeId"
        )
    return user_id


async def offer(
    conn: asyncpg.Connection, lead_id: int, partner_id: int, user_id: int | None, sla_hours: int
) -> Row:
    """Assign the lead and announce it; listeners hear of it only once the change commits."""
    lead = await lead_writes.assign(conn, lead_id, partner_id, user_id, sla_hours)
    await notify(
        conn,
        LEAD_ASSIGNED,
        {
            "leadId": lead["id"],
            "partnerId": lead["assigned_partner_id"],
            "assignedUserId": lead["assigned_user_id"],
            "slaDeadline": lead["sla_deadline"].isoformat(),
        },
    )
    return lead


async def assign(
    conn: asyncpg.Connection,
    lead: Row,
    partner_id: int,
    assignee_id: int | None,
    partners: RowScope,
    sla_hours: int,
) -> Row:
    """By hand: the vendor's choice overrides the rule (any region, even a partner that
    declined before), but only an ACTIVE partner the caller manages may receive it."""
    target = await lead_writes.partner_in_scope(conn, partner_id, partners)
    if target is None:
        raise Rejected(NOT_FOUND, "no such partner", "partnerId")
    if target["status"] != "ACTIVE":
        raise Rejected(INVALID_INPUT, "leads go to ACTIVE partners only", "partnerId")
    if assignee_id is not None:
        await _partner_user(conn, assignee_id, partner_id)
    return await offer(conn, lead["id"], partner_id, assignee_id, sla_hours)


async def offer_to_next(
    conn: asyncpg.Connection, lead: Row, rule: DistributionRule, sla_hours: int
) -> Row | None:
    """By rule: the lead goes to the next eligible partner, or None when there is none."""
    partner_id = await lead_distribution.next_partner(conn, lead["id"], rule)
    if partner_id is None:
        return None
    return await offer(conn, lead["id"], partner_id, None, sla_hours)


async def auto_assign_ids(
    conn: asyncpg.Connection,
    lead_ids: list[int],
    scope: RowScope,
    include_pool: bool,
    rule: DistributionRule,
    sla_hours: int,
) -> list[Row]:
    """Every named lead is assigned by the rule, or none is (and the reason is given)."""
    if not 1 <= len(lead_ids) <= MAX_BATCH:
        raise Rejected(INVALID_INPUT, f"name 1 to {MAX_BATCH} leads", "ids")
    leads = await lead_writes.lock_many(conn, sorted(set(lead_ids)), scope, include_pool)
    if len(leads) != len(set(lead_ids)):
        raise Rejected(NOT_FOUND, "no such lead among ids", "ids")
    assigned: list[Row] = []
    for lead in leads:
        _check_transition(lead, "assign", "ids")
        offered = await offer_to_next(conn, lead, rule, sla_hours)
        if offered is None:
            raise Rejected(
                NO_ELIGIBLE_PARTNER,
                f"no active partner in {lead['region']} is left to offer one of the leads",
                "ids",
            )
        assigned.append(offered)
    return assigned


async def auto_assign_some(
    conn: asyncpg.Connection,
    limit: int,
    scope: RowScope,
    include_pool: bool,
    rule: DistributionRule,
    sla_hours: int,
) -> list[Row]:
    """Up to `limit` waiting leads, oldest first; leads nobody may take are left waiting."""
    if not 1 <= limit <= MAX_BATCH:
        raise Rejected(INVALID_INPUT, f"the limit is 1 to {MAX_BATCH}", "limit")
    leads = await lead_distribution.claim_distributable(conn, limit, scope, include_pool, rule)
    assigned: list[Row] = []
    for lead in leads:
        offered = await offer_to_next(conn, lead, rule, sla_hours)
        if offered is not None:
            assigned.append(offered)
    return assigned


async def accept(
    conn: asyncpg.Connection, lead: Row, principal: Principal, assignee_id: int | None
) -> Row:
    deadline = lead["sla_deadline"]
    if deadline is not None and deadline <= _now():
        raise Rejected(SLA_EXPIRED, "the time to accept this lead has run out", "id")
    partner_id = lead["assigned_partner_id"]
    is_rep = principal.user_id is not None and "partner_admin" not in principal.roles
    if is_rep and assignee_id not in (None, principal.user_id):
        raise Rejected(OWNER_NOT_IN_PARTNER, "reps accept leads for themselves", "assigneeId")
    if assignee_id is not None:
        chosen: int | None = await _partner_user(conn, assignee_id, partner_id)
    elif lead["assigned_user_id"] is not None:
        chosen = lead["assigned_user_id"]
    elif principal.partner_id == partner_id:
        chosen = principal.user_id  # a partner person takes it; a system leaves it open
    else:
        chosen = None
    return await lead_writes.update(
        conn, lead["id"], {"status": "ACCEPTED", "assigned_user_id": chosen}
    )


async def pass_on(conn: asyncpg.Connection, lead: Row, sla_hours: int) -> Row:
    """After a decline: offered to the next eligible partner of any channel manager, or back
    in the vendor's pool (RECALLED) when nobody is left."""
    offered = await offer_to_next(conn, lead, distribution_rule(), sla_hours)
    return offered if offered is not None else await lead_writes.return_to_pool(conn, lead["id"])


async def reject(conn: asyncpg.Connection, lead: Row, reason: str, sla_hours: int) -> Row:
    note = _text(reason, "reason", 2000)
    await lead_writes.record_decline(
        conn, lead["id"], lead["assigned_partner_id"], "REJECTED", note
    )
    return await pass_on(conn, lead, sla_hours)


async def convert(
    conn: asyncpg.Connection,
    lead: Row,
    principal: Principal,
    given: Conversion,
    protection_days: int,
) -> Row:
    """The lead becomes a registration approved from the start: the same checks as
    registering, the same one-approval rule (APPROVAL_CONFLICT) as approving."""
    registration = deal_rules.Registration(
        customer_name=_or(given.customer_name, lead["company"]),
        customer_domain=_or(given.customer_domain, lead["domain"]),
        products=given.products,
        amount=given.amount,
        currency=given.currency,
        expected_close_date=given.expected_close_date,
        region=_or(given.region, lead["region"]),
        stage=given.stage,
        owner_id=_or(given.owner_id, lead["assigned_user_id"]),
        partner_id=lead["assigned_partner_id"],
    )
    pending = await deal_rules.register(conn, principal, registration)
    deal = await deal_rules.approve(conn, pending, protection_days, principal.subject)
    return await lead_writes.update(
        conn, lead["id"], {"status": "CONVERTED", "converted_deal_id": deal["id"]}
    )


async def recall_overdue_leads(conn: asyncpg.Connection, sla_hours: int) -> list[int]:
    """Recall every ASSIGNED lead past its SLA deadline: the silent partner is recorded as a
    decline (SLA_EXPIRED) and the lead offered to the next eligible partner, or left RECALLED.

    One transaction (a savepoint inside the caller's); leads another run holds are skipped,
    so two concurrent runs recall each lead once. Returns the recalled leads' ids.
    """
    events: list[AuditEvent] = []
    recalled: list[int] = []
    async with conn.transaction():
        for lead in await lead_distribution.claim_overdue(conn):
            silent = lead["assigned_partner_id"]
            await lead_writes.record_decline(conn, lead["id"], silent, "SLA_EXPIRED", None)
            after = await pass_on(conn, lead, sla_hours)
            recalled.append(lead["id"])
            events.append(
                AuditEvent(
                    subject=JOBS_SUBJECT,
                    role=None,
                    partner_id=silent,
                    operation="recallLead",
                    object_type="Lead",
                    object_id=lead["id"],
                    outcome=ALLOWED,
                    reason="no answer before the SLA deadline",
                    # No partner ids but the silent one's: its admins read this event.
                    detail={"from": "ASSIGNED", "to": after["status"]},
                )
            )
        await audit_store.append(conn, events)
    return recalled
