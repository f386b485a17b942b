"""Who sees what, over HTTP, as the seeded personas (the issue's "done when", and more)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import asyncpg
import pytest

from gateway.schema.node import from_global_id, to_global_id
from gateway.store import table as table_module
from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count

AsUser = Callable[[str], GraphQLClient]


async def _ids(pool: asyncpg.Pool, sql: str, *args: object) -> set[int]:
    return {row[0] for row in await pool.fetch(sql, *args)}


async def test_rep_lists_only_own_deals(as_user: AsUser, pool: asyncpg.Pool) -> None:
    rep = as_user("rep@acme.example")
    data = await rep.data("{ deals(first: 100) { totalCount nodes { id owner { email } } } }")
    expected = await _ids(
        pool,
        "SELECT d.id FROM deals d JOIN partner_users u ON u.id = d.owner_id "
        "WHERE u.email = 'rep@acme.example'",
    )
    seen = {from_global_id(n["id"])[1] for n in data["deals"]["nodes"]}
    assert seen == expected and len(expected) > 10
    assert data["deals"]["totalCount"] == len(expected)
    assert {n["owner"]["email"] for n in data["deals"]["nodes"]} == {"rep@acme.example"}


async def test_other_partners_rows_do_not_exist(as_user: AsUser, pool: asyncpg.Pool) -> None:
    globex_deal = await pool.fetchval(
        "SELECT min(d.id) FROM deals d JOIN partners p ON p.id = d.partner_id "
        "WHERE p.slug = 'globex'"
    )
    globex_id = await pool.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    rep = as_user("rep@acme.example")
    body = await rep.execute(
        "query($d: ID!, $p: ID!) { d: node(id: $d) { id } p: node(id: $p) { id } "
        'partner(slug: "globex") { id } '
        "deals(filter: {partnerIds: [$p]}) { totalCount } }",
        {"d": to_global_id("Deal", globex_deal), "p": to_global_id("Partner", globex_id)},
    )
    assert "errors" not in body
    assert body["data"] == {"d": None, "p": None, "partner": None, "deals": {"totalCount": 0}}


async def test_vendor_only_field_is_forbidden_with_its_path(as_user: AsUser) -> None:
    body = await as_user("rep@acme.example").execute(
        "{ deals(first: 2) { nodes { customerName internalNotes } } }"
    )
    nodes = body["data"]["deals"]["nodes"]
    assert len(nodes) == 2
    assert all(n["internalNotes"] is None and n["customerName"] for n in nodes)
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["deals", "nodes", 0, "internalNotes"], "FORBIDDEN"),
        (["deals", "nodes", 1, "internalNotes"], "FORBIDDEN"),
    ]


async def test_vendor_reads_vendor_only_fields(client: GraphQLClient, pool: asyncpg.Pool) -> None:
    deal = await pool.fetchrow(
        "SELECT id, internal_notes FROM deals WHERE internal_notes IS NOT NULL LIMIT 1"
    )
    assert deal is not None
    data = await client.data(
        "query($id: ID!) { node(id: $id) { ... on Deal { internalNotes } } }",
        {"id": to_global_id("Deal", deal["id"])},
    )
    assert data["node"]["internalNotes"] == deal["internal_notes"]


async def test_per_partner_override_of_lead_score(as_user: AsUser) -> None:
    query = "{ leads(first: 3) { nodes { company score } } }"
    acme = await as_user("rep@acme.example").execute(query)
    assert "errors" not in acme
    assert acme["data"]["leads"]["nodes"] and all(
        isinstance(n["score"], int) for n in acme["data"]["leads"]["nodes"]
    )
    globex = await as_user("rep@globex.example").execute(query)
    assert globex["data"]["leads"]["nodes"]
    assert all(n["score"] is None for n in globex["data"]["leads"]["nodes"])
    assert {e["extensions"]["code"] for e in globex["errors"]} == {"FORBIDDEN"}


async def test_analyst_sees_no_contact_details(as_user: AsUser) -> None:
    body = await as_user("analyst@vendor.example").execute(
        "{ leads(first: 1) { nodes { company email phone } } }"
    )
    assert body["data"]["leads"]["nodes"][0]["company"]
    assert {tuple(e["path"][-1:]) for e in body["errors"]} == {("email",), ("phone",)}


async def test_channel_manager_sees_managed_partners_only(
    as_user: AsUser, pool: asyncpg.Pool
) -> None:
    managed = await _ids(
        pool,
        "SELECT p.id FROM partners p JOIN vendor_users v ON v.id = p.channel_manager_id "
        "WHERE v.email = 'cm@vendor.example'",
    )
    data = await as_user("cm@vendor.example").data(
        "{ partners(first: 100) { totalCount nodes { id slug } } "
        "  deals(first: 100) { nodes { partner { id } } } }"
    )
    seen = {from_global_id(n["id"])[1] for n in data["partners"]["nodes"]}
    assert seen == managed and data["partners"]["totalCount"] == len(managed)
    assert "acme" in {n["slug"] for n in data["partners"]["nodes"]}
    assert {from_global_id(n["partner"]["id"])[1] for n in data["deals"]["nodes"]} <= managed


async def test_nested_paths_obey_the_same_grant(as_user: AsUser) -> None:
    data = await as_user("rep@acme.example").data(
        """{ partner(slug: "acme") { users(first: 50) { nodes { email } }
               deals(first: 40) { nodes { owner { email partner { slug
                   deals(first: 40) { nodes { owner { email } } } } } } } } }"""
    )
    acme = data["partner"]
    assert [u["email"] for u in acme["users"]["nodes"]] == ["rep@acme.example"]
    owners = {d["owner"]["email"] for d in acme["deals"]["nodes"]}
    inner = {
        d2["owner"]["email"]
        for d in acme["deals"]["nodes"]
        for d2 in d["owner"]["partner"]["deals"]["nodes"]
    }
    assert owners == inner == {"rep@acme.example"}


async def test_aliases_fragments_and_variables_change_nothing(as_user: AsUser) -> None:
    body = await as_user("admin@globex.example").execute(
        """query($n: Int!) { a: deals(first: $n) { ...D } b: deals(first: $n) { ...D } }
           fragment D on DealConnection { nodes { notes: internalNotes ... on Deal {
               partner { slug } } } }""",
        {"n": 3},
    )
    for alias in ("a", "b"):
        assert {n["partner"]["slug"] for n in body["data"][alias]["nodes"]} == {"globex"}
        assert all(n["notes"] is None for n in body["data"][alias]["nodes"])
    assert len(body["errors"]) == 6
    assert {e["path"][-1] for e in body["errors"]} == {"notes"}


async def test_no_suggestions_for_partners(as_user: AsUser, client: GraphQLClient) -> None:
    query = "{ deals { nodes { internalNote } } }"
    partner = (await as_user("rep@acme.example").post(query)).json()
    assert "Did you mean" not in partner["errors"][0]["message"]
    vendor = (await client.post(query)).json()
    assert "Did you mean 'internalNotes'?" in vendor["errors"][0]["message"]


async def test_authorization_costs_no_extra_statement(
    as_user: AsUser, client: GraphQLClient
) -> None:
    query = "{ partners(first: 10) { nodes { deals(first: 10) { nodes { owner { email } } } } } }"
    counts = {}
    for who, caller in (("vendor", client), ("rep", as_user("rep@acme.example"))):
        before = await settled_statement_count()
        await caller.data(query)
        counts[who] = await settled_statement_count() - before
    # who is asking (1) + partners (1) + deals per partner (1) + owners (1), for both.
    assert counts == {"vendor": 4, "rep": 4}


async def test_a_broken_scope_predicate_is_caught(
    as_user: AsUser,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Break the SQL scope on purpose: the second, independent check must withhold the rows."""
    monkeypatch.setattr(table_module.Table, "scope_sql", lambda self, scope, params: None)
    with caplog.at_level(logging.ERROR, logger="gateway.authz.leak"):
        data = await as_user("rep@acme.example").data(
            "{ deals(first: 50) { nodes { owner { email } } } "
            '  partner(slug: "acme") { users(first: 50) { nodes { email } } } }'
        )
    assert {n["owner"]["email"] for n in data["deals"]["nodes"]} <= {"rep@acme.example"}
    assert [u["email"] for u in data["partner"]["users"]["nodes"]] == ["rep@acme.example"]
    assert "outside the caller's scope" in caplog.text


async def test_ordering_by_a_denied_field_is_forbidden(as_user: AsUser) -> None:
    """Sorting by Lead.score would reveal it through the order and the cursors."""
    query = (
        "{ leads(first: 2, orderBy: {field: SCORE, direction: DESC}) "
        "{ edges { cursor node { id } } } }"
    )
    globex = await as_user("rep@globex.example").execute(query)
    assert globex["data"] is None
    assert globex["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "score" in globex["errors"][0]["message"]
    nested = await as_user("admin@globex.example").execute(
        '{ partner(slug: "globex") { leads(orderBy: {field: SCORE}) { nodes { id } } } }'
    )
    assert nested["data"] == {"partner": None} or nested["data"]["partner"]["leads"] is None
    assert nested["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # acme may read the score (a per-partner override), so acme may sort by it.
    acme = await as_user("rep@acme.example").data(query)
    assert acme["leads"]["edges"]


async def test_denials_do_not_flood_the_log(
    as_user: AsUser, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        body = await as_user("rep@acme.example").execute(
            "{ deals(first: 20) { nodes { internalNotes } } }"
        )
    assert len(body["errors"]) == 20
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
