"""Steps and oracles shared by the lead-distribution tests (see conftest for the seed).

The module's database has six partners: NA acme (GOLD), bramble-computing (SILVER),
nimbus-cloud (GOLD); EMEA globex (SILVER), harbor-logic (REGISTERED); APAC upland-integration
(REGISTERED); none in LATAM. cm@ manages acme, harbor-logic and upland.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from itertools import count
from typing import Any

import asyncpg

from gateway.auth.jwt_tokens import mint_token
from gateway.schema.node import from_global_id, to_global_id
from tests.support.auth import TEST_AUTH
from tests.support.graphql import GraphQLClient

ActAs = Callable[[str], GraphQLClient]

# The rule as the issue states it, written out again so the test is an independent oracle.
WEIGHTS = {"REGISTERED": 1, "SILVER": 2, "GOLD": 3, "PLATINUM": 4}

LEAD = "lead { id status slaDeadline partner { slug } assignee { email } }"


def mutation(name: str, selection: str = LEAD) -> str:
    """`name(input:)` with its payload; the input type is named after the mutation."""
    input_type = name[0].upper() + name[1:] + "Input"
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) "
        f"{{ {selection} userErrors {{ field code message }} }} }}"
    )


CREATE, ASSIGN = mutation("createLead"), mutation("assignLead")
ACCEPT, REJECT = mutation("acceptLead"), mutation("rejectLead")
AUTO = mutation("autoAssignLeads", "assignments { lead { id region status } partner { slug } }")
CONVERT = mutation(
    "convertLead",
    "lead { id status convertedDeal { id status protectionExpiresAt owner { email } } }",
)

_numbers = count(1)


def db_id(global_id: str) -> int:
    return from_global_id(global_id)[1]


async def partner_gid(db: asyncpg.Pool, slug: str) -> str:
    return to_global_id(
        "Partner", await db.fetchval("SELECT id FROM partners WHERE slug = $1", slug)
    )


async def user_gid(db: asyncpg.Pool, email: str) -> str:
    user_id = await db.fetchval("SELECT id FROM partner_users WHERE email = $1", email)
    return to_global_id("PartnerUser", user_id)


async def new_lead(client: GraphQLClient, region: str, domain: str | None = None) -> str:
    n = next(_numbers)
    given = {
        "firstName": "Ada",
        "lastName": f"Prospect {n}",
        "email": f"ada{n}@prospect.example",
        "company": f"Prospect {n} Ltd",
        "domain": domain or f"prospect-{n}.example",
        "region": region,
        "source": "WEB",
        "score": 70,
    }
    payload = (await client.data(CREATE, {"input": given}))["createLead"]
    assert payload["userErrors"] == []
    lead_id: str = payload["lead"]["id"]
    return lead_id


async def assign(
    client: GraphQLClient, db: asyncpg.Pool, lead: str, slug: str, assignee: str | None = None
) -> dict[str, Any]:
    given = {"id": lead, "partnerId": await partner_gid(db, slug)}
    if assignee is not None:
        given["assigneeId"] = await user_gid(db, assignee)
    payload: dict[str, Any] = (await client.data(ASSIGN, {"input": given}))["assignLead"]
    return payload


async def lead_row(db: asyncpg.Pool, lead: str) -> asyncpg.Record:
    row: asyncpg.Record | None = await db.fetchrow(
        "SELECT l.*, p.slug FROM leads l LEFT JOIN partners p ON p.id = l.assigned_partner_id "
        "WHERE l.id = $1",
        db_id(lead),
    )
    assert row is not None
    return row


async def expected_partners(db: asyncpg.Pool, leads: list[str]) -> dict[str, str | None]:
    """The oracle: leads in id order, each to the eligible partner with the least
    (30-day offers + 1) / tier weight, lowest id on ties; each choice adds an offer."""
    partners = await db.fetch("SELECT id, slug, region, tier FROM partners WHERE status = 'ACTIVE'")
    offers = {
        r["assigned_partner_id"]: r["n"]
        for r in await db.fetch(
            "SELECT assigned_partner_id, count(*) AS n FROM leads "
            "WHERE assigned_at > now() - interval '30 days' GROUP BY 1"
        )
    }
    chosen: dict[str, str | None] = {}
    for lead in sorted(leads, key=db_id):
        row = await lead_row(db, lead)
        declined = {
            r["partner_id"]
            for r in await db.fetch(
                "SELECT partner_id FROM lead_declines WHERE lead_id = $1", row["id"]
            )
        }
        ranked = sorted(
            (Fraction(offers.get(p["id"], 0) + 1, WEIGHTS[p["tier"]]), p["id"], p["slug"])
            for p in partners
            if p["region"] == row["region"]
            and p["id"] not in declined
            and p["id"] != row["assigned_partner_id"]
        )
        chosen[lead] = ranked[0][2] if ranked else None
        if ranked:
            offers[ranked[0][1]] = offers.get(ranked[0][1], 0) + 1
    return chosen


async def audit_rows(db: asyncpg.Pool, lead: str, expected: int) -> list[tuple[str, str, str]]:
    rows: list[asyncpg.Record] = []
    for _ in range(50):  # denials and failures are flushed from a buffer within a second
        rows = await db.fetch(
            "SELECT operation, outcome, subject FROM audit_events "
            "WHERE object_type = 'Lead' AND object_id = $1 ORDER BY id",
            db_id(lead),
        )
        if len(rows) >= expected:
            break
        await asyncio.sleep(0.1)
    return [(r["operation"], r["outcome"], r["subject"]) for r in rows]


def harbor_admin_token() -> str:
    """harbor-logic exists only in the workflow seed, so its token is minted here."""
    return mint_token(
        TEST_AUTH,
        "admin@harbor-logic.example",
        ["partner_admin"],
        "harbor-logic",
        timedelta(hours=1),
    )


def conversion(lead: str, domain: str | None = None) -> dict[str, Any]:
    given: dict[str, Any] = {
        "id": lead,
        "products": ["NET-FW"],
        "amount": "50000.00",
        "expectedCloseDate": (date.today() + timedelta(days=45)).isoformat(),
    }
    if domain is not None:
        given["customerDomain"] = domain
    return given


async def accepted_lead(act_as: ActAs, db: asyncpg.Pool, domain: str) -> str:
    cm = act_as("cm@vendor.example")
    lead = await new_lead(cm, "NA", domain=domain)
    await assign(cm, db, lead, "acme", assignee="rep@acme.example")
    await act_as("rep@acme.example").data(ACCEPT, {"input": {"id": lead}})
    return lead
