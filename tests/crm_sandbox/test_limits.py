"""The paging limits: 2,000 per page, forward only, 4,000 records without upperBound, the
upperBound page rule, at most 10 subqueries per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.crm_sandbox.conftest import CrmClient
from tests.support.crm_sandbox import running_sandbox

EXTRA_ACCOUNTS = 4_150
ACCOUNTS = (
    "query($first: Int, $after: String, $bound: Int) { uiapi { query {"
    " Account(first: $first, after: $after, upperBound: $bound) {"
    " edges { node { Id } } pageInfo { hasNextPage endCursor } totalCount } } } }"
)


def _kind(errors: list[Any]) -> str:
    kind: str = errors[0]["extensions"]["ErrorType"]
    return kind


@pytest.fixture(scope="module")
async def big(server_dsn: str) -> AsyncIterator[CrmClient]:
    """A sandbox holding more than 4,000 Accounts."""
    async with running_sandbox(server_dsn) as sandbox:
        conn = await asyncpg.connect(sandbox.database_url)
        try:
            await conn.execute(
                'INSERT INTO account ("Id", "Name", "SystemModstamp") '
                "SELECT '001' || lpad(n::text, 15, '0'), 'Account ' || n, now() "
                "FROM generate_series(1, $1) AS n",
                EXTRA_ACCOUNTS,
            )
        finally:
            await conn.close()
        async with httpx.AsyncClient(base_url=sandbox.url, timeout=60) as http:
            yield CrmClient(sandbox, http, await sandbox.token())


async def _walk(crm: CrmClient, first: int, bound: int | None) -> tuple[list[str], int]:
    ids: list[str] = []
    after = None
    pages = 0
    while True:
        data = await crm.data(ACCOUNTS, {"first": first, "after": after, "bound": bound})
        connection = data["uiapi"]["query"]["Account"]
        pages += 1
        ids += [edge["node"]["Id"] for edge in connection["edges"]]
        assert connection["totalCount"] == EXTRA_ACCOUNTS
        if not connection["pageInfo"]["hasNextPage"]:
            return ids, pages
        after = connection["pageInfo"]["endCursor"]


async def test_paging_stops_at_4000_records_without_upper_bound(big: CrmClient) -> None:
    ids, pages = await _walk(big, 1500, None)
    assert (len(ids), pages) == (4000, 3)
    assert len(set(ids)) == 4000


async def test_upper_bound_pages_through_everything(big: CrmClient) -> None:
    ids, pages = await _walk(big, 2000, 5000)
    assert (len(set(ids)), pages) == (EXTRA_ACCOUNTS, 3)


@pytest.mark.parametrize("first", [199, 2001])
async def test_upper_bound_needs_first_between_200_and_2000(big: CrmClient, first: int) -> None:
    errors = await big.errors(ACCOUNTS, {"first": first, "bound": 5000})
    assert _kind(errors) == "ValidationError"
    assert "upperBound" in errors[0]["message"] or "2000" in errors[0]["message"]


@pytest.mark.parametrize("first", [2001, -1])
async def test_first_is_at_most_2000_and_not_negative(crm: CrmClient, first: int) -> None:
    errors = await crm.errors(ACCOUNTS, {"first": first})
    assert _kind(errors) == "ValidationError"


async def test_first_2000_is_allowed(crm: CrmClient) -> None:
    data = await crm.data(ACCOUNTS, {"first": 2000})
    assert data["uiapi"]["query"]["Account"]["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("arguments", ["last: 5", 'before: "djE6MTA="'])
async def test_backward_paging_is_not_supported(crm: CrmClient, arguments: str) -> None:
    errors = await crm.errors(f"{{ uiapi {{ query {{ Lead({arguments}) {{ totalCount }} }} }} }}")
    assert _kind(errors) == "OperationNotSupported"
    assert errors[0]["path"] == ["uiapi", "query", "Lead"]


async def test_a_cursor_must_be_one_the_api_gave(crm: CrmClient) -> None:
    errors = await crm.errors(ACCOUNTS, {"after": "not-a-cursor"})
    assert _kind(errors) == "ValidationError"


def _subqueries(count: int) -> str:
    parts = " ".join(f"q{i}: Lead(first: 1) {{ edges {{ node {{ Id }} }} }}" for i in range(count))
    return f"{{ uiapi {{ query {{ {parts} }} }} }}"


async def test_at_most_ten_subqueries(crm: CrmClient) -> None:
    await crm.sandbox.admin.reset_stats()
    ten = await crm.data(_subqueries(10))
    assert len(ten["uiapi"]["query"]) == 10
    response = await crm.post(_subqueries(11))
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert _kind(body["errors"]) == "ValidationError"
    assert "10 subqueries" in body["errors"][0]["message"]
    stats = await crm.sandbox.admin.stats()
    assert (stats["graphql_requests"], stats["graphql_query_requests"]) == (2, 1)
    assert stats["subqueries"] == 10
    assert stats["subqueries_by_object"] == {"Lead": 10}
