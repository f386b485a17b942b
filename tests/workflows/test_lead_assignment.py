"""Lead distribution: manual and rule-based assignment, accepting and rejecting within the SLA."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import orjson

from tests.support.graphql import GraphQLClient
from tests.workflows.lead_steps import (
    ACCEPT,
    AUTO,
    REJECT,
    ActAs,
    assign,
    audit_rows,
    db_id,
    expected_partners,
    harbor_admin_token,
    lead_row,
    new_lead,
    user_gid,
)


async def test_manual_assignment_to_a_managed_active_partner(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    cm = act_as("cm@vendor.example")
    lead = await new_lead(cm, "NA")
    before = datetime.now(UTC)
    payload = await assign(cm, db, lead, "acme", assignee="rep@acme.example")
    assert payload["userErrors"] == []
    assert payload["lead"]["status"] == "ASSIGNED"
    assert payload["lead"]["partner"] == {"slug": "acme"}
    assert payload["lead"]["assignee"] == {"email": "rep@acme.example"}
    deadline = datetime.fromisoformat(payload["lead"]["slaDeadline"])
    assert before + timedelta(hours=47) < deadline < before + timedelta(hours=49)
    seen = await act_as("rep@acme.example").data(
        "query($id: ID!) { node(id: $id) { ... on Lead { status } } }", {"id": lead}
    )
    assert seen["node"] == {"status": "ASSIGNED"}

    # A partner cm@ does not manage does not exist for them; an assignee must be the partner's.
    other = await new_lead(cm, "EMEA")
    refused = await assign(cm, db, other, "globex")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("NOT_FOUND", "partnerId")]
    stranger = await assign(cm, db, other, "harbor-logic", assignee="rep@globex.example")
    assert [e["code"] for e in stranger["userErrors"]] == ["OWNER_NOT_IN_PARTNER"]
    assert (await lead_row(db, other))["status"] == "NEW"


async def test_auto_assignment_follows_region_declines_and_tier_weight(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    admin = act_as("admin@vendor.example")
    na = [await new_lead(admin, "NA") for _ in range(7)]
    emea, apac = await new_lead(admin, "EMEA"), await new_lead(admin, "APAC")
    globex_id = await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    await db.execute(
        "INSERT INTO lead_declines (lead_id, partner_id, reason) VALUES ($1, $2, 'REJECTED')",
        db_id(emea),
        globex_id,
    )
    leads = [*na, emea, apac]
    expected = await expected_partners(db, leads)
    payload = (await admin.data(AUTO, {"input": {"ids": leads}}))["autoAssignLeads"]
    assert payload["userErrors"] == []
    got = {a["lead"]["id"]: a["partner"]["slug"] for a in payload["assignments"]}
    assert got == expected
    assert got[emea] == "harbor-logic"  # globex declined it
    detail = await db.fetchval(
        "SELECT detail FROM audit_events WHERE operation = 'autoAssignLeads' "
        "AND outcome = 'ALLOWED' ORDER BY id DESC LIMIT 1"
    )
    audited = {a["leadId"] for a in orjson.loads(detail)["assignments"]}
    assert audited == {db_id(lead) for lead in leads}
    assert got[apac] == "upland-integration"
    for lead in leads:
        row = await lead_row(db, lead)
        assert (row["status"], row["slug"]) == ("ASSIGNED", got[lead])
        assert row["assigned_user_id"] is None  # the partner's admins triage it


async def test_auto_assignment_by_limit_stays_with_managed_partners_and_shares_work(
    act_as: ActAs, db: asyncpg.Pool
) -> None:
    cm = act_as("cm@vendor.example")
    for region in ("NA", "EMEA", "APAC", "NA", "EMEA", "APAC"):
        await new_lead(cm, region)
    query = {"input": {"limit": 3}}
    first, second = await asyncio.gather(cm.data(AUTO, query), cm.data(AUTO, query))
    assignments = [
        *first["autoAssignLeads"]["assignments"],
        *second["autoAssignLeads"]["assignments"],
    ]
    ids = [a["lead"]["id"] for a in assignments]
    assert len(ids) == len(set(ids)) > 0  # concurrent runs never take the same lead
    managed = {"acme", "harbor-logic", "upland-integration"}
    assert {a["partner"]["slug"] for a in assignments} <= managed
    for a in assignments:
        row = await lead_row(db, a["lead"]["id"])
        region = await db.fetchval("SELECT region FROM partners WHERE slug = $1", row["slug"])
        assert region == row["region"]


async def test_accept_within_the_sla(act_as: ActAs, db: asyncpg.Pool) -> None:
    cm = act_as("cm@vendor.example")
    mine, open_lead = await new_lead(cm, "NA"), await new_lead(cm, "NA")
    await assign(cm, db, mine, "acme", assignee="rep@acme.example")
    await assign(cm, db, open_lead, "acme")
    rep = act_as("rep@acme.example")
    accepted = (await rep.data(ACCEPT, {"input": {"id": mine}}))["acceptLead"]
    assert accepted["userErrors"] == []
    assert accepted["lead"]["status"] == "ACCEPTED"
    assert accepted["lead"]["assignee"] == {"email": "rep@acme.example"}

    colleague = await user_gid(db, "mohammed.martin@acme.example")
    admin = act_as("admin@acme.example")
    named = await admin.data(ACCEPT, {"input": {"id": open_lead, "assigneeId": colleague}})
    assert named["acceptLead"]["lead"]["assignee"] == {"email": "mohammed.martin@acme.example"}


async def test_accept_after_the_deadline_is_sla_expired(act_as: ActAs, db: asyncpg.Pool) -> None:
    cm = act_as("cm@vendor.example")
    lead = await new_lead(cm, "NA")
    await assign(cm, db, lead, "acme", assignee="rep@acme.example")
    await db.execute(
        "UPDATE leads SET sla_deadline = now() - interval '1 hour' WHERE id = $1", db_id(lead)
    )
    late = (await act_as("rep@acme.example").data(ACCEPT, {"input": {"id": lead}}))["acceptLead"]
    assert late["lead"] is None
    assert [(e["code"], e["field"]) for e in late["userErrors"]] == [("SLA_EXPIRED", "id")]
    assert (await lead_row(db, lead))["status"] == "ASSIGNED"


async def test_reject_records_the_decline_and_offers_the_lead_on(
    act_as: ActAs, db: asyncpg.Pool, workflow_app: GraphQLClient
) -> None:
    lead = await new_lead(act_as("admin@vendor.example"), "EMEA")
    await assign(act_as("cm2@vendor.example"), db, lead, "globex")
    globex = act_as("admin@globex.example")
    rejected = await globex.data(REJECT, {"input": {"id": lead, "reason": "Not our sector"}})
    # It moved on to harbor-logic, which globex may not see.
    assert rejected["rejectLead"] == {"lead": None, "userErrors": []}
    declines = await db.fetch(
        "SELECT p.slug, d.reason, d.note FROM lead_declines d JOIN partners p "
        "ON p.id = d.partner_id WHERE d.lead_id = $1",
        db_id(lead),
    )
    assert [tuple(r) for r in declines] == [("globex", "REJECTED", "Not our sector")]
    row = await lead_row(db, lead)
    assert (row["status"], row["slug"]) == ("ASSIGNED", "harbor-logic")

    # harbor-logic declines too: nobody in EMEA is left, so it goes back to the vendor.
    harbor = workflow_app.as_({"authorization": f"Bearer {harbor_admin_token()}"})
    again = await harbor.data(REJECT, {"input": {"id": lead, "reason": "No capacity"}})
    assert again["rejectLead"] == {"lead": None, "userErrors": []}
    row = await lead_row(db, lead)
    assert (row["status"], row["assigned_partner_id"], row["sla_deadline"]) == (
        "RECALLED",
        None,
        None,
    )
    reasons = await db.fetchval(
        "SELECT count(*) FROM lead_declines WHERE lead_id = $1 AND reason = 'REJECTED'",
        db_id(lead),
    )
    assert reasons == 2
    steps = await audit_rows(db, lead, 4)
    assert ("rejectLead", "ALLOWED", "admin@globex.example") in steps
    assert ("rejectLead", "ALLOWED", "admin@harbor-logic.example") in steps
