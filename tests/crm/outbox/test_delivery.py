"""Delivering the outbox to the sandbox CRM over real HTTP: creates, updates, the CRM down and
back, lost answers, refusals, deleted records and the allowance running out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from gateway.crm.client import CrmClient
from gateway.crm.outbox.mapping import DEFAULT_LEAD_STATUSES, WriteMapping
from gateway.crm.outbox.settings import OutboxSettings
from gateway.crm.outbox.worker import deliver_pass, outbox_client
from gateway.crm.settings import CrmSettings
from gateway.metrics import REGISTRY
from gateway.schema.node import to_global_id
from tests.crm.outbox.support import (
    APPROVE,
    CLOSE,
    OUTBOX,
    crm_leads,
    db_id,
    drain,
    entries_of,
    pending_of,
    refs_of,
    register,
)
from tests.support.crm_sandbox import RunningSandbox
from tests.support.graphql import GraphQLClient

Bearer = Callable[[str], dict[str, str]]


async def test_with_the_crm_down_registrations_succeed_and_each_becomes_one_lead_once_back(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm: CrmClient,
) -> None:
    await clean_sandbox.admin.set_faults(error_rate=1.0)  # every CRM request answers 503
    rep = gateway.as_(bearer("rep@acme.example"))
    deal_ids = [db_id(await register(rep)) for _ in range(50)]

    down = await deliver_pass(db, crm, OutboxSettings())
    assert (down.delivered, down.failed, down.retried) == (0, 0, 1)
    assert down.paused is not None and "503" in down.paused  # stopped at the first refusal
    entries = [e for deal in deal_ids for e in await entries_of(db, deal)]
    assert len(entries) == 50 and {e["status"] for e in entries} == {"pending"}
    await clean_sandbox.admin.reset_faults()
    await drain(db, crm, deal_ids)

    leads = await crm_leads(clean_sandbox, deal_ids)
    assert refs_of(leads) == sorted(str(deal) for deal in deal_ids)  # 50 Leads, each once
    assert {lead["LeadSource"]["value"] for lead in leads} == {"Partner"}
    acme_account = await db.fetchval("SELECT crm_account_id FROM partners WHERE slug = 'acme'")
    assert {lead["PartnerAccountId"]["value"] for lead in leads} == {acme_account}
    rows = await db.fetch(
        "SELECT id::text AS ref, crm_lead_id FROM deals WHERE id = ANY($1::bigint[])", deal_ids
    )
    recorded = {row["ref"]: row["crm_lead_id"] for row in rows}
    assert recorded == {lead["Gateway_Registration_Id__c"]["value"]: lead["Id"] for lead in leads}
    stats = await clean_sandbox.admin.stats()
    assert stats["graphql_mutation_requests"] == 50  # the 503s never reached the org


async def test_a_create_whose_answer_was_lost_is_not_sent_again(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm: CrmClient,
) -> None:
    deal = db_id(await register(gateway.as_(bearer("rep@acme.example"))))
    await crm.execute("query { uiapi { query { Lead(first: 1) { edges { node { Id } } } } } }")
    # The create is held past the client's 1 s timeout; the sandbox commits it afterwards.
    await clean_sandbox.admin.set_faults(hang_next=1, hang_seconds=30)
    lost = await deliver_pass(db, crm, OutboxSettings())
    assert lost.retried == 1 and lost.paused is not None and "timed out" in lost.paused
    [entry] = await entries_of(db, deal)
    assert (entry["status"], entry["attempts"]) == ("pending", 1)

    assert await clean_sandbox.admin.release_hung() == 1
    for _ in range(100):  # the held request goes on and creates the Lead
        if await crm_leads(clean_sandbox, [deal]):
            break
        await asyncio.sleep(0.05)
    await clean_sandbox.admin.reset_stats()

    await drain(db, crm, [deal])
    [lead] = await crm_leads(clean_sandbox, [deal])
    [entry] = await entries_of(db, deal)
    assert (entry["status"], entry["attempts"], entry["crm_record_id"]) == (
        "delivered",
        2,
        lead["Id"],
    )
    assert await db.fetchval("SELECT crm_lead_id FROM deals WHERE id = $1", deal) == lead["Id"]
    stats = await clean_sandbox.admin.stats()
    assert stats["graphql_mutation_requests"] == 0  # the second attempt only looked it up


async def test_a_refused_create_is_a_visible_permanent_failure(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm: CrmClient,
) -> None:
    """An org whose Lead Status picklist lacks the mapped value refuses the write."""
    deal_global = await register(gateway.as_(bearer("rep@acme.example")))
    deal = db_id(deal_global)
    approved = await gateway.as_(bearer("admin@vendor.example")).data(APPROVE, {"id": deal_global})
    assert approved["approveDeal"]["userErrors"] == []
    wrong = WriteMapping(lead_statuses={**DEFAULT_LEAD_STATUSES, "PENDING": "Qualified"})

    report = await deliver_pass(db, crm, OutboxSettings(mapping=wrong))
    assert (report.delivered, report.failed) == (0, 1)
    again = await deliver_pass(db, crm, OutboxSettings(mapping=wrong))
    assert again.settled == 0  # never retried by itself, and the update waits for its create
    create, update = await entries_of(db, deal)
    assert (create["status"], create["failure"], create["attempts"]) == ("failed", "invalid", 1)
    assert "ValidationError" in create["last_error"] and "Qualified" in create["last_error"]
    assert (update["status"], update["attempts"]) == ("pending", 0)
    assert await crm_leads(clean_sandbox, [deal]) == []

    seen = await gateway.as_(bearer("admin@vendor.example")).data(
        OUTBOX, {"filter": {"statuses": ["FAILED"], "dealIds": [deal_global]}}
    )
    [node] = seen["outbox"]["nodes"]
    assert node["status"] == "FAILED" and node["failure"] == "INVALID"
    assert node["lastError"] == create["last_error"] and node["nextAttemptAt"] is None
    assert node["deal"]["id"] == deal_global
    failed_gauge = REGISTRY.get_sample_value("gateway_crm_outbox_entries", {"status": "failed"})
    assert failed_gauge == await db.fetchval(
        "SELECT count(*) FROM crm_outbox WHERE status = 'failed'"
    )
    assert failed_gauge is not None and failed_gauge >= 1


async def test_approval_and_close_after_the_create_update_the_same_lead(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm: CrmClient,
) -> None:
    rep = gateway.as_(bearer("rep@acme.example"))
    deal_global = await register(rep)
    deal = db_id(deal_global)
    await drain(db, crm, [deal])
    [created] = await crm_leads(clean_sandbox, [deal])
    assert created["Status"]["value"] == "Open - Not Contacted"

    admin = gateway.as_(bearer("admin@vendor.example"))
    assert (await admin.data(APPROVE, {"id": deal_global}))["approveDeal"]["userErrors"] == []
    await drain(db, crm, [deal])
    [approved] = await crm_leads(clean_sandbox, [deal])
    assert (approved["Id"], approved["Status"]["value"]) == (created["Id"], "Working - Contacted")

    closed = await rep.data(CLOSE, {"id": deal_global, "outcome": "LOST"})
    assert closed["closeDeal"]["userErrors"] == []
    await drain(db, crm, [deal])
    [lost] = await crm_leads(clean_sandbox, [deal])
    assert (lost["Id"], lost["Status"]["value"]) == (created["Id"], "Closed - Not Converted")

    entries = await entries_of(db, deal)
    assert [(e["operation"], e["status"], e["crm_record_id"]) for e in entries] == [
        ("create", "delivered", created["Id"]),
        ("update", "delivered", created["Id"]),
        ("update", "delivered", created["Id"]),
    ]
    assert (await clean_sandbox.admin.stats())["graphql_mutation_requests"] == 3


async def test_an_update_of_a_record_deleted_in_the_crm_is_marked_gone(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm: CrmClient,
) -> None:
    deal_global = await register(gateway.as_(bearer("rep@acme.example")))
    deal = db_id(deal_global)
    await drain(db, crm, [deal])
    [lead] = await crm_leads(clean_sandbox, [deal])
    await crm.execute(
        "mutation($id: IdOrRef!) { uiapi { LeadDelete(input: { Id: $id }) { Id } } }",
        {"id": lead["Id"]},
    )
    admin = gateway.as_(bearer("admin@vendor.example"))
    assert (await admin.data(APPROVE, {"id": deal_global}))["approveDeal"]["userErrors"] == []

    report = await deliver_pass(db, crm, OutboxSettings())
    assert report.failed == 1
    _, update = await entries_of(db, deal)
    assert (update["status"], update["failure"]) == ("failed", "record_gone")
    assert "DataFetchingException" in update["last_error"] and lead["Id"] in update["last_error"]
    seen = await admin.data(OUTBOX, {"filter": {"dealIds": [deal_global]}})
    assert [n["failure"] for n in seen["outbox"]["nodes"]] == [None, "RECORD_GONE"]


async def test_a_spent_allowance_pauses_delivery_for_minutes(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm: CrmClient,
    crm_settings: CrmSettings,
) -> None:
    deal = db_id(await register(gateway.as_(bearer("rep@acme.example"))))
    await crm.execute("query { uiapi { query { Lead(first: 1) { edges { node { Id } } } } } }")
    await clean_sandbox.admin.set_faults(api_allowance=0)
    report = await deliver_pass(db, crm, OutboxSettings())
    assert report.retried == 1 and "REQUEST_LIMIT_EXCEEDED" in (report.paused or "")
    [entry] = await entries_of(db, deal)
    due = await db.fetchval("SELECT next_attempt_at FROM crm_outbox WHERE id = $1", entry["id"])
    # The fixture's circuit stays open 120 s: the entry is not due for about that long.
    assert due > datetime.now(UTC) + timedelta(seconds=60)
    assert crm.circuit.is_open
    # Even once the entry is due (moved forward here), the open circuit keeps the pass idle.
    await db.execute("UPDATE crm_outbox SET next_attempt_at = now() WHERE id = $1", entry["id"])
    paused = await deliver_pass(db, crm, OutboxSettings())
    assert paused.settled == 0 and "allowance" in (paused.paused or "")
    [entry] = await entries_of(db, deal)
    assert entry["attempts"] == 1  # nothing was claimed while the circuit is open

    # With the allowance back, a client whose circuit is closed (minutes later) delivers it.
    await clean_sandbox.admin.reset_faults()
    async with outbox_client(crm_settings) as later:
        await drain(db, later, [deal])
    assert [
        lead["Gateway_Registration_Id__c"]["value"]
        for lead in await crm_leads(clean_sandbox, [deal])
    ] == [str(deal)]


async def test_two_workers_in_parallel_deliver_each_entry_once(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm_settings: CrmSettings,
) -> None:
    rep = gateway.as_(bearer("rep@acme.example"))
    admin = gateway.as_(bearer("admin@vendor.example"))
    deals = [await register(rep) for _ in range(12)]
    for deal_global in deals:
        assert (await admin.data(APPROVE, {"id": deal_global}))["approveDeal"]["userErrors"] == []
    deal_ids = [db_id(d) for d in deals]
    await clean_sandbox.admin.set_faults(latency_ms=20)  # calls overlap between the workers
    await clean_sandbox.admin.reset_stats()

    async def worker() -> int:
        delivered = 0
        async with outbox_client(crm_settings) as own:
            for _ in range(50):
                report = await deliver_pass(db, own, OutboxSettings())
                delivered += report.delivered
                if not await pending_of(db, deal_ids):
                    break
                await asyncio.sleep(0.01)
        return delivered

    counts = await asyncio.gather(worker(), worker())
    assert sum(counts) == 24 and all(count > 0 for count in counts)
    stats = await clean_sandbox.admin.stats()
    assert stats["graphql_mutation_requests"] == 24  # 12 creates and 12 updates, each once
    leads = await crm_leads(clean_sandbox, deal_ids)
    assert refs_of(leads) == sorted(str(d) for d in deal_ids)
    assert {lead["Status"]["value"] for lead in leads} == {"Working - Contacted"}


async def test_closing_a_deal_with_an_opportunity_moves_the_opportunitys_stage(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    clean_sandbox: RunningSandbox,
    crm: CrmClient,
) -> None:
    """A seeded approved registration the vendor converted: its Opportunity exists in both."""
    deal = await db.fetchrow(
        "SELECT id, crm_opportunity_id FROM deals WHERE status = 'APPROVED' "
        "AND crm_lead_id IS NOT NULL AND crm_opportunity_id IS NOT NULL ORDER BY id LIMIT 1"
    )
    assert deal is not None, "the seed has converted approved registrations"
    closed = await gateway.as_(bearer("admin@vendor.example")).data(
        CLOSE, {"id": to_global_id("Deal", deal["id"]), "outcome": "WON"}
    )
    assert closed["closeDeal"]["userErrors"] == []
    await drain(db, crm, [deal["id"]])

    [entry] = await entries_of(db, deal["id"])
    assert (entry["operation"], entry["status"], entry["crm_record_id"]) == (
        "update",
        "delivered",
        deal["crm_opportunity_id"],
    )
    response = await clean_sandbox.graphql(
        "query($id: ID) { uiapi { query { Opportunity(where: { Id: { eq: $id } }) { edges { "
        "node { StageName { value } IsWon { value } IsClosed { value } } } } } } }",
        await clean_sandbox.token(),
        {"id": deal["crm_opportunity_id"]},
    )
    [edge] = response.json()["data"]["uiapi"]["query"]["Opportunity"]["edges"]
    assert edge["node"] == {
        "StageName": {"value": "Closed Won"},
        "IsWon": {"value": True},
        "IsClosed": {"value": True},
    }
