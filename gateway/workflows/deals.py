"""Deal registration: register, update, approve, reject, extend, close; and protection expiry.

Every function runs inside the mutation's transaction, on a deal locked within the caller's
row scope: a deal the caller may not see is NOT_FOUND, exactly like one that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from gateway.auth.principal import Principal
from gateway.store import deal_writes, outbox, registrations
from gateway.store.notifications import DEAL_STATUS_CHANGED, notify
from gateway.store.scope import RowScope
from gateway.store.table import Row
from gateway.workflows.domains import normalise_domain
from gateway.workflows.rejection import (
    APPROVAL_CONFLICT,
    DATE_IN_PAST,
    EXTENSION_PENDING,
    INVALID_INPUT,
    INVALID_PRODUCT,
    INVALID_TRANSITION,
    NOT_FOUND,
    OWNER_NOT_IN_PARTNER,
    OWNER_REQUIRED,
    PROTECTION_EXPIRED,
    Rejected,
)

_PRODUCT = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,10}){0,3}$")
MAX_PRODUCTS = 20
MAX_AMOUNT = Decimal("999999999999.99")
OPEN_STAGES = ("PROSPECTING", "QUALIFICATION", "PROPOSAL", "NEGOTIATION")

# Which statuses each action may start from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "update": ("PENDING", "APPROVED"),
    # On an approved deal, approve/reject decide its open extension request.
    "approve": ("PENDING", "APPROVED"),
    "reject": ("PENDING", "APPROVED"),
    "request_extension": ("APPROVED",),
    "close": ("APPROVED",),
}


@dataclass(frozen=True)
class Registration:
    customer_name: str
    customer_domain: str
    products: list[str]
    amount: Decimal
    currency: str
    expected_close_date: date
    region: str
    stage: str = "PROSPECTING"
    owner_id: int | None = None
    partner_id: int | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _check_products(products: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(p.strip().upper() for p in products))
    if not cleaned or len(cleaned) > MAX_PRODUCTS:
        raise Rejected(INVALID_PRODUCT, f"give 1 to {MAX_PRODUCTS} product codes", "products")
    bad = [p for p in cleaned if not _PRODUCT.match(p)]
    if bad:
        raise Rejected(
            INVALID_PRODUCT, f"not product codes (like NET-FW): {', '.join(bad)}", "products"
        )
    return cleaned


def _check_amount(amount: Decimal) -> Decimal:
    if amount < 0 or amount > MAX_AMOUNT or amount != round(amount, 2):
        raise Rejected(INVALID_INPUT, "amount must be 0 to 999,999,999,999.99", "amount")
    return amount


def _check_currency(currency: str) -> str:
    code = currency.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise Rejected(INVALID_INPUT, "currency must be an ISO 4217 code like USD", "currency")
    return code


def _check_close_date(when: date) -> date:
    if when < _now().date():
        raise Rejected(DATE_IN_PAST, "the expected close date is in the past", "expectedCloseDate")
    return when


def _check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= 200:
        raise Rejected(INVALID_INPUT, "the customer name needs 1 to 200 characters", "customerName")
    return cleaned


async def _owner_for(
    conn: asyncpg.Connection, principal: Principal, partner_id: int, owner_id: int | None
) -> int:
    """People register for themselves; a system (API key) or a vendor names the owner."""
    chosen = owner_id if owner_id is not None else principal.user_id
    if chosen is None:
        raise Rejected(OWNER_REQUIRED, "name the deal's owner (a user of the partner)", "ownerId")
    if principal.user_id is not None and "partner_admin" not in principal.roles:
        if chosen != principal.user_id:
            raise Rejected(OWNER_NOT_IN_PARTNER, "reps register deals they own", "ownerId")
    user = await deal_writes.partner_user(conn, chosen)
    if user is None or user["partner_id"] != partner_id or not user["active"]:
        raise Rejected(
            OWNER_NOT_IN_PARTNER, "the owner must be an active user of the partner", "ownerId"
        )
    return chosen


async def register(
    conn: asyncpg.Connection, principal: Principal, registration: Registration
) -> Row:
    partner_id = (
        principal.partner_id if principal.partner_id is not None else registration.partner_id
    )
    if partner_id is None:
        raise Rejected(OWNER_REQUIRED, "name the partner the deal is registered for", "partnerId")
    values: dict[str, Any] = {
        "partner_id": partner_id,
        "owner_id": await _owner_for(conn, principal, partner_id, registration.owner_id),
        "customer_name": _check_name(registration.customer_name),
        "customer_domain": normalise_domain(registration.customer_domain),
        "region": registration.region,
        "products": _check_products(registration.products),
        "amount": _check_amount(registration.amount),
        "currency": _check_currency(registration.currency),
        "stage": registration.stage,
        "expected_close_date": _check_close_date(registration.expected_close_date),
        "status": "PENDING",
    }
    if values["stage"] not in OPEN_STAGES:
        raise Rejected(INVALID_INPUT, "a new registration starts in an open stage", "stage")
    deal = await deal_writes.insert(conn, values)
    deals, opportunities = await registrations.find_conflicts(
        conn, deal["customer_domain"], deal["products"], deal["id"], _now()
    )
    if deals or opportunities:
        await registrations.record_conflicts(conn, deal["id"], deals, opportunities)
    # In the same transaction: the CRM hears of every registration that commits, and only those.
    await outbox.enqueue_create(conn, deal["id"])
    return deal


async def announce(conn: asyncpg.Connection, deal: Row, previous: str) -> None:
    """Subscribers hear of a status change once the transaction commits."""
    if deal["status"] != previous:
        await notify(
            conn,
            DEAL_STATUS_CHANGED,
            {
                "dealId": deal["id"],
                "partnerId": deal["partner_id"],
                "ownerId": deal["owner_id"],
                "status": deal["status"],
                "previousStatus": previous,
            },
        )


async def locked(conn: asyncpg.Connection, deal_id: int, scope: RowScope, action: str) -> Row:
    deal = await deal_writes.lock(conn, deal_id, scope)
    if deal is None:
        raise Rejected(NOT_FOUND, "no such deal", "id")
    allowed = TRANSITIONS[action]
    if deal["status"] not in allowed:
        raise Rejected(
            INVALID_TRANSITION,
            f"a {deal['status']} deal cannot be {action.replace('_', ' ')}d "
            f"(only {', '.join(allowed)})",
            "id",
        )
    return deal


async def update(
    conn: asyncpg.Connection, deal: Row, principal: Principal, changes: dict[str, Any]
) -> Row:
    if "partner_rep" in principal.roles and principal.user_id != deal["owner_id"]:
        raise Rejected(NOT_FOUND, "no such deal", "id")
    checked: dict[str, Any] = {}
    if "customer_name" in changes:
        checked["customer_name"] = _check_name(changes["customer_name"])
    if "amount" in changes:
        checked["amount"] = _check_amount(changes["amount"])
    if "expected_close_date" in changes:
        checked["expected_close_date"] = _check_close_date(changes["expected_close_date"])
    if "stage" in changes:
        if changes["stage"] not in OPEN_STAGES:
            raise Rejected(INVALID_TRANSITION, "close a deal with closeDeal", "stage")
        checked["stage"] = changes["stage"]
    if not checked:
        raise Rejected(INVALID_INPUT, "nothing to change", None)
    return await deal_writes.update(conn, deal["id"], checked)


async def approve(
    conn: asyncpg.Connection, deal: Row, protection_days: int, decided_by: str
) -> Row:
    if deal["status"] == "APPROVED":
        return await decide_extension(conn, deal, True, decided_by)
    try:
        async with conn.transaction():  # a savepoint: a lost race leaves the deal untouched
            await registrations.take_approval_slots(conn, deal["id"])
    except asyncpg.UniqueViolationError:
        raise Rejected(
            APPROVAL_CONFLICT,
            "another registration for this customer and product is already approved",
            "id",
        ) from None
    now = _now()
    approved = await deal_writes.update(
        conn,
        deal["id"],
        {
            "status": "APPROVED",
            "decided_at": now,
            "protection_expires_at": now + timedelta(days=protection_days),
        },
    )
    await outbox.enqueue_update(conn, deal["id"])
    return approved


async def reject(conn: asyncpg.Connection, deal: Row, reason: str, decided_by: str) -> Row:
    if deal["status"] == "APPROVED":
        return await decide_extension(conn, deal, False, decided_by)
    cleaned = " ".join(reason.split())
    if not 1 <= len(cleaned) <= 2000:
        raise Rejected(INVALID_INPUT, "give a reason of 1 to 2000 characters", "reason")
    rejected = await deal_writes.update(
        conn, deal["id"], {"status": "REJECTED", "rejection_reason": cleaned, "decided_at": _now()}
    )
    await outbox.enqueue_update(conn, deal["id"])
    return rejected


async def request_extension(
    conn: asyncpg.Connection, deal: Row, principal: Principal, days: int, reason: str
) -> Row:
    if "partner_rep" in principal.roles and principal.user_id != deal["owner_id"]:
        raise Rejected(NOT_FOUND, "no such deal", "id")
    if deal["protection_expires_at"] <= _now():
        raise Rejected(PROTECTION_EXPIRED, "the protection period has already ended", "id")
    if not 1 <= days <= 180:
        raise Rejected(INVALID_INPUT, "ask for 1 to 180 days", "days")
    if not reason.strip():
        raise Rejected(INVALID_INPUT, "give a reason", "reason")
    if await deal_writes.open_extension_request(conn, deal["id"]) is not None:
        raise Rejected(EXTENSION_PENDING, "an extension request is already open", "id")
    await deal_writes.add_extension_request(
        conn, deal["id"], principal.subject, days, reason.strip()
    )
    return deal


async def decide_extension(
    conn: asyncpg.Connection, deal: Row, grant: bool, decided_by: str
) -> Row:
    request = await deal_writes.open_extension_request(conn, deal["id"])
    if request is None:
        raise Rejected(INVALID_TRANSITION, "the deal has no open extension request", "id")
    await deal_writes.decide_extension_request(
        conn, request["id"], "GRANTED" if grant else "DECLINED", decided_by
    )
    if not grant:
        return deal
    extended = deal["protection_expires_at"] + timedelta(days=request["requested_days"])
    return await deal_writes.update(conn, deal["id"], {"protection_expires_at": extended})


async def close(conn: asyncpg.Connection, deal: Row, principal: Principal, won: bool) -> Row:
    if "partner_rep" in principal.roles and principal.user_id != deal["owner_id"]:
        raise Rejected(NOT_FOUND, "no such deal", "id")
    await registrations.release_approval_slots(conn, [deal["id"]])
    closed = await deal_writes.update(
        conn,
        deal["id"],
        {
            "status": "WON" if won else "LOST",
            "stage": "CLOSED_WON" if won else "CLOSED_LOST",
            "closed_at": _now(),
        },
    )
    await outbox.enqueue_update(conn, deal["id"])
    return closed
