"""Events reach exactly the subscribers who may see them, from whichever instance, with the
same field rules as a query."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx

from gateway.schema.node import to_global_id
from gateway.store.notifications import DEAL_STATUS_CHANGED, LEAD_ASSIGNED
from tests.subscriptions.conftest import People, assign_lead, some_leads
from tests.subscriptions.servers import LiveServer
from tests.subscriptions.ws import Socket, signed_in
from tests.support.graphql import GraphQLClient

Bearer = Callable[[str], dict[str, str]]
LEADS = "subscription { leadAssigned { id company partner { slug } assignee { email } } }"
DEALS = """
subscription {
  dealStatusChanged { status previousStatus deal { id status customerDomain owner { email } } }
}
"""
QUIET = 1.0  # seconds a subscriber that should hear nothing is listened to


async def subscribed(
    stack: AsyncExitStack, server: LiveServer, payload: dict[str, str], query: str
) -> Socket:
    socket = await stack.enter_async_context(signed_in(server.ws_url, payload))
    await socket.subscribe("1", query)
    return socket


async def test_a_lead_assignment_reaches_the_partner_and_the_vendor_only(
    gateway_a: LiveServer, gateway_b: LiveServer, db: asyncpg.Pool, people: People,
    bearer: Bearer,
) -> None:
    [lead] = await some_leads(db, 1, 0)
    async with AsyncExitStack() as stack:
        acme_admin = await subscribed(stack, gateway_a, bearer("admin@acme.example"), LEADS)
        acme_rep = await subscribed(stack, gateway_a, bearer("rep@acme.example"), LEADS)
        globex_admin = await subscribed(stack, gateway_a, bearer("admin@globex.example"), LEADS)
        globex_cm = await subscribed(stack, gateway_a, bearer("cm2@vendor.example"), LEADS)
        vendor = await subscribed(stack, gateway_b, bearer("admin@vendor.example"), LEADS)
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, 4)
        await gateway_b.wait_for_subscribers(LEAD_ASSIGNED, 1)

        rep = people.user_ids["rep@acme.example"]
        await assign_lead(db, lead, people.partner_ids["acme"], rep)

        expected = {
            "id": to_global_id("Lead", lead),
            "partner": {"slug": "acme"},
            "assignee": {"email": "rep@acme.example"},
        }
        for socket in (acme_admin, acme_rep, vendor):
            payload = await socket.next_payload("1")
            assert "errors" not in payload, payload
            found = payload["data"]["leadAssigned"]
            assert {key: found[key] for key in expected} == expected
        for socket in (globex_admin, globex_cm):
            await socket.silent_for(QUIET)


async def test_a_rep_hears_only_of_leads_assigned_to_them(
    gateway_a: LiveServer, db: asyncpg.Pool, people: People, bearer: Bearer
) -> None:
    to_the_partner, to_the_rep = await some_leads(db, 2, 1)
    async with AsyncExitStack() as stack:
        rep = await subscribed(stack, gateway_a, bearer("rep@acme.example"), LEADS)
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, 1)
        acme = people.partner_ids["acme"]
        await assign_lead(db, to_the_partner, acme, None)
        await assign_lead(db, to_the_rep, acme, people.user_ids["rep@acme.example"])
        payload = await rep.next_payload("1")
        assert payload["data"]["leadAssigned"]["id"] == to_global_id("Lead", to_the_rep)


async def test_each_event_is_checked_against_the_database_not_the_notification(
    gateway_a: LiveServer, db: asyncpg.Pool, people: People, bearer: Bearer
) -> None:
    """A notification naming acme for a lead that went to globex shows acme nothing."""
    stale, genuine = await some_leads(db, 2, 3)
    async with AsyncExitStack() as stack:
        acme_admin = await subscribed(stack, gateway_a, bearer("admin@acme.example"), LEADS)
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, 1)
        acme, globex = people.partner_ids["acme"], people.partner_ids["globex"]
        await assign_lead(db, stale, globex, None, announced_partner_id=acme)
        await assign_lead(db, genuine, acme, None)
        payload = await acme_admin.next_payload("1")
        assert payload["data"]["leadAssigned"]["id"] == to_global_id("Lead", genuine)


async def test_delivered_objects_obey_the_field_rules(
    gateway_a: LiveServer, db: asyncpg.Pool, people: People, bearer: Bearer
) -> None:
    [lead] = await some_leads(db, 1, 5)
    async with AsyncExitStack() as stack:
        analyst = await subscribed(
            stack,
            gateway_a,
            bearer("analyst@vendor.example"),
            "subscription { leadAssigned { id company email } }",
        )
        await gateway_a.wait_for_subscribers(LEAD_ASSIGNED, 1)
        await assign_lead(db, lead, people.partner_ids["globex"], None)
        payload = await analyst.next_payload("1")
    assert payload["data"]["leadAssigned"]["email"] is None
    assert payload["data"]["leadAssigned"]["company"]
    [error] = payload["errors"]
    assert error["path"] == ["leadAssigned", "email"]
    assert error["extensions"]["code"] == "FORBIDDEN"


def registration(domain: str) -> dict[str, Any]:
    return {
        "customerName": "Fabrikam Live",
        "customerDomain": domain,
        "products": ["NET-FW"],
        "amount": "50000.00",
        "expectedCloseDate": (date.today() + timedelta(days=45)).isoformat(),
        "region": "NA",
    }


async def test_a_status_change_made_on_one_instance_reaches_subscribers_of_another(
    gateway_a: LiveServer, gateway_b: LiveServer, tokens: Callable[[str], str], bearer: Bearer
) -> None:
    async with AsyncExitStack() as stack:
        owner = await subscribed(stack, gateway_a, bearer("rep@acme.example"), DEALS)
        other_partner = await subscribed(stack, gateway_a, bearer("rep@globex.example"), DEALS)
        await gateway_a.wait_for_subscribers(DEAL_STATUS_CHANGED, 2)

        http = await stack.enter_async_context(httpx.AsyncClient(base_url=gateway_b.url))

        def as_(email: str) -> GraphQLClient:
            return GraphQLClient(http, headers={"authorization": f"Bearer {tokens(email)}"})

        domain = f"fabrikam-{uuid.uuid4().hex[:8]}.example"
        registered = await as_("rep@acme.example").data(
            "mutation($input: RegisterDealInput!) { registerDeal(input: $input) { "
            "deal { id } userErrors { code } } }",
            {"input": registration(domain)},
        )
        deal_id = registered["registerDeal"]["deal"]["id"]
        approved = await as_("cm@vendor.example").data(
            "mutation($id: ID!) { approveDeal(input: {id: $id}) { userErrors { code } } }",
            {"id": deal_id},
        )
        assert approved["approveDeal"]["userErrors"] == []

        payload = await owner.next_payload("1")
        assert payload == {
            "data": {
                "dealStatusChanged": {
                    "status": "APPROVED",
                    "previousStatus": "PENDING",
                    "deal": {
                        "id": deal_id,
                        "status": "APPROVED",
                        "customerDomain": domain,
                        "owner": {"email": "rep@acme.example"},
                    },
                }
            }
        }
        await other_partner.silent_for(QUIET)
