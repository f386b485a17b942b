"""The request body's cap and the refusal of batches, before anything is parsed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from tests.support.graphql import GraphQLClient

REP = "rep@acme.example"


async def test_two_megabyte_body_is_413(as_user: Callable[[str], GraphQLClient]) -> None:
    client = as_user(REP)
    body = b'{"query": "{ tiers { name } }", "padding": "' + b"x" * 2_000_000 + b'"}'
    response = await client.http.post(
        client.path,
        content=body,
        headers={**client.headers, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_large_body_without_length_is_413(as_user: Callable[[str], GraphQLClient]) -> None:
    client = as_user(REP)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"x" * 100_000

    response = await client.http.post(
        client.path,
        content=chunks(),
        headers={**client.headers, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_batch_is_refused(as_user: Callable[[str], GraphQLClient]) -> None:
    client = as_user(REP)
    response = await client.http.post(
        client.path,
        json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}],
        headers=client.headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BATCHING_DISABLED"


async def test_ordinary_request_still_served(as_user: Callable[[str], GraphQLClient]) -> None:
    assert await as_user(REP).data("{ __typename }") == {"__typename": "Query"}
