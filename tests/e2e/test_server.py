"""The real thing: `partner-gateway serve` in its own process, on a free port, over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.graphql import GraphQLClient


async def test_query_over_http(live_server: str, tokens: Callable[[str], str]) -> None:
    headers = {"authorization": f"Bearer {tokens('admin@vendor.example')}"}
    async with httpx.AsyncClient(base_url=live_server) as http:
        client = GraphQLClient(http, headers=headers)
        data = await client.data(
            '{ partner(slug: "globex") { name deals(first: 3) { totalCount nodes { '
            "customerName owner { email partner { slug } } } } } }"
        )
    globex = data["partner"]
    assert globex["name"] == "Globex Systems"
    assert globex["deals"]["totalCount"] == 100
    assert all(d["owner"]["partner"]["slug"] == "globex" for d in globex["deals"]["nodes"])


