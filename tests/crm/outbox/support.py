"""What the outbox tests share: the deal mutations they send and the outbox rows they read."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx

from gateway.app import create_app
from gateway.config import Settings
from gateway.crm.client import CrmClient
from gateway.crm.outbox.settings import OutboxSettings
from gateway.crm.outbox.worker import PassReport, deliver_pass
from gateway.schema.node import from_global_id
from tests.support.crm_sandbox import RunningSandbox
from tests.support.graphql import GraphQLClient

REGISTER = """
mutation($input: RegisterDealInput!) {
  registerDeal(input: $input) { deal { id status } userErrors { field code message } }
}
"""
APPROVE = """
mutation($id: ID!) {
  approveDeal(input: {id: $id}) { deal { id status } userErrors { code message } }
}
"""
CLOSE = """
mutation($id: ID!, $outcome: DealOutcome!) {
  closeDeal(input: {id: $id, outcome: $outcome}) { deal { id status } userErrors { code message } }
}
"""
OUTBOX = """
query($filter: OutboxFilter, $first: Int = 100) {
  outbox(first: $first, filter: $filter) {
    totalCount
    nodes {
      id operation dealStatus status attempts lastError failure nextAttemptAt crmRecordId
      deliveredAt deal { id customerName }
    }
  }
}
"""

_numbers = itertools.count(1)


@asynccontextmanager
async def serving(settings: Settings, dsn: str) -> AsyncIterator[GraphQLClient]:
    """The whole app in-process, its lifespan (pool, and the outbox worker if configured)
    running while the block runs."""
    app = create_app(settings, dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield GraphQLClient(http)


def registration(**extra: Any) -> dict[str, Any]:
    """A valid registration for a customer no other test uses."""
    number = next(_numbers)
    return {
        "customerName": f"Outbox Customer {number}",
        "customerDomain": f"outbox-customer-{number}.example",
        "products": ["NET-FW"],
        "amount": "50000.00",
        "expectedCloseDate": (date.today() + timedelta(days=30)).isoformat(),
        "region": "NA",
        **extra,
    }


async def register(client: GraphQLClient, **extra: Any) -> str:
    """The new deal's global id."""
    data = await client.data(REGISTER, {"input": registration(**extra)})
    payload = data["registerDeal"]
    assert payload["userErrors"] == [], payload
    deal_id: str = payload["deal"]["id"]
    return deal_id


async def entries_of(db: asyncpg.Pool, deal_id: int) -> list[asyncpg.Record]:
    return list(
        await db.fetch(
            "SELECT id, operation, deal_status, status, attempts, last_error, failure, "
            "crm_record_id FROM crm_outbox WHERE deal_id = $1 ORDER BY id",
            deal_id,
        )
    )


def db_id(global_id: str) -> int:
    return from_global_id(global_id, expected="Deal")[1]


async def pending_of(db: asyncpg.Pool, deal_ids: Iterable[int]) -> int:
    total: int = await db.fetchval(
        "SELECT count(*) FROM crm_outbox WHERE deal_id = ANY($1::bigint[]) AND status = 'pending'",
        list(deal_ids),
    )
    return total


async def drain(
    db: asyncpg.Pool,
    crm: CrmClient,
    deal_ids: Iterable[int],
    settings: OutboxSettings | None = None,
) -> list[PassReport]:
    """Passes until no entry of these deals is pending (retries are due within milliseconds
    with the tests' backoff); gives up after 200 passes so a bug cannot hang the suite."""
    ids = list(deal_ids)
    reports: list[PassReport] = []
    for _ in range(200):
        if not await pending_of(db, ids):
            return reports
        reports.append(await deliver_pass(db, crm, settings or OutboxSettings()))
        await asyncio.sleep(0.02)
    raise AssertionError(f"entries still pending after 200 passes: {reports[-3:]}")


async def crm_leads(sandbox: RunningSandbox, deal_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The sandbox's Leads carrying these deals' ids in the external-id field."""
    refs = json.dumps([str(i) for i in deal_ids])
    query = (
        "{ uiapi { query { Lead(first: 2000, where: { Gateway_Registration_Id__c: { in: "
        + refs
        + " } }) { edges { node { Id Status { value } Company { value } LeadSource { value }"
        " PartnerAccountId { value } Gateway_Registration_Id__c { value } } } } } } }"
    )
    response = await sandbox.graphql(query, await sandbox.token())
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["uiapi"]["query"]["Lead"]["edges"]]


def refs_of(leads: list[dict[str, Any]]) -> list[str]:
    return sorted(lead["Gateway_Registration_Id__c"]["value"] for lead in leads)
