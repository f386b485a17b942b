"""Deal registration end to end over the API: conflicts, approval, the one-approval rule."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import asyncpg

from gateway.schema.node import from_global_id, to_global_id
from tests.support.graphql import GraphQLClient

ActAs = Callable[[str], GraphQLClient]

REGISTER = """
mutation($input: RegisterDealInput!) {
  registerDeal(input: $input) {
    deal { id status customerDomain products hasConflict owner { email } }
    userErrors { field message code }
  }
}
"""
APPROVE = """
mutation($id: ID!, $days: Int) {
  approveDeal(input: {id: $id, protectionDays: $days}) {
    deal { id status protectionExpiresAt } userErrors { field code message }
  }
}
"""


def registration(domain: str, products: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "customerName": "Contoso Retail",
        "customerDomain": domain,
        "products": products,
        "amount": "125000.00",
        "expectedCloseDate": (date.today() + timedelta(days=60)).isoformat(),
        "region": "EMEA",
        **extra,
    }


async def register(client: GraphQLClient, **kwargs: Any) -> dict[str, Any]:
    data = await client.data(REGISTER, {"input": registration(**kwargs)})
    payload: dict[str, Any] = data["registerDeal"]
    return payload


async def test_conflict_is_flagged_but_not_explained_to_partners(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    acme = await register(
        act_as("rep@acme.example"), domain="contoso-one.example", products=["NET-FW", "SEC-EDR"]
    )
    assert acme["userErrors"] == []
    assert acme["deal"]["status"] == "PENDING"
    assert acme["deal"]["hasConflict"] is False
    assert acme["deal"]["owner"]["email"] == "rep@acme.example"

    globex_rep = act_as("rep@globex.example")
    globex = await register(
        globex_rep, domain="https://WWW.emea.Contoso-One.example/buy", products=["SEC-EDR"]
    )
    assert globex["deal"]["customerDomain"] == "emea.contoso-one.example"
    assert globex["deal"]["hasConflict"] is True

    seen = await globex_rep.execute(
        "query($id: ID!, $other: ID!) { node(id: $id) { ... on Deal { conflicts { id } } } "
        "other: node(id: $other) { id } }",
        {"id": globex["deal"]["id"], "other": acme["deal"]["id"]},
    )
    assert seen["data"] == {"node": {"conflicts": None}, "other": None}
    assert seen["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    vendor = await act_as("admin@vendor.example").data(
        "query($id: ID!) { node(id: $id) { ... on Deal { conflicts { id } } } }",
        {"id": globex["deal"]["id"]},
    )
    assert vendor["node"]["conflicts"] == [{"id": acme["deal"]["id"]}]
    recorded = await db.fetchval(
        "SELECT count(*) FROM deal_conflicts WHERE deal_id = $1",
        from_global_id(globex["deal"]["id"])[1],
    )
    assert recorded == 1


async def test_one_approved_registration_per_customer_and_product(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    acme = await register(
        act_as("rep@acme.example"), domain="contoso-two.example", products=["NET-FW"]
    )
    globex = await register(
        act_as("rep@globex.example"), domain="shop.contoso-two.example", products=["NET-FW"]
    )
    approved = await act_as("cm@vendor.example").data(APPROVE, {"id": acme["deal"]["id"]})
    assert approved["approveDeal"]["userErrors"] == []
    assert approved["approveDeal"]["deal"]["status"] == "APPROVED"

    refused = await act_as("admin@vendor.example").data(APPROVE, {"id": globex["deal"]["id"]})
    assert refused["approveDeal"]["deal"] is None
    assert refused["approveDeal"]["userErrors"][0]["code"] == "APPROVAL_CONFLICT"
    status = await db.fetchval(
        "SELECT status FROM deals WHERE id = $1", from_global_id(globex["deal"]["id"])[1]
    )
    assert status == "PENDING"  # nothing was written


async def test_concurrent_approvals_cannot_both_win(act_as: ActAs, db: asyncpg.Pool) -> None:
    first = await register(
        act_as("rep@acme.example"), domain="contoso-three.example", products=["SEC-EDR"]
    )
    second = await register(
        act_as("rep@globex.example"), domain="contoso-three.example", products=["SEC-EDR"]
    )
    admin = act_as("admin@vendor.example")
    results = await asyncio.gather(
        admin.data(APPROVE, {"id": first["deal"]["id"]}),
        admin.data(APPROVE, {"id": second["deal"]["id"]}),
    )
    outcomes = sorted(
        "won" if r["approveDeal"]["deal"] else r["approveDeal"]["userErrors"][0]["code"]
        for r in results
    )
    assert outcomes == ["APPROVAL_CONFLICT", "won"]
    approved = await db.fetchval(
        "SELECT count(*) FROM deals WHERE customer_domain = 'contoso-three.example' "
        "AND status = 'APPROVED'"
    )
    assert approved == 1


async def test_closing_frees_the_customer_for_the_next_partner(act_as: ActAs) -> None:
    cm, admin = act_as("cm@vendor.example"), act_as("admin@vendor.example")
    acme = await register(
        act_as("admin@acme.example"), domain="contoso-four.example", products=["NET-SW"]
    )
    await cm.data(APPROVE, {"id": acme["deal"]["id"]})
    closed = await act_as("admin@acme.example").data(
        "mutation($id: ID!) { closeDeal(input: {id: $id, outcome: WON}) { "
        "deal { status stage } userErrors { code } } }",
        {"id": acme["deal"]["id"]},
    )
    assert closed["closeDeal"]["deal"] == {"status": "WON", "stage": "CLOSED_WON"}
    globex = await register(
        act_as("rep@globex.example"), domain="contoso-four.example", products=["NET-SW"]
    )
    approved = await admin.data(APPROVE, {"id": globex["deal"]["id"]})
    assert approved["approveDeal"]["deal"]["status"] == "APPROVED"


async def test_extension_request_then_grant(act_as: ActAs) -> None:
    rep, cm = act_as("rep@acme.example"), act_as("cm@vendor.example")
    deal = await register(rep, domain="contoso-five.example", products=["NET-FW"])
    first = await cm.data(APPROVE, {"id": deal["deal"]["id"], "days": 30})
    before = first["approveDeal"]["deal"]["protectionExpiresAt"]
    asked = await rep.data(
        "mutation($id: ID!) { requestDealExtension(input: {id: $id, days: 20, "
        'reason: "Customer board meets next month"}) { userErrors { code } } }',
        {"id": deal["deal"]["id"]},
    )
    assert asked["requestDealExtension"]["userErrors"] == []
    again = await rep.data(
        'mutation($id: ID!) { requestDealExtension(input: {id: $id, days: 5, reason: "x"}) '
        "{ userErrors { code } } }",
        {"id": deal["deal"]["id"]},
    )
    assert again["requestDealExtension"]["userErrors"][0]["code"] == "EXTENSION_PENDING"
    granted = await cm.data(APPROVE, {"id": deal["deal"]["id"]})
    after = granted["approveDeal"]["deal"]["protectionExpiresAt"]
    assert granted["approveDeal"]["deal"]["status"] == "APPROVED"
    assert after > before


async def test_bad_inputs_are_user_errors_and_write_nothing(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    rep = act_as("rep@acme.example")
    before = await db.fetchval("SELECT count(*) FROM deals")
    cases = [
        (registration("not a domain", ["NET-FW"]), "INVALID_DOMAIN", "customerDomain"),
        (registration("ok.example", ["net fw!"]), "INVALID_PRODUCT", "products"),
        (registration("ok.example", []), "INVALID_PRODUCT", "products"),
        (
            registration("ok.example", ["NET-FW"], expectedCloseDate="2020-01-01"),
            "DATE_IN_PAST",
            "expectedCloseDate",
        ),
        (registration("ok.example", ["NET-FW"], amount="-5"), "INVALID_INPUT", "amount"),
        (registration("ok.example", ["NET-FW"], currency="dollars"), "INVALID_INPUT", "currency"),
        (
            registration("ok.example", ["NET-FW"], ownerId=to_global_id("PartnerUser", 10**9)),
            "OWNER_NOT_IN_PARTNER",
            "ownerId",
        ),
        (registration("ok.example", ["NET-FW"], ownerId="garbage"), "NOT_FOUND", "ownerId"),
    ]
    for given, code, field in cases:
        payload = (await rep.data(REGISTER, {"input": given}))["registerDeal"]
        assert payload["deal"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], given
    assert await db.fetchval("SELECT count(*) FROM deals") == before


async def test_wrong_transitions_and_unknown_ids(act_as: ActAs, db: asyncpg.Pool) -> None:
    rep, cm = act_as("rep@acme.example"), act_as("cm@vendor.example")
    pending = await register(rep, domain="contoso-six.example", products=["NET-FW"])
    close = (
        "mutation($id: ID!) { closeDeal(input: {id: $id, outcome: LOST}) "
        "{ deal { id } userErrors { code field } } }"
    )
    refused = await rep.data(close, {"id": pending["deal"]["id"]})
    assert refused["closeDeal"]["userErrors"] == [{"code": "INVALID_TRANSITION", "field": "id"}]
    for unknown in (to_global_id("Deal", 10**9), "bm9wZQ==", to_global_id("Lead", 1)):
        result = await cm.data(APPROVE, {"id": unknown})
        assert result["approveDeal"]["userErrors"][0]["code"] == "NOT_FOUND"
    # Another partner's deal is NOT_FOUND too, not FORBIDDEN: it does not exist for them.
    globex_rep = act_as("rep@globex.example")
    hidden = await globex_rep.data(close, {"id": pending["deal"]["id"]})
    assert hidden["closeDeal"]["userErrors"][0]["code"] == "NOT_FOUND"
    status = await db.fetchval(
        "SELECT status FROM deals WHERE id = $1", from_global_id(pending["deal"]["id"])[1]
    )
    assert status == "PENDING"


async def test_actions_outside_the_grant_are_forbidden(act_as: ActAs, db: asyncpg.Pool) -> None:
    before = await db.fetchval("SELECT count(*) FROM deals")
    body = await act_as("analyst@vendor.example").execute(
        REGISTER, {"input": registration("contoso-seven.example", ["NET-FW"])}
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    pending = await register(
        act_as("rep@acme.example"), domain="contoso-seven.example", products=["NET-FW"]
    )
    self_approval = await act_as("admin@acme.example").execute(
        APPROVE, {"id": pending["deal"]["id"]}
    )
    assert self_approval["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await db.fetchval("SELECT count(*) FROM deals") == before + 1


async def test_every_step_is_audited(act_as: ActAs, db: asyncpg.Pool) -> None:
    deal = await register(
        act_as("rep@acme.example"), domain="contoso-eight.example", products=["NET-FW"]
    )
    deal_id = from_global_id(deal["deal"]["id"])[1]
    await act_as("admin@acme.example").execute(APPROVE, {"id": deal["deal"]["id"]})  # denied
    await act_as("cm@vendor.example").data(APPROVE, {"id": deal["deal"]["id"]})
    await act_as("cm@vendor.example").data(APPROVE, {"id": deal["deal"]["id"]})  # fails: no ext.
    rows: list[asyncpg.Record] = []
    for _ in range(50):  # denials and failures are flushed from a buffer within a second
        rows = await db.fetch(
            "SELECT operation, outcome, subject, request_id FROM audit_events "
            "WHERE object_type = 'Deal' AND object_id = $1 ORDER BY id",
            deal_id,
        )
        if len(rows) == 4:
            break
        await asyncio.sleep(0.1)
    got = sorted((r["operation"], r["outcome"], r["subject"]) for r in rows)
    assert got == [
        ("approveDeal", "ALLOWED", "cm@vendor.example"),
        ("approveDeal", "DENIED", "admin@acme.example"),
        ("approveDeal", "FAILED", "cm@vendor.example"),
        ("registerDeal", "ALLOWED", "rep@acme.example"),
    ]
    assert all(r["request_id"] for r in rows)
