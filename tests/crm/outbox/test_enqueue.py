"""A deal change and its outbox entry commit together, or not at all (no CRM needed here)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from gateway.config import Settings
from gateway.jobs.registry import BY_NAME
from gateway.jobs.runner import run_job
from gateway.schema.node import to_global_id
from tests.crm.outbox.support import (
    APPROVE,
    CLOSE,
    OUTBOX,
    REGISTER,
    db_id,
    entries_of,
    register,
    registration,
    serving,
)
from tests.jobs.support import overdue_approved_deal
from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count

Bearer = Callable[[str], dict[str, str]]


@pytest.fixture(scope="module")
async def gateway(outbox_dsn: str, settings: Settings) -> AsyncIterator[GraphQLClient]:
    async with serving(settings, outbox_dsn) as client:  # no CRM: entries wait in the outbox
        yield client


async def test_register_approve_close_each_write_one_entry_in_order(
    gateway: GraphQLClient, bearer: Bearer, db: asyncpg.Pool
) -> None:
    rep = gateway.as_(bearer("rep@acme.example"))
    deal = await register(rep)
    assert [
        (e["operation"], e["deal_status"], e["status"]) for e in await entries_of(db, db_id(deal))
    ] == [("create", "PENDING", "pending")]

    approved = await gateway.as_(bearer("admin@vendor.example")).data(APPROVE, {"id": deal})
    assert approved["approveDeal"]["userErrors"] == []
    closed = await rep.data(CLOSE, {"id": deal, "outcome": "WON"})
    assert closed["closeDeal"]["userErrors"] == []

    entries = await entries_of(db, db_id(deal))
    assert [(e["operation"], e["deal_status"]) for e in entries] == [
        ("create", "PENDING"),
        ("update", "APPROVED"),
        ("update", "WON"),
    ]
    assert all(e["status"] == "pending" and e["attempts"] == 0 for e in entries)


async def test_a_refused_registration_writes_neither_deal_nor_entry(
    gateway: GraphQLClient, bearer: Bearer, db: asyncpg.Pool
) -> None:
    before = await db.fetchval("SELECT count(*) FROM crm_outbox")
    deals_before = await db.fetchval("SELECT count(*) FROM deals")
    data = await gateway.as_(bearer("rep@acme.example")).data(
        REGISTER, {"input": registration(products=["not a product"])}
    )
    assert data["registerDeal"]["deal"] is None
    assert data["registerDeal"]["userErrors"][0]["code"] == "INVALID_PRODUCT"
    assert await db.fetchval("SELECT count(*) FROM crm_outbox") == before
    assert await db.fetchval("SELECT count(*) FROM deals") == deals_before


async def test_when_the_entry_cannot_be_written_the_registration_is_not_either(
    gateway: GraphQLClient, bearer: Bearer, db: asyncpg.Pool
) -> None:
    deals_before = await db.fetchval("SELECT count(*) FROM deals")
    # NOT VALID: existing rows stay; every new entry is refused by the database.
    await db.execute(
        "ALTER TABLE crm_outbox ADD CONSTRAINT test_refuse_all CHECK (false) NOT VALID"
    )
    try:
        body = await gateway.as_(bearer("rep@acme.example")).execute(
            REGISTER, {"input": registration()}
        )
    finally:
        await db.execute("ALTER TABLE crm_outbox DROP CONSTRAINT test_refuse_all")
    assert body["data"] is None  # registerDeal is non-null, so the error nulls the data
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "crm_outbox" not in str(body)  # no SQL leaks to the caller
    assert await db.fetchval("SELECT count(*) FROM deals") == deals_before


@pytest.mark.parametrize(
    ("synced", "expected"),
    [
        # A bulk-loaded deal without a Lead id (nor entry): an update needs a record first.
        (False, [("create", "APPROVED"), ("update", "APPROVED")]),
        (True, [("update", "APPROVED")]),
    ],
)
async def test_approving_a_bulk_loaded_deal_creates_its_lead_only_when_it_has_none(
    gateway: GraphQLClient,
    bearer: Bearer,
    db: asyncpg.Pool,
    synced: bool,
    expected: list[tuple[str, str]],
) -> None:
    deal_id = await db.fetchval(
        "SELECT d.id FROM deals d WHERE d.status = 'PENDING' "
        "AND (d.crm_lead_id IS NOT NULL) = $1 "
        "AND NOT EXISTS (SELECT 1 FROM crm_outbox o WHERE o.deal_id = d.id) "
        "AND NOT EXISTS (SELECT 1 FROM deal_conflicts c WHERE c.deal_id = d.id) "
        "ORDER BY d.id LIMIT 1",
        synced,
    )
    assert deal_id is not None, f"the seed has pending deals with synced={synced}"
    data = await gateway.as_(bearer("admin@vendor.example")).data(
        APPROVE, {"id": to_global_id("Deal", deal_id)}
    )
    assert data["approveDeal"]["userErrors"] == []
    entries = await entries_of(db, deal_id)
    assert [(e["operation"], e["deal_status"]) for e in entries] == expected


async def test_the_outbox_is_for_vendor_staff_and_scoped_for_channel_managers(
    gateway: GraphQLClient, bearer: Bearer, db: asyncpg.Pool
) -> None:
    await register(gateway.as_(bearer("rep@acme.example")))
    await register(gateway.as_(bearer("rep@globex.example")))
    everything = await db.fetch("SELECT id, partner_id FROM crm_outbox ORDER BY id")

    admin = await gateway.as_(bearer("admin@vendor.example")).data(OUTBOX, {"first": 100})
    assert admin["outbox"]["totalCount"] == len(everything)
    assert [int(n["id"]) for n in admin["outbox"]["nodes"]] == [r["id"] for r in everything]
    analyst = await gateway.as_(bearer("analyst@vendor.example")).data(OUTBOX)
    assert analyst["outbox"]["totalCount"] == len(everything)

    managed = {
        r["id"]
        for r in await db.fetch(
            "SELECT p.id FROM partners p JOIN vendor_users v ON v.id = p.channel_manager_id "
            "WHERE v.email = 'cm@vendor.example'"
        )
    }
    cm = await gateway.as_(bearer("cm@vendor.example")).data(OUTBOX, {"first": 100})
    assert {int(n["id"]) for n in cm["outbox"]["nodes"]} == {
        r["id"] for r in everything if r["partner_id"] in managed
    }
    assert 0 < cm["outbox"]["totalCount"] < len(everything)

    for email in ("rep@acme.example", "admin@acme.example"):
        body = await gateway.as_(bearer(email)).execute(OUTBOX)
        assert body["data"] == {"outbox": None}
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_expired_registration_is_reported_in_the_jobs_transaction(
    db: asyncpg.Pool, settings: Settings
) -> None:
    deal_id = await overdue_approved_deal(db)
    report = await run_job(db, BY_NAME["expire_deals"], settings)
    assert report.outcome == "done"
    entries = await entries_of(db, deal_id)
    assert [(e["operation"], e["deal_status"]) for e in entries][-1] == ("update", "EXPIRED")
    synced = await db.fetchval("SELECT crm_lead_id IS NOT NULL FROM deals WHERE id = $1", deal_id)
    assert [e["operation"] for e in entries] == (["update"] if synced else ["create", "update"])


async def test_listing_the_outbox_with_its_deals_costs_four_statements(
    gateway: GraphQLClient, bearer: Bearer
) -> None:
    rep = gateway.as_(bearer("rep@acme.example"))
    for _ in range(3):
        await register(rep)
    admin = gateway.as_(bearer("admin@vendor.example"))
    before = await settled_statement_count()
    seen = await admin.data(OUTBOX, {"first": 100})
    after = await settled_statement_count()
    assert len({n["deal"]["id"] for n in seen["outbox"]["nodes"]}) >= 3
    # who is asking, the page, its total, and every entry's deal in one batch.
    assert after - before == 4
