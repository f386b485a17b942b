"""Analytics: pipeline and lead funnel totals, inside each caller's row scope.

The oracle reads raw rows with SQL of its own and groups them in Python, so a GROUP BY or scope
bug in the gateway would have to be written twice to pass.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.app import create_app
from gateway.authz.policy import DEFAULT_POLICY_DIR
from gateway.config import Settings
from gateway.schema.node import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count

AsUser = Callable[[str], GraphQLClient]

PIPELINE = """
query($groupBy: [PipelineGroup!]!, $filter: DealFilter) {
  pipeline(groupBy: $groupBy, filter: $filter) {
    keys { partner { slug } stage quarter region tier }
    count amount wonAmount winRate
  }
}"""
FUNNEL = """
query($filter: LeadFilter) {
  leadFunnel(filter: $filter) { total byStatus { status count } conversionRate }
}"""
# Every deal with what the groups are computed from; the WHERE is each test's scope.
DEALS = """
SELECT p.slug AS partner, d.stage, d.region, p.tier, d.status, d.amount,
       coalesce((d.closed_at AT TIME ZONE 'UTC')::date, d.expected_close_date) AS quarter_date
FROM deals d JOIN partners p ON p.id = d.partner_id
"""
KEY_NAMES = {"PARTNER": "partner", "STAGE": "stage", "QUARTER": "quarter", "REGION": "region"}
FUNNEL_ORDER = ["NEW", "ASSIGNED", "ACCEPTED", "REJECTED", "RECALLED", "CONVERTED"]


def _key(deal: asyncpg.Record, group: str) -> str:
    if group == "QUARTER":
        day = deal["quarter_date"]
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if group == "TIER":
        return str(deal["tier"])
    return str(deal[KEY_NAMES[group]])


def expected_pipeline(
    deals: Sequence[asyncpg.Record], groups: Sequence[str]
) -> dict[tuple[str, ...], dict[str, Any]]:
    rows: dict[tuple[str, ...], list[asyncpg.Record]] = defaultdict(list)
    for deal in deals:
        rows[tuple(_key(deal, g) for g in groups)].append(deal)
    if not groups:
        rows.setdefault((), [])
    found = {}
    for key, members in rows.items():
        won = [d for d in members if d["status"] == "WON"]
        closed = [d for d in members if d["status"] in ("WON", "LOST")]
        found[key] = {
            "count": len(members),
            "amount": sum((d["amount"] for d in members), Decimal(0)),
            "wonAmount": sum((d["amount"] for d in won), Decimal(0)),
            "winRate": len(won) / len(closed) if closed else None,
        }
    return found


def answered_pipeline(
    rows: list[dict[str, Any]], groups: Sequence[str]
) -> dict[tuple[str, ...], dict[str, Any]]:
    found = {}
    for row in rows:
        keys = row["keys"]
        key = tuple(keys["partner"]["slug"] if g == "PARTNER" else keys[g.lower()] for g in groups)
        found[key] = {
            "count": row["count"],
            "amount": Decimal(row["amount"]),
            "wonAmount": Decimal(row["wonAmount"]),
            "winRate": row["winRate"],
        }
    return found


def assert_same(got: dict[tuple[str, ...], Any], expected: dict[tuple[str, ...], Any]) -> None:
    assert got.keys() == expected.keys()
    for key, totals in expected.items():
        mine = got[key]
        assert mine["count"] == totals["count"], key
        assert mine["amount"] == totals["amount"], key
        assert mine["wonAmount"] == totals["wonAmount"], key
        if totals["winRate"] is None:
            assert mine["winRate"] is None, key
        else:
            assert mine["winRate"] == pytest.approx(totals["winRate"]), key


async def pipeline(client: GraphQLClient, groups: list[str], **filter_: Any) -> Any:
    variables: dict[str, Any] = {"groupBy": groups, "filter": filter_ or None}
    return (await client.data(PIPELINE, variables))["pipeline"]


async def test_channel_manager_counts_only_managed_partners(
    as_user: AsUser, pool: asyncpg.Pool
) -> None:
    deals = await pool.fetch(
        DEALS + "JOIN vendor_users v ON v.id = p.channel_manager_id "
        "WHERE v.email = 'cm@vendor.example'"
    )
    answered = await pipeline(as_user("cm@vendor.example"), ["PARTNER"])
    got = answered_pipeline(answered, ["PARTNER"])
    assert_same(got, expected_pipeline(deals, ["PARTNER"]))
    assert ("acme",) in got and ("globex",) not in got
    everything = await pool.fetchval("SELECT count(*) FROM deals")
    assert 0 < sum(r["count"] for r in answered) < everything


async def test_a_rep_counts_only_their_own_deals(as_user: AsUser, pool: asyncpg.Pool) -> None:
    deals = await pool.fetch(
        DEALS + "JOIN partner_users u ON u.id = d.owner_id WHERE u.email = 'rep@acme.example'"
    )
    rep = as_user("rep@acme.example")
    totals = await pipeline(rep, [])
    assert_same(answered_pipeline(totals, []), expected_pipeline(deals, []))
    assert totals[0]["count"] == len(deals) > 10
    groups = ["STAGE", "QUARTER"]
    assert_same(
        answered_pipeline(await pipeline(rep, groups), groups), expected_pipeline(deals, groups)
    )


async def test_analyst_pipeline_by_tier_and_region(as_user: AsUser, pool: asyncpg.Pool) -> None:
    deals = await pool.fetch(DEALS)
    groups = ["TIER", "REGION"]
    answered = await pipeline(as_user("analyst@vendor.example"), groups)
    assert_same(answered_pipeline(answered, groups), expected_pipeline(deals, groups))
    assert all(row["keys"]["partner"] is None and row["keys"]["stage"] is None for row in answered)
    assert [(r["keys"]["tier"], r["keys"]["region"]) for r in answered] == sorted(
        (r["keys"]["tier"], r["keys"]["region"]) for r in answered
    )


async def test_a_partner_admin_with_a_filter(as_user: AsUser, pool: asyncpg.Pool) -> None:
    deals = await pool.fetch(
        DEALS + "WHERE p.slug = 'acme' AND d.status IN ('WON', 'LOST') AND d.region = 'NA'"
    )
    groups = ["QUARTER", "PARTNER"]
    answered = await pipeline(
        as_user("admin@acme.example"), groups, statuses=["WON", "LOST"], regions=["NA"]
    )
    assert_same(answered_pipeline(answered, groups), expected_pipeline(deals, groups))


async def test_a_filter_cannot_widen_the_scope(as_user: AsUser, pool: asyncpg.Pool) -> None:
    globex = to_global_id(
        "Partner", await pool.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    )
    cm = as_user("cm@vendor.example")
    assert await pipeline(cm, ["PARTNER"], partnerIds=[globex]) == []
    totals = await pipeline(cm, [], partnerIds=[globex])
    assert totals == [
        {
            "keys": {"partner": None, "stage": None, "quarter": None, "region": None, "tier": None},
            "count": 0,
            "amount": "0",
            "wonAmount": "0",
            "winRate": None,
        }
    ]


async def test_the_pipeline_is_one_statement(as_user: AsUser) -> None:
    cm = as_user("cm@vendor.example")
    before = await settled_statement_count()
    answered = await pipeline(cm, ["PARTNER", "STAGE"])
    after = await settled_statement_count()
    assert len(answered) > 10
    # who is asking, the grouped totals, the partners the rows name.
    assert after - before == 3


async def _funnel_oracle(pool: asyncpg.Pool, where: str, *args: object) -> dict[str, Any]:
    rows = await pool.fetch(f"SELECT l.status FROM leads l {where}", *args)
    counts = dict.fromkeys(FUNNEL_ORDER, 0)
    for row in rows:
        counts[row["status"]] += 1
    offered = len(rows) - counts["NEW"]
    return {
        "total": len(rows),
        "byStatus": [{"status": s, "count": n} for s, n in counts.items()],
        "conversionRate": counts["CONVERTED"] / offered if offered else None,
    }


async def test_lead_funnel_in_each_scope(as_user: AsUser, pool: asyncpg.Pool) -> None:
    cases = [
        (
            "cm@vendor.example",
            "JOIN partners p ON p.id = l.assigned_partner_id "
            "JOIN vendor_users v ON v.id = p.channel_manager_id WHERE v.email = $1",
        ),
        (
            "rep@acme.example",
            "JOIN partner_users u ON u.id = l.assigned_user_id WHERE u.email = $1",
        ),
        ("analyst@vendor.example", "WHERE $1::text IS NOT NULL"),
    ]
    for email, where in cases:
        got = (await as_user(email).data(FUNNEL))["leadFunnel"]
        expected = await _funnel_oracle(pool, where, email)
        assert got["total"] == expected["total"] > 0, email
        assert got["byStatus"] == expected["byStatus"], email
        assert got["conversionRate"] == pytest.approx(expected["conversionRate"]), email
    analyst = (await as_user("analyst@vendor.example").data(FUNNEL))["leadFunnel"]
    cm = (await as_user("cm@vendor.example").data(FUNNEL))["leadFunnel"]
    assert cm["total"] < analyst["total"]


async def test_lead_funnel_with_a_filter(as_user: AsUser, pool: asyncpg.Pool) -> None:
    got = await as_user("admin@globex.example").data(FUNNEL, {"filter": {"regions": ["EMEA"]}})
    expected = await _funnel_oracle(
        pool,
        "JOIN partners p ON p.id = l.assigned_partner_id WHERE p.slug = $1 AND l.region = 'EMEA'",
        "globex",
    )
    assert got["leadFunnel"]["byStatus"] == expected["byStatus"]


@pytest.fixture(scope="module")
async def strict_policy_app(
    seeded_dsn: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    """The gateway with a policy that hides which partner a deal is from, from analysts."""
    policies = tmp_path_factory.mktemp("analytics") / "policies"
    shutil.copytree(DEFAULT_POLICY_DIR, policies)
    with (policies / "policy.csv").open("a") as handle:
        handle.write("p, analyst, *, Deal.partner, read, deny\n")
    app = create_app(dataclasses.replace(settings, policy_dir=Path(policies)), seeded_dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield GraphQLClient(http)


async def test_totals_follow_the_field_policy(
    strict_policy_app: GraphQLClient, tokens: Callable[[str], str], pool: asyncpg.Pool
) -> None:
    """An aggregate reveals what its fields do: deny the field, and its totals are denied."""
    analyst = strict_policy_app.as_({"authorization": f"Bearer {tokens('analyst@vendor.example')}"})
    for groups in (["PARTNER"], ["TIER"]):
        body = await analyst.execute(PIPELINE, {"groupBy": groups})
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "Deal.partner" in body["errors"][0]["message"]
    by_stage = await analyst.data(PIPELINE, {"groupBy": ["STAGE"]})
    assert sum(r["count"] for r in by_stage["pipeline"]) == await pool.fetchval(
        "SELECT count(*) FROM deals"
    )
