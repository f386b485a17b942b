"""Lists: Relay connections, paging, filters and ordering, checked against the database itself."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from tests.support.graphql import GraphQLClient


async def test_deals_page_matches_the_database(client: GraphQLClient, pool: asyncpg.Pool) -> None:
    data = await client.data("{ deals(first: 5) { totalCount nodes { customerName amount } } }")
    expected = await pool.fetch("SELECT customer_name, amount FROM deals ORDER BY id LIMIT 5")
    assert [(n["customerName"], Decimal(n["amount"])) for n in data["deals"]["nodes"]] == [
        (r["customer_name"], r["amount"]) for r in expected
    ]
    assert data["deals"]["totalCount"] == await pool.fetchval("SELECT count(*) FROM deals")


async def _all_pages(client: GraphQLClient, query: str, variables: dict[str, Any]) -> list[Any]:
    seen: list[Any] = []
    after = None
    while True:
        data = await client.data(query, {**variables, "after": after})
        connection = data["deals"]
        seen.extend(edge["node"] for edge in connection["edges"])
        if not connection["pageInfo"]["hasNextPage"]:
            return seen
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        after = connection["pageInfo"]["endCursor"]


PAGED = """
query Paged($after: String, $filter: DealFilter, $order: DealOrder) {
  deals(first: 37, after: $after, filter: $filter, orderBy: $order) {
    edges { cursor node { id amount updatedAt } }
    pageInfo { hasNextPage endCursor hasPreviousPage }
  }
}
"""


async def test_paging_by_amount_visits_every_row_once_in_order(
    client: GraphQLClient, pool: asyncpg.Pool
) -> None:
    acme = await pool.fetchval("SELECT id FROM partners WHERE slug = 'acme'")
    from gateway.schema.node import to_global_id

    variables = {
        "filter": {"partnerIds": [to_global_id("Partner", acme)]},
        "order": {"field": "AMOUNT", "direction": "DESC"},
    }
    nodes = await _all_pages(client, PAGED, variables)
    expected = await pool.fetch(
        "SELECT id, amount FROM deals WHERE partner_id = $1 ORDER BY amount DESC, id DESC", acme
    )
    assert [Decimal(n["amount"]) for n in nodes] == [r["amount"] for r in expected]
    assert len({n["id"] for n in nodes}) == len(expected) == 100


async def test_filters_combine(client: GraphQLClient, pool: asyncpg.Pool) -> None:
    query = """
    { deals(first: 100, filter: {statuses: [APPROVED, PENDING], regions: [EMEA]}) {
        totalCount nodes { status region } } }
    """
    data = await client.data(query)
    expected = await pool.fetchval(
        "SELECT count(*) FROM deals WHERE status IN ('APPROVED', 'PENDING') AND region = 'EMEA'"
    )
    assert data["deals"]["totalCount"] == expected > 0
    assert {(n["status"], n["region"]) for n in data["deals"]["nodes"]} <= {
        ("APPROVED", "EMEA"),
        ("PENDING", "EMEA"),
    }


async def test_customer_search_is_a_case_insensitive_prefix(
    client: GraphQLClient, pool: asyncpg.Pool
) -> None:
    name: str = await pool.fetchval("SELECT customer_name FROM deals ORDER BY id LIMIT 1")
    prefix = name[:4].upper()
    data = await client.data(
        "query($c: String) { deals(first: 100, filter: {customer: $c}) { totalCount } }",
        {"c": prefix},
    )
    expected = await pool.fetchval(
        "SELECT count(*) FROM deals WHERE lower(customer_name) LIKE $1 "
        "OR customer_domain LIKE $1",
        prefix.lower() + "%",
    )
    assert data["deals"]["totalCount"] == expected >= 1


async def test_search_text_is_not_a_pattern(client: GraphQLClient) -> None:
    data = await client.data('{ deals(filter: {customer: "%"}) { totalCount } }')
    assert data["deals"]["totalCount"] == 0


async def test_updated_since_returns_only_newer_rows(
    client: GraphQLClient, pool: asyncpg.Pool
) -> None:
    since = await pool.fetchval(
        "SELECT updated_at FROM deals ORDER BY updated_at DESC OFFSET 50 LIMIT 1"
    )
    data = await client.data(
        "query($s: DateTime) { deals(filter: {updatedSince: $s}) { totalCount } }",
        {"s": since.isoformat()},
    )
    expected = await pool.fetchval("SELECT count(*) FROM deals WHERE updated_at >= $1", since)
    assert data["deals"]["totalCount"] == expected


async def test_nested_relations_both_ways(client: GraphQLClient) -> None:
    query = """
    { partner(slug: "acme") {
        name slug tier channelManager { email }
        users(first: 50) { nodes { email partner { slug }
                                    certifications { isCurrent course { code } } } }
        leads(first: 5) { nodes { partner { slug } } }
    } }
    """
    data = await client.data(query)
    acme = data["partner"]
    assert acme["slug"] == "acme"
    assert acme["channelManager"]["email"] == "cm@vendor.example"
    emails = {u["email"] for u in acme["users"]["nodes"]}
    assert {"admin@acme.example", "rep@acme.example"} <= emails
    assert all(u["partner"]["slug"] == "acme" for u in acme["users"]["nodes"])
    assert all(lead["partner"]["slug"] == "acme" for lead in acme["leads"]["nodes"])


async def test_course_enrollments_point_back_to_the_course(client: GraphQLClient) -> None:
    data = await client.data(
        "{ courses(first: 3) { nodes { code enrollments(first: 5) { nodes { course { code } "
        "user { email } } } } } }"
    )
    courses = data["courses"]["nodes"]
    assert courses
    for course in courses:
        for enrollment in course["enrollments"]["nodes"]:
            assert enrollment["course"]["code"] == course["code"]


async def test_tiers_are_listed_lowest_first(client: GraphQLClient) -> None:
    data = await client.data("{ tiers { level rank minCertifiedUsers } }")
    assert [t["level"] for t in data["tiers"]] == ["REGISTERED", "SILVER", "GOLD", "PLATINUM"]
