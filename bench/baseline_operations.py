"""The baseline's four operations: the gateway's statements, the gateway's JSON, by hand."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import orjson

from bench import baseline_sql as sql
from bench.baseline_caller import Caller, Refused

Json = dict[str, Any]
Record = asyncpg.Record


def gid(type_name: str, row_id: int) -> str:
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def db_id(global_id: str, type_name: str) -> int:
    kind, _, raw = base64.b64decode(global_id).decode().partition(":")
    if kind != type_name:
        raise ValueError(f"not a {type_name} id")
    return int(raw)


def deal_json(row: Record) -> Json:
    return {
        "id": gid("Deal", row["id"]),
        "customerName": row["customer_name"],
        "customerDomain": row["customer_domain"],
        "region": row["region"],
        "products": row["products"],
        "amount": row["amount"],
        "currency": row["currency"],
        "stage": row["stage"],
        "expectedCloseDate": row["expected_close_date"],
        "status": row["status"],
        "registeredAt": row["registered_at"],
        "updatedAt": row["updated_at"],
    }


def partner_json(row: Record | None) -> Json | None:
    if row is None:
        return None
    return {"id": gid("Partner", row["id"]), "slug": row["slug"], "name": row["name"],
            "tier": row["tier"]}  # fmt: skip


def owner_json(row: Record | None) -> Json | None:
    if row is None:
        return None
    return {"id": gid("PartnerUser", row["id"]), "email": row["email"],
            "firstName": row["first_name"], "lastName": row["last_name"]}  # fmt: skip


async def partners_and_owners(
    conn: asyncpg.Connection, caller: Caller, deals: list[Record]
) -> tuple[dict[int, Record], dict[int, Record]]:
    partner_ids = list(dict.fromkeys(d["partner_id"] for d in deals))
    owner_ids = list(dict.fromkeys(d["owner_id"] for d in deals if d["owner_id"] is not None))
    if caller.vendor_wide:
        partners = await conn.fetch(sql.PARTNERS_BY_IDS, partner_ids)
        owners = await conn.fetch(sql.USERS_BY_IDS, owner_ids)
    else:
        own = [caller.partner_id]
        partners = await conn.fetch(sql.OWN_PARTNERS_BY_IDS, partner_ids, own)
        owners = await conn.fetch(sql.OWN_USERS_BY_IDS, owner_ids, own, caller.user_id)
    return {p["id"]: p for p in partners}, {u["id"]: u for u in owners}


def deals_with_relations(
    deals: list[Record], partners: dict[int, Record], owners: dict[int, Record]
) -> list[Json]:
    out = []
    for row in deals:
        item = deal_json(row)
        item["partner"] = partner_json(partners.get(row["partner_id"]))
        item["owner"] = owner_json(owners.get(row["owner_id"]))
        out.append(item)
    return out


Handler = Callable[[asyncpg.Connection, Caller, Json], Awaitable[Json]]


async def deal_by_id(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    if not caller.vendor_wide:
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    deals = await conn.fetch(sql.DEALS_BY_IDS, [db_id(variables["id"], "Deal")])
    partners, owners = await partners_and_owners(conn, caller, deals)
    nodes = deals_with_relations(deals, partners, owners)
    return {"data": {"node": nodes[0] if nodes else None}}


async def deals_page(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    first = 100
    if caller.vendor_wide:
        deals = await conn.fetch(sql.DEALS_PAGE, first + 1)
    else:
        deals = await conn.fetch(sql.OWN_DEALS_PAGE, [caller.partner_id], caller.user_id, first + 1)
    deals = deals[:first]
    partners, owners = await partners_and_owners(conn, caller, deals)
    return {"data": {"deals": {"nodes": deals_with_relations(deals, partners, owners)}}}


async def partners_tree(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    if not caller.vendor_wide:
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    first = 10
    partners = (await conn.fetch(sql.PARTNERS_PAGE, first + 1))[:first]
    partner_ids = [p["id"] for p in partners]
    deals_by_partner: dict[int, list[Record]] = {pid: [] for pid in partner_ids}
    for row in await conn.fetch(sql.DEALS_PAGE_PER_PARTNER, partner_ids, first + 1):
        deals_by_partner[row["partner_id"]].append(row)
    users_by_partner: dict[int, list[Record]] = {pid: [] for pid in partner_ids}
    for row in await conn.fetch(sql.USERS_PAGE_PER_PARTNER, partner_ids, first + 1):
        users_by_partner[row["partner_id"]].append(row)
    for pid in partner_ids:
        deals_by_partner[pid] = deals_by_partner[pid][:first]
        users_by_partner[pid] = users_by_partner[pid][:first]
    owner_ids = list(
        dict.fromkeys(d["owner_id"] for pid in partner_ids for d in deals_by_partner[pid])
    )
    owners = {u["id"]: u for u in await conn.fetch(sql.USERS_BY_IDS, owner_ids)}
    user_ids = [u["id"] for pid in partner_ids for u in users_by_partner[pid]]
    certifications: dict[int, list[Json]] = {uid: [] for uid in user_ids}
    now = datetime.now(UTC)
    for cert in await conn.fetch(sql.CERTIFICATIONS_BY_USER_IDS, user_ids):
        certifications[cert["user_id"]].append(
            {"expiresAt": cert["expires_at"], "isCurrent": cert["expires_at"] > now}
        )

    def owner_of(deal: Record) -> Json | None:
        owner = owners.get(deal["owner_id"])
        return None if owner is None else {"id": gid("PartnerUser", owner["id"]),
                                           "email": owner["email"]}  # fmt: skip

    nodes = []
    for p in partners:
        nodes.append(
            {
                "id": gid("Partner", p["id"]),
                "slug": p["slug"],
                "name": p["name"],
                "tier": p["tier"],
                "deals": {
                    "nodes": [
                        {
                            "id": gid("Deal", d["id"]),
                            "customerName": d["customer_name"],
                            "amount": d["amount"],
                            "status": d["status"],
                            "owner": owner_of(d),
                        }
                        for d in deals_by_partner[p["id"]]
                    ]
                },
                "users": {
                    "nodes": [
                        {
                            "id": gid("PartnerUser", u["id"]),
                            "email": u["email"],
                            "certifications": certifications[u["id"]],
                        }
                        for u in users_by_partner[p["id"]]
                    ]
                },
            }
        )
    return {"data": {"partners": {"nodes": nodes}}}


_DOMAIN = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_PRODUCT = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,10}){0,3}$")


def _registration(caller: Caller, given: Json) -> list[Any]:
    """The insert's values, validated the way a hand-written endpoint would."""
    domain = str(given["customerDomain"]).strip().lower().removeprefix("www.")
    products = list(dict.fromkeys(str(p).strip().upper() for p in given["products"]))
    if not _DOMAIN.match(domain) or not products or not all(map(_PRODUCT.match, products)):
        raise Refused(400, "BAD_USER_INPUT")
    return [
        caller.partner_id,
        caller.user_id,
        " ".join(str(given["customerName"]).split()),
        domain,
        given["region"],
        products,
        Decimal(str(given["amount"])),
        given.get("currency", "USD"),
        given.get("stage", "PROSPECTING"),
        date.fromisoformat(given["expectedCloseDate"]),
        "PENDING",
    ]


async def register_deal(conn: asyncpg.Connection, caller: Caller, variables: Json) -> Json:
    if caller.role != "partner_rep":
        raise Refused(403, "NOT_IN_THE_BENCHMARK")
    values = _registration(caller, variables["input"])
    async with conn.transaction():
        owner = await conn.fetchrow(sql.REGISTER_OWNER, caller.user_id)
        if owner is None or owner["partner_id"] != caller.partner_id or not owner["active"]:
            raise Refused(400, "OWNER_NOT_IN_PARTNER")
        deal = await conn.fetchrow(sql.REGISTER_INSERT, *values)
        assert deal is not None  # INSERT ... RETURNING answers its row
        now = datetime.now(UTC)
        domain, products = deal["customer_domain"], deal["products"]
        rows = await conn.fetch(sql.CONFLICTING_DEALS, domain, products, deal["id"], now)
        deals = [r["id"] for r in rows]
        rows = await conn.fetch(sql.CONFLICTING_OPPORTUNITIES, domain, products)
        opportunities = [r["id"] for r in rows]
        if deals or opportunities:
            await conn.execute(sql.RECORD_CONFLICTS, deal["id"], deals, opportunities)
        await conn.execute(sql.OUTBOX_CREATE, deal["id"])  # the CRM hears of the registration
        detail = orjson.dumps({"customerDomain": domain}).decode()
        await conn.execute(
            sql.AUDIT_APPEND, [now], [uuid.uuid4().hex], [caller.email], [caller.role],
            [caller.partner_id], ["registerDeal"], ["Deal"], [deal["id"]], ["ALLOWED"], [None],
            [detail],
        )  # fmt: skip
    partners, owners = await partners_and_owners(conn, caller, [deal])
    partner, person = partners.get(deal["partner_id"]), owners.get(deal["owner_id"])
    body = {
        "id": gid("Deal", deal["id"]),
        "customerName": deal["customer_name"],
        "customerDomain": deal["customer_domain"],
        "products": deal["products"],
        "amount": deal["amount"],
        "currency": deal["currency"],
        "stage": deal["stage"],
        "expectedCloseDate": deal["expected_close_date"],
        "status": deal["status"],
        "partner": None if partner is None else {"id": gid("Partner", partner["id"]),
                                                 "slug": partner["slug"]},
        "owner": None if person is None else {"id": gid("PartnerUser", person["id"]),
                                              "email": person["email"]},
    }  # fmt: skip
    return {"data": {"registerDeal": {"deal": body, "userErrors": []}}}


OPERATIONS: dict[str, Handler] = {
    "DealById": deal_by_id,
    "DealsPage": deals_page,
    "PartnersTree": partners_tree,
    "RegisterDeal": register_deal,
}
