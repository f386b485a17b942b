"""What the outbox tests share: the deal mutations they send and the outbox rows they read."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import asyncpg

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
