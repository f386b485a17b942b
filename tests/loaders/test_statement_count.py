"""The number of SQL statements per request does not grow with the size of the lists asked for."""

from __future__ import annotations

import pytest

from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count

THREE_LEVELS = """
query ThreeLevels($n: Int!) {
  partners(first: $n) {
    edges { node { slug deals(first: $n) { edges { node { customerName owner { email } } } } } }
  }
}
"""


async def _statements_for(client: GraphQLClient, query: str, variables: dict[str, int]) -> tuple[
    float, dict[str, object]
]:
    before = await settled_statement_count()
    data = await client.data(query, variables)
    after = await settled_statement_count()
    return after - before, data


@pytest.mark.parametrize("n", [10, 100])
async def test_three_levels_take_four_statements(client: GraphQLClient, n: int) -> None:
    count, data = await _statements_for(client, THREE_LEVELS, {"n": n})
    partners = data["partners"]["edges"]  # type: ignore[index]
    assert len(partners) == n
    for edge in partners:
        deals = edge["node"]["deals"]["edges"]
        assert len(deals) == n
        assert all(deal["node"]["owner"]["email"] for deal in deals)
    # who is asking, partners page, every partner's deals page (one LATERAL join), owners.
    assert count == 4


async def test_total_counts_add_one_statement_per_list(client: GraphQLClient) -> None:
    query = """
    { partners(first: 10) { totalCount edges { node { deals(first: 10) { totalCount } } } } }
    """
    count, data = await _statements_for(client, query, {})
    assert data["partners"]["totalCount"] == 100  # type: ignore[index]
    # who is asking + partners page + partners count + deals pages + deal counts per partner.
    assert count == 5


async def test_repeated_references_are_loaded_once(client: GraphQLClient) -> None:
    """Each deal's partner is the same few rows: the loader asks for each id once, in one batch."""
    query = "{ deals(first: 100) { nodes { partner { slug } owner { partner { slug } } } } }"
    count, data = await _statements_for(client, query, {})
    nodes = data["deals"]["nodes"]  # type: ignore[index]
    assert all(n["partner"]["slug"] == n["owner"]["partner"]["slug"] for n in nodes)
    # who is asking, deals page, partners by id (deal.partner and owner.partner share the
    # batch), owners.
    assert count == 4
