"""Bad input gets a clear error with a stable code; nothing internal leaks."""

from __future__ import annotations

import pytest

from tests.support.graphql import GraphQLClient


async def test_page_size_is_capped(client: GraphQLClient) -> None:
    body = await client.execute("{ deals(first: 101) { totalCount } }")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["maxPageSize"] == 100
    assert error["path"] == ["deals"]


async def test_negative_page_size_is_refused(client: GraphQLClient) -> None:
    body = await client.execute("{ partners(first: -1) { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "cursor", ["garbage", "W10", "WyJpZCIsIDEsICJ4Il0", "WyJhbW91bnQiLCAiMSIsIDFd"]
)
async def test_foreign_cursors_are_refused(client: GraphQLClient, cursor: str) -> None:
    body = await client.execute(
        "query($a: String) { deals(after: $a) { totalCount } }", {"a": cursor}
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_syntax_error_has_a_code(client: GraphQLClient) -> None:
    response = await client.post("{ deals(first: 1) { ")
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_unknown_field_has_a_code(client: GraphQLClient) -> None:
    response = await client.post("{ deals { nodes { password } } }")
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_bad_variable_has_a_code(client: GraphQLClient) -> None:
    response = await client.post(
        "query($s: DateTime) { deals(filter: {updatedSince: $s}) { totalCount } }",
        {"s": "yesterday-ish"},
    )
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Traceback" not in response.text


async def test_injection_text_is_only_data(client: GraphQLClient) -> None:
    body = await client.execute(
        "query($c: String) { deals(filter: {customer: $c}) { totalCount } }",
        {"c": "x'; DROP TABLE deals; --"},
    )
    assert body == {"data": {"deals": {"totalCount": 0}}}
