"""Converting an accepted lead into a pre-approved deal, and the clash that writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg

from tests.workflows.lead_steps import (
    CONVERT,
    ActAs,
    accepted_lead,
    conversion,
    db_id,
    lead_row,
)


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
