"""Lead distribution end to end: manual and rule-based assignment, the SLA, recall, conversion.

The module's database (see conftest) has six partners: NA acme (GOLD), bramble-computing
(SILVER), nimbus-cloud (GOLD); EMEA globex (SILVER), harbor-logic (REGISTERED); APAC
upland-integration (REGISTERED); none in LATAM. cm@ manages acme, harbor-logic and upland.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from itertools import count
from typing import Any

import asyncpg
import orjson

from gateway.auth.jwt_tokens import mint_token
from gateway.schema.node import from_global_id, to_global_id
from gateway.store.notifications import LEAD_ASSIGNED
from gateway.workflows.leads import recall_overdue_leads
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


async def test_manual_assignment_to_a_managed_active_partner(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    cm = act_as("cm@vendor.example")
    lead = await new_lead(cm, "NA")
    before = datetime.now(UTC)
    payload = await assign(cm, db, lead, "acme", assignee="rep@acme.example")
    assert payload["userErrors"] == []
    assert payload["lead"]["status"] == "ASSIGNED"
    assert payload["lead"]["partner"] == {"slug": "acme"}
    assert payload["lead"]["assignee"] == {"email": "rep@acme.example"}
    deadline = datetime.fromisoformat(payload["lead"]["slaDeadline"])
    assert before + timedelta(hours=47) < deadline < before + timedelta(hours=49)
    seen = await act_as("rep@acme.example").data(
        "query($id: ID!) { node(id: $id) { ... on Lead { status } } }", {"id": lead}
    )
    assert seen["node"] == {"status": "ASSIGNED"}

    # A partner cm@ does not manage does not exist for them; an assignee must be the partner's.
    other = await new_lead(cm, "EMEA")
    refused = await assign(cm, db, other, "globex")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("NOT_FOUND", "partnerId")]
    stranger = await assign(cm, db, other, "harbor-logic", assignee="rep@globex.example")
    assert [e["code"] for e in stranger["userErrors"]] == ["OWNER_NOT_IN_PARTNER"]
    assert (await lead_row(db, other))["status"] == "NEW"


async def test_auto_assignment_follows_region_declines_and_tier_weight(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    admin = act_as("admin@vendor.example")
    na = [await new_lead(admin, "NA") for _ in range(7)]
    emea, apac = await new_lead(admin, "EMEA"), await new_lead(admin, "APAC")
    globex_id = await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    await db.execute(
        "INSERT INTO lead_declines (lead_id, partner_id, reason) VALUES ($1, $2, 'REJECTED')",
        db_id(emea),
        globex_id,
    )
    leads = [*na, emea, apac]
    expected = await expected_partners(db, leads)
    payload = (await admin.data(AUTO, {"input": {"ids": leads}}))["autoAssignLeads"]
    assert payload["userErrors"] == []
    got = {a["lead"]["id"]: a["partner"]["slug"] for a in payload["assignments"]}
    assert got == expected
    assert got[emea] == "harbor-logic"  # globex declined it
    detail = await db.fetchval(
        "SELECT detail FROM audit_events WHERE operation = 'autoAssignLeads' "
        "AND outcome = 'ALLOWED' ORDER BY id DESC LIMIT 1"
    )
    audited = {a["leadId"] for a in orjson.loads(detail)["assignments"]}
    assert audited == {db_id(lead) for lead in leads}
    assert got[apac] == "upland-integration"
    for lead in leads:
        row = await lead_row(db, lead)
        assert (row["status"], row["slug"]) == ("ASSIGNED", got[lead])
        assert row["assigned_user_id"] is None  # the partner's admins triage it


async def test_auto_assignment_by_limit_stays_with_managed_partners_and_shares_work(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    cm = act_as("cm@vendor.example")
    for region in ("NA", "EMEA", "APAC", "NA", "EMEA", "APAC"):
        await new_lead(cm, region)
    query = {"input": {"limit": 3}}
    first, second = await asyncio.gather(cm.data(AUTO, query), cm.data(AUTO, query))
    assignments = [
        *first["autoAssignLeads"]["assignments"],
        *second["autoAssignLeads"]["assignments"],
    ]
    ids = [a["lead"]["id"] for a in assignments]
    assert len(ids) == len(set(ids)) > 0  # concurrent runs never take the same lead
    managed = {"acme", "harbor-logic", "upland-integration"}
    assert {a["partner"]["slug"] for a in assignments} <= managed
    for a in assignments:
        row = await lead_row(db, a["lead"]["id"])
        region = await db.fetchval("SELECT region FROM partners WHERE slug = $1", row["slug"])
        assert region == row["region"]


async def test_accept_within_the_sla(act_as: ActAs, db: asyncpg.Pool) -> None:
    cm = act_as("cm@vendor.example")
    mine, open_lead = await new_lead(cm, "NA"), await new_lead(cm, "NA")
    await assign(cm, db, mine, "acme", assignee="rep@acme.example")
    await assign(cm, db, open_lead, "acme")
    rep = act_as("rep@acme.example")
    accepted = (await rep.data(ACCEPT, {"input": {"id": mine}}))["acceptLead"]
    assert accepted["userErrors"] == []
    assert accepted["lead"]["status"] == "ACCEPTED"
    assert accepted["lead"]["assignee"] == {"email": "rep@acme.example"}

    colleague = await user_gid(db, "mohammed.martin@acme.example")
    admin = act_as("admin@acme.example")
    named = await admin.data(ACCEPT, {"input": {"id": open_lead, "assigneeId": colleague}})
    assert named["acceptLead"]["lead"]["assignee"] == {"email": "mohammed.martin@acme.example"}


async def test_accept_after_the_deadline_is_sla_expired(act_as: ActAs, db: asyncpg.Pool) -> None:
    cm = act_as("cm@vendor.example")
    lead = await new_lead(cm, "NA")
    await assign(cm, db, lead, "acme", assignee="rep@acme.example")
    await db.execute(
        "UPDATE leads SET sla_deadline = now() - interval '1 hour' WHERE id = $1", db_id(lead)
    )
    late = (await act_as("rep@acme.example").data(ACCEPT, {"input": {"id": lead}}))["acceptLead"]
    assert late["lead"] is None
    assert [(e["code"], e["field"]) for e in late["userErrors"]] == [("SLA_EXPIRED", "id")]
    assert (await lead_row(db, lead))["status"] == "ASSIGNED"


async def test_reject_records_the_decline_and_offers_the_lead_on(
    act_as: ActAs, db: asyncpg.Pool, workflow_app: GraphQLClient
) -> None:
    lead = await new_lead(act_as("admin@vendor.example"), "EMEA")
    await assign(act_as("cm2@vendor.example"), db, lead, "globex")
    globex = act_as("admin@globex.example")
    rejected = await globex.data(REJECT, {"input": {"id": lead, "reason": "Not our sector"}})
    # It moved on to harbor-logic, which globex may not see.
    assert rejected["rejectLead"] == {"lead": None, "userErrors": []}
    declines = await db.fetch(
        "SELECT p.slug, d.reason, d.note FROM lead_declines d JOIN partners p "
        "ON p.id = d.partner_id WHERE d.lead_id = $1",
        db_id(lead),
    )
    assert [tuple(r) for r in declines] == [("globex", "REJECTED", "Not our sector")]
    row = await lead_row(db, lead)
    assert (row["status"], row["slug"]) == ("ASSIGNED", "harbor-logic")

    # harbor-logic declines too: nobody in EMEA is left, so it goes back to the vendor.
    harbor = workflow_app.as_({"authorization": f"Bearer {harbor_admin_token()}"})
    again = await harbor.data(REJECT, {"input": {"id": lead, "reason": "No capacity"}})
    assert again["rejectLead"] == {"lead": None, "userErrors": []}
    row = await lead_row(db, lead)
    assert (row["status"], row["assigned_partner_id"], row["sla_deadline"]) == (
        "RECALLED",
        None,
        None,
    )
    reasons = await db.fetchval(
        "SELECT count(*) FROM lead_declines WHERE lead_id = $1 AND reason = 'REJECTED'",
        db_id(lead),
    )
    assert reasons == 2
    steps = await audit_rows(db, lead, 4)
    assert ("rejectLead", "ALLOWED", "admin@globex.example") in steps
    assert ("rejectLead", "ALLOWED", "admin@harbor-logic.example") in steps


def harbor_admin_token() -> str:
    """harbor-logic exists only in this module's seed, so its token is minted here."""
    return mint_token(
        TEST_AUTH,
        "admin@harbor-logic.example",
        ["partner_admin"],
        "harbor-logic",
        timedelta(hours=1),
    )


async def overdue_lead(act_as: ActAs, db: asyncpg.Pool, slug: str) -> str:
    admin = act_as("admin@vendor.example")
    region = await db.fetchval("SELECT region FROM partners WHERE slug = $1", slug)
    lead = await new_lead(admin, region)
    await assign(admin, db, lead, slug)
    await db.execute(
        "UPDATE leads SET sla_deadline = now() - interval '1 minute' WHERE id = $1", db_id(lead)
    )
    return lead


async def recall(dsn: str) -> list[int]:
    """What the scheduled job does, on a connection of its own."""
    conn = await asyncpg.connect(dsn)
    try:
        return await recall_overdue_leads(conn, 48)
    finally:
        await conn.close()


async def test_recall_offers_overdue_leads_to_the_next_partner(
    act_as: ActAs, db: asyncpg.Pool, workflow_dsn: str
) -> None:
    lead = await overdue_lead(act_as, db, "acme")
    lonely = await overdue_lead(act_as, db, "upland-integration")  # alone in APAC
    recalled = await recall(workflow_dsn)
    assert {db_id(lead), db_id(lonely)} <= set(recalled)
    row = await lead_row(db, lead)
    assert row["status"] == "ASSIGNED"
    assert row["slug"] in {"bramble-computing", "nimbus-cloud"}
    assert row["sla_deadline"] > datetime.now(UTC) + timedelta(hours=47)
    alone = await lead_row(db, lonely)
    assert (alone["status"], alone["assigned_partner_id"]) == ("RECALLED", None)
    silent = await db.fetch(
        "SELECT p.slug, d.reason FROM lead_declines d JOIN partners p ON p.id = d.partner_id "
        "WHERE d.lead_id = ANY($1::bigint[]) ORDER BY d.lead_id",
        [db_id(lead), db_id(lonely)],
    )
    assert [tuple(r) for r in silent] == [
        ("acme", "SLA_EXPIRED"),
        ("upland-integration", "SLA_EXPIRED"),
    ]
    events = await db.fetch(
        "SELECT subject, outcome, partner_id FROM audit_events WHERE operation = 'recallLead' "
        "AND object_id = $1",
        db_id(lead),
    )
    acme = await db.fetchval("SELECT id FROM partners WHERE slug = 'acme'")
    assert [tuple(e) for e in events] == [("system:jobs", "ALLOWED", acme)]


async def test_recall_running_twice_at_once_recalls_each_lead_once(
    act_as: ActAs, db: asyncpg.Pool, workflow_dsn: str
) -> None:
    leads = [await overdue_lead(act_as, db, slug) for slug in ("acme", "nimbus-cloud", "globex")]
    # A run that has not committed yet holds its leads: a second run passes them by at once.
    holder = await asyncpg.connect(workflow_dsn)
    try:
        async with holder.transaction():
            first = await recall_overdue_leads(holder, 48)
            second = await asyncio.wait_for(recall(workflow_dsn), timeout=5)
    finally:
        await holder.close()
    assert {db_id(lead) for lead in leads} <= set(first)
    assert not set(first) & set(second)
    # And two runs started together, once more leads are overdue.
    more = [await overdue_lead(act_as, db, slug) for slug in ("bramble-computing", "globex")]
    third, fourth = await asyncio.gather(recall(workflow_dsn), recall(workflow_dsn))
    assert not set(third) & set(fourth)
    assert {db_id(lead) for lead in more} <= set(third) | set(fourth)
    for lead in [*leads, *more]:
        declines = await db.fetchval(
            "SELECT count(*) FROM lead_declines WHERE lead_id = $1 AND reason = 'SLA_EXPIRED'",
            db_id(lead),
        )
        assert declines == 1
    assert await recall(workflow_dsn) == []  # nothing is overdue any more


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


async def test_convert_makes_a_pre_approved_deal(act_as: ActAs, db: asyncpg.Pool) -> None:
    lead = await accepted_lead(act_as, db, "converted-customer.example")
    rep = act_as("rep@acme.example")
    payload = (await rep.data(CONVERT, {"input": conversion(lead)}))["convertLead"]
    assert payload["userErrors"] == []
    assert payload["lead"]["status"] == "CONVERTED"
    deal = payload["lead"]["convertedDeal"]
    assert deal["status"] == "APPROVED"
    assert deal["owner"] == {"email": "rep@acme.example"}
    expires = datetime.fromisoformat(deal["protectionExpiresAt"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    seen = await rep.data(
        "query($id: ID!) { node(id: $id) { ... on Deal { status customerDomain } } }",
        {"id": deal["id"]},
    )
    assert seen["node"] == {"status": "APPROVED", "customerDomain": "converted-customer.example"}
    slots = await db.fetchval(
        "SELECT count(*) FROM deal_approvals WHERE deal_id = $1", db_id(deal["id"])
    )
    assert slots == 1


async def test_convert_clashing_with_an_approved_deal_writes_nothing(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    registered = await act_as("rep@globex.example").data(
        "mutation($input: RegisterDealInput!) { registerDeal(input: $input) { deal { id } } }",
        {
            "input": {
                "customerName": "Clash Co",
                "customerDomain": "clash-customer.example",
                "products": ["NET-FW"],
                "amount": "1000.00",
                "expectedCloseDate": (date.today() + timedelta(days=30)).isoformat(),
                "region": "NA",
            }
        },
    )
    await act_as("admin@vendor.example").data(
        "mutation($id: ID!) { approveDeal(input: {id: $id}) { deal { status } } }",
        {"id": registered["registerDeal"]["deal"]["id"]},
    )
    lead = await accepted_lead(act_as, db, "www.clash-customer.example")
    deals_before = await db.fetchval("SELECT count(*) FROM deals")
    payload = await act_as("admin@acme.example").data(CONVERT, {"input": conversion(lead)})
    assert payload["convertLead"]["lead"] is None
    assert [e["code"] for e in payload["convertLead"]["userErrors"]] == ["APPROVAL_CONFLICT"]
    assert await db.fetchval("SELECT count(*) FROM deals") == deals_before
    row = await lead_row(db, lead)
    assert (row["status"], row["converted_deal_id"]) == ("ACCEPTED", None)


async def test_actions_outside_the_grant_are_forbidden(act_as: ActAs, db: asyncpg.Pool) -> None:
    lead = await new_lead(act_as("cm@vendor.example"), "NA")
    leads_before = await db.fetchval("SELECT count(*) FROM leads")
    rep = act_as("rep@acme.example")
    given = {"id": lead, "partnerId": await partner_gid(db, "acme")}
    body = await rep.execute(ASSIGN, {"input": given})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    analyst = await act_as("analyst@vendor.example").execute(
        CREATE,
        {
            "input": {
                "firstName": "A",
                "lastName": "B",
                "email": "a@b.example",
                "company": "C",
                "domain": "c.example",
                "region": "NA",
                "source": "WEB",
                "score": 1,
            }
        },
    )
    assert analyst["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await db.fetchval("SELECT count(*) FROM leads") == leads_before
    assert (await lead_row(db, lead))["status"] == "NEW"


async def test_leads_outside_the_scope_are_not_found(act_as: ActAs, db: asyncpg.Pool) -> None:
    cm = act_as("cm@vendor.example")
    lead = await new_lead(cm, "NA")
    await assign(cm, db, lead, "acme")  # offered to acme, to nobody in particular
    for who in ("admin@globex.example", "rep@acme.example"):
        payload = (await act_as(who).data(ACCEPT, {"input": {"id": lead}}))["acceptLead"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", "id")]
    # cm2@ manages none of acme's leads.
    cm2 = await act_as("cm2@vendor.example").data(AUTO, {"input": {"ids": [lead]}})
    assert [e["code"] for e in cm2["autoAssignLeads"]["userErrors"]] == ["NOT_FOUND"]
    assert (await lead_row(db, lead))["status"] == "ASSIGNED"


async def written(db: asyncpg.Pool) -> tuple[int, int, int]:
    """How many leads, declines and deals there are."""
    counts = await db.fetch(
        "SELECT count(*) FROM leads UNION ALL SELECT count(*) FROM lead_declines "
        "UNION ALL SELECT count(*) FROM deals"
    )
    leads, declines, deals = (row[0] for row in counts)
    return leads, declines, deals


async def test_bad_inputs_are_user_errors_and_write_nothing(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    cm = act_as("cm@vendor.example")
    lead = await new_lead(cm, "NA")
    latam = await new_lead(cm, "LATAM")
    taken = await new_lead(cm, "NA")
    await assign(cm, db, taken, "acme")
    dormant = to_global_id(
        "Partner",
        await db.fetchval(
            "INSERT INTO partners (slug, name, region, country, status, website, domain, "
            "joined_at) VALUES ('dormant-co', 'Dormant Co', 'NA', 'US', 'SUSPENDED', "
            "'https://dormant.example', 'dormant.example', current_date) RETURNING id"
        ),
    )
    before = await written(db)
    good = {
        "firstName": "A",
        "lastName": "B",
        "email": "a@b.example",
        "company": "C",
        "domain": "c.example",
        "region": "NA",
        "source": "WEB",
        "score": 1,
    }
    creates = [
        ({**good, "domain": "not a domain"}, "INVALID_DOMAIN", "domain"),
        ({**good, "email": "nobody"}, "INVALID_INPUT", "email"),
        ({**good, "score": 101}, "INVALID_INPUT", "score"),
        ({**good, "firstName": "  "}, "INVALID_INPUT", "firstName"),
        ({**good, "phone": "call me"}, "INVALID_INPUT", "phone"),
    ]
    for given, code, field in creates:
        payload = (await cm.data(CREATE, {"input": given}))["createLead"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], given
    acme = await partner_gid(db, "acme")
    cases: list[tuple[str, dict[str, Any], str, str | None]] = [
        (ASSIGN, {"id": "garbage", "partnerId": acme}, "NOT_FOUND", "id"),
        (ASSIGN, {"id": to_global_id("Lead", 10**9), "partnerId": acme}, "NOT_FOUND", "id"),
        (ASSIGN, {"id": lead, "partnerId": "garbage"}, "NOT_FOUND", "partnerId"),
        (ASSIGN, {"id": lead, "partnerId": dormant}, "INVALID_INPUT", "partnerId"),
        (ASSIGN, {"id": lead, "partnerId": acme, "assigneeId": "x"}, "NOT_FOUND", "assigneeId"),
        (AUTO, {"ids": [lead], "limit": 5}, "INVALID_INPUT", "ids"),
        (AUTO, {"limit": 0}, "INVALID_INPUT", "limit"),
        (AUTO, {"ids": [lead, to_global_id("Lead", 10**9)]}, "NOT_FOUND", "ids"),
        (AUTO, {"ids": [lead, latam]}, "NO_ELIGIBLE_PARTNER", "ids"),
        (AUTO, {"ids": [lead, taken]}, "INVALID_TRANSITION", "ids"),
        (ASSIGN, {"id": taken, "partnerId": acme}, "INVALID_TRANSITION", "id"),
        (ACCEPT, {"id": lead}, "INVALID_TRANSITION", "id"),
        (REJECT, {"id": lead, "reason": "no"}, "INVALID_TRANSITION", "id"),
        (CONVERT, conversion(lead), "INVALID_TRANSITION", "id"),
    ]
    admin = act_as("admin@vendor.example")
    for mutation, given, code, at in cases:
        data = await admin.data(mutation, {"input": given})
        payload = next(iter(data.values()))
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, at)], given
    assert await written(db) == before
    assert (await lead_row(db, lead))["status"] == "NEW"


async def test_lead_assigned_is_announced_after_commit_only(
    act_as: ActAs, db: asyncpg.Pool, workflow_dsn: str
) -> None:
    admin = act_as("admin@vendor.example")
    rolled_back, latam, marker = (
        await new_lead(admin, "NA"),
        await new_lead(admin, "LATAM"),
        await new_lead(admin, "EMEA"),
    )
    heard: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    listener = await asyncpg.connect(workflow_dsn)

    def on_event(conn: Any, pid: int, channel: str, payload: object) -> None:
        assert isinstance(payload, str)
        heard.put_nowait(orjson.loads(payload))

    try:
        await listener.add_listener(LEAD_ASSIGNED, on_event)
        # The NA lead is offered first inside the transaction, then LATAM fails: all rolls back.
        failed = await admin.data(AUTO, {"input": {"ids": [rolled_back, latam]}})
        assert failed["autoAssignLeads"]["userErrors"][0]["code"] == "NO_ELIGIBLE_PARTNER"
        await assign(admin, db, marker, "globex")
        event = await asyncio.wait_for(heard.get(), timeout=5)
    finally:
        await listener.close()
    # Events arrive in commit order, so the first one heard is the committed assignment.
    globex = await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    row = await lead_row(db, marker)
    assert event == {
        "leadId": db_id(marker),
        "partnerId": globex,
        "assignedUserId": None,
        "slaDeadline": row["sla_deadline"].isoformat(),
    }
    assert heard.empty()


async def test_every_step_is_audited(act_as: ActAs, db: asyncpg.Pool) -> None:
    lead = await accepted_lead(act_as, db, "audited-customer.example")
    await act_as("rep@acme.example").execute(ASSIGN, {"input": {"id": lead, "partnerId": "x"}})
    await act_as("rep@acme.example").data(ACCEPT, {"input": {"id": lead}})  # fails: ACCEPTED
    await act_as("rep@acme.example").data(CONVERT, {"input": conversion(lead)})
    got = sorted(await audit_rows(db, lead, 6))
    assert got == [
        ("acceptLead", "ALLOWED", "rep@acme.example"),
        ("acceptLead", "FAILED", "rep@acme.example"),
        ("assignLead", "ALLOWED", "cm@vendor.example"),
        ("assignLead", "DENIED", "rep@acme.example"),
        ("convertLead", "ALLOWED", "rep@acme.example"),
        ("createLead", "ALLOWED", "cm@vendor.example"),
    ]
