"""Live sources (CRM_SOURCE_*=live): lists read the CRM-owned fields from the CRM at request
time, one CRM request per batch, scoped by PartnerAccountId; with the CRM down they answer from
the mirror and say so, or CRM_UNAVAILABLE where there is no mirror."""

from __future__ import annotations

import asyncpg

from gateway.crm.settings import Source
from gateway.crm.sync import MirrorSync
from gateway.schema.node import to_global_id
from tests.crm.support import crm_mutation, gateway
from tests.support.crm_sandbox import RunningSandbox

LIVE: dict[str, Source] = {"deals": "live", "leads": "live", "partners": "live"}
DEALS = """{ deals(first: 50, orderBy: {field: AMOUNT, direction: DESC}) {
  nodes { id amount stage crmOpportunityId partner { slug } } } }"""
MOVE_OPPORTUNITY = """
mutation Move($id: IdOrRef!, $partner: IdOrRef!) { uiapi(input: {allOrNone: true}) {
  OpportunityUpdate(input: {Id: $id, Opportunity: {PartnerAccountId: $partner,
                                                   Amount: 777.0}}) { Record { Id } }
} }
"""


async def test_a_live_deals_list_of_50_costs_one_crm_request(
    mirror: MirrorSync, db: asyncpg.Pool, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    await mirror.run()
    deal = await db.fetchrow(
        "SELECT id, crm_opportunity_id, amount FROM deals WHERE crm_opportunity_id IS NOT NULL "
        "ORDER BY amount DESC LIMIT 1"
    )
    assert deal is not None
    # Changed in the CRM after the mirror ran: only a live read can know.
    await crm_mutation(
        sandbox,
        """mutation Change($id: IdOrRef!) { uiapi(input: {allOrNone: true}) {
           OpportunityUpdate(input: {Id: $id, Opportunity: {Amount: 9999999.99}}) {
           Record { Id } } } }""",
        {"id": deal["crm_opportunity_id"]},
    )
    async with gateway(gateway_dsn, sandbox, LIVE) as as_user:
        await sandbox.admin.reset_stats()
        data = await as_user("admin@vendor.example").data(DEALS)
        stats = await sandbox.admin.stats()

    nodes = data["deals"]["nodes"]
    assert len(nodes) == 50
    # One GraphQL request for all 50 rows (Opportunity and Lead as two subqueries of it).
    assert stats["graphql_requests"] == 1
    assert sum(stats["subqueries_by_object"].values()) == 2
    changed = [n for n in nodes if n["crmOpportunityId"] == deal["crm_opportunity_id"]]
    assert [n["amount"] for n in changed] == ["9999999.99"]
    assert (
        await db.fetchval("SELECT amount FROM deals WHERE id = $1", deal["id"]) == deal["amount"]
    )  # the store (the mirror) still has the old value


async def test_nested_live_lists_batch_across_parents(
    mirror: MirrorSync, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    await mirror.run()
    query = "{ partners(first: 3) { nodes { name deals(first: 10) { nodes { amount } } } } }"
    async with gateway(gateway_dsn, sandbox, LIVE) as as_user:
        await sandbox.admin.reset_stats()
        data = await as_user("admin@vendor.example").data(query)
        stats = await sandbox.admin.stats()

    assert [len(p["deals"]["nodes"]) for p in data["partners"]["nodes"]] == [10, 10, 10]
    # One request for the partners' Accounts, one for all 30 deals of the three partners.
    assert stats["graphql_requests"] == 2


async def test_the_partner_scope_is_a_crm_filter_and_is_checked_again(
    mirror: MirrorSync, db: asyncpg.Pool, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    await mirror.run()
    acme = await db.fetchrow(
        "SELECT d.id, d.crm_opportunity_id FROM deals d JOIN partners p ON p.id = d.partner_id "
        "WHERE p.slug = 'acme' AND d.crm_opportunity_id IS NOT NULL ORDER BY d.id LIMIT 1"
    )
    globex = await db.fetchval("SELECT crm_account_id FROM partners WHERE slug = 'globex'")
    assert acme is not None and globex is not None
    # The CRM now says this opportunity is globex's: acme must no longer see it live.
    await crm_mutation(
        sandbox, MOVE_OPPORTUNITY, {"id": acme["crm_opportunity_id"], "partner": globex}
    )
    async with gateway(gateway_dsn, sandbox, LIVE) as as_user:
        # CRM ids are vendor-side: a partner's query selects none.
        data = await as_user("admin@acme.example").data(DEALS.replace("crmOpportunityId", ""))

    nodes = data["deals"]["nodes"]
    assert nodes and {n["partner"]["slug"] for n in nodes} == {"acme"}
    assert to_global_id("Deal", acme["id"]) not in {n["id"] for n in nodes}
    assert "777.00" not in {n["amount"] for n in nodes}


async def test_with_the_crm_down_a_live_read_answers_from_the_mirror_and_says_so(
    mirror: MirrorSync, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    await mirror.run()
    async with gateway(gateway_dsn, sandbox, LIVE) as as_user:
        await sandbox.admin.set_faults(error_rate=1.0)
        body = await as_user("admin@vendor.example").execute(DEALS)

    assert "errors" not in body
    assert len(body["data"]["deals"]["nodes"]) == 50
    stale = body["extensions"]["stale"]
    assert list(stale) == ["Deal"] and stale["Deal"]["source"] == "mirror"
    assert stale["Deal"]["mirrorAgeSeconds"] >= 0


async def test_with_the_crm_down_and_no_mirror_a_live_read_is_crm_unavailable(
    db: asyncpg.Pool, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    assert await db.fetchval("SELECT count(*) FROM crm_sync_state") == 0  # never mirrored
    async with gateway(gateway_dsn, sandbox, LIVE) as as_user:
        await sandbox.admin.set_faults(error_rate=1.0)
        body = await as_user("admin@vendor.example").execute(DEALS)

    assert body["data"] is None or body["data"]["deals"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "CRM_UNAVAILABLE"
    assert "no mirror" in error["message"]


async def test_live_leads_read_the_contact_from_the_crm(
    mirror: MirrorSync, db: asyncpg.Pool, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    await mirror.run()
    lead = await db.fetchrow(
        "SELECT id, crm_lead_id, first_name FROM leads WHERE crm_lead_id IS NOT NULL "
        "ORDER BY id LIMIT 1"
    )
    assert lead is not None
    await crm_mutation(
        sandbox,
        """mutation Rename($id: IdOrRef!) { uiapi(input: {allOrNone: true}) {
           LeadUpdate(input: {Id: $id, Lead: {FirstName: "Renamed", Phone: null}}) {
           Record { Id } } } }""",
        {"id": lead["crm_lead_id"]},
    )
    query = "{ leads(first: 20) { nodes { crmId firstName phone } } }"
    async with gateway(gateway_dsn, sandbox, LIVE) as as_user:
        await sandbox.admin.reset_stats()
        live = (await as_user("admin@vendor.example").data(query))["leads"]["nodes"]
        stats = await sandbox.admin.stats()
    async with gateway(gateway_dsn, sandbox) as as_user:
        mirrored = (await as_user("admin@vendor.example").data(query))["leads"]["nodes"]

    renamed = [n for n in live if n["crmId"] == lead["crm_lead_id"]]
    assert renamed == [{"crmId": lead["crm_lead_id"], "firstName": "Renamed", "phone": None}]
    assert stats["graphql_requests"] == 1
    # The mirror source still answers what was last mirrored.
    [before] = [n for n in mirrored if n["crmId"] == lead["crm_lead_id"]]
    assert before["firstName"] == lead["first_name"]
