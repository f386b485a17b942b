"""Lead distribution's walls: the grant, the row scope, bad inputs, notifications, audit."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import orjson

from gateway.schema.node import to_global_id
from gateway.store.notifications import LEAD_ASSIGNED
from tests.workflows.lead_steps import (
    ACCEPT,
    ASSIGN,
    AUTO,
    CONVERT,
    CREATE,
    REJECT,
    ActAs,
    accepted_lead,
    assign,
    audit_rows,
    conversion,
    db_id,
    lead_row,
    new_lead,
    partner_gid,
)


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
