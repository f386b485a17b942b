"""`syncStatus` and `crmId`: vendor staff see where the mirror stands and the CRM's ids;
partners get FORBIDDEN. The lag is also a metric."""

from __future__ import annotations

import asyncio

import asyncpg

from gateway.crm.sync import MirrorSync
from gateway.metrics import REGISTRY
from tests.crm.support import crm_ids, gateway
from tests.support.crm_sandbox import RunningSandbox

STATUS = """{ syncStatus { object lastSuccessAt lagSeconds records lastRunRecords lastError
  lastErrorAt syncedThrough fullResync } }"""
CRM_IDS = "{ deals(first: 5) { nodes { crmId } } partners(first: 1) { nodes { crmId } } }"


async def test_sync_status_follows_the_runs_for_vendor_staff(
    mirror: MirrorSync, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    async with gateway(gateway_dsn, sandbox) as as_user:
        before = (await as_user("admin@vendor.example").data(STATUS))["syncStatus"]
        await sandbox.admin.set_faults(fail_next=5)
        await mirror.run(objects=["Account"])  # fails: five 503s
        await sandbox.admin.reset_faults()
        await mirror.run(objects=["Lead", "Opportunity"])
        after = (await as_user("cm@vendor.example").data(STATUS))["syncStatus"]

    assert [s["object"] for s in before] == ["Account", "Lead", "Opportunity"]
    assert all(s["lastSuccessAt"] is None and s["records"] == 0 for s in before)
    account, lead, opportunity = after
    assert account["lastSuccessAt"] is None and "503" in account["lastError"]
    expected = await crm_ids(sandbox)
    for status in (lead, opportunity):
        total = len(expected[status["object"]])
        assert (status["records"], status["lastRunRecords"]) == (total, total)
        assert status["lastError"] is None and status["syncedThrough"] is not None
        assert 0 <= status["lagSeconds"] < 60 and status["fullResync"] is False
    lag = REGISTRY.get_sample_value("gateway_crm_sync_lag_seconds", {"object": "Lead"})
    assert lag is not None and 0 <= lag < 60


async def test_partners_may_read_neither_the_sync_status_nor_crm_ids(
    db: asyncpg.Pool, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    async with gateway(gateway_dsn, sandbox) as as_user:
        status = await as_user("admin@acme.example").execute(STATUS)
        partner_view = await as_user("admin@acme.example").execute(CRM_IDS)
        vendor_view = await as_user("admin@vendor.example").data(CRM_IDS)

    assert status["data"]["syncStatus"] is None
    assert [e["extensions"]["code"] for e in status["errors"]] == ["FORBIDDEN"]
    partner_deals = partner_view["data"]["deals"]["nodes"]
    assert partner_deals and all(d["crmId"] is None for d in partner_deals)
    assert {e["extensions"]["code"] for e in partner_view["errors"]} == {"FORBIDDEN"}
    crm_lead_ids = {r["crm_lead_id"] for r in await db.fetch("SELECT crm_lead_id FROM deals")}
    assert all(d["crmId"] in crm_lead_ids for d in vendor_view["deals"]["nodes"])
    assert vendor_view["partners"]["nodes"][0]["crmId"].startswith("001")


async def test_the_server_mirrors_the_crm_at_start_and_then_every_interval(
    db: asyncpg.Pool, gateway_dsn: str, sandbox: RunningSandbox
) -> None:
    async with gateway(gateway_dsn, sandbox, sync_interval_seconds=3600) as as_user:
        for _ in range(500):
            statuses = (await as_user("admin@vendor.example").data(STATUS))["syncStatus"]
            if all(s["lastSuccessAt"] is not None for s in statuses):
                break
            await asyncio.sleep(0.02)

    expected = await crm_ids(sandbox)
    assert {s["object"]: s["records"] for s in statuses} == {
        key: len(ids) for key, ids in expected.items()
    }
