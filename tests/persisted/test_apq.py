"""Automatic persisted queries: register by hash and text, then run by hash alone (GET too);
in memory (bounded) or shared through the real Redis; never around limits or rate limits."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
from redis.asyncio import Redis

from gateway.config import Settings
from gateway.persisted.manifest import operation_hash
from tests.persisted.conftest import ADMIN, GRAPHQL_RESPONSE_JSON, REP, apq, persisted
from tests.ratelimit.conftest import Serve

TIERS = "query Tiers { tiers { level } }"
# Eleven levels deep: within the vendor's limit (20), over a partner's (10).
TOO_DEEP_FOR_PARTNERS = (
    "{ deals(first: 1) { nodes { partner { deals(first: 1) { nodes { partner { "
    "deals(first: 1) { nodes { partner { deals(first: 1) { nodes { id } } } } } } } } } } } }"
)


async def post(
    http: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await http.post("/graphql", json=body, headers=headers)


def only_error(response: httpx.Response) -> dict[str, Any]:
    (error,) = response.json()["errors"]
    assert isinstance(error, dict)
    return error


async def test_register_then_run_by_hash_over_post_and_get(serve: Serve) -> None:
    async with serve() as http:
        missed = await post(http, apq(TIERS, with_text=False), ADMIN)
        # Apollo Client recognises the miss by this message, and expects 200 on application/json.
        assert missed.status_code == 200, missed.text
        assert only_error(missed) == {
            "message": "PersistedQueryNotFound",
            "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
        }
        registered = await post(http, apq(TIERS, with_text=True), ADMIN)
        assert registered.status_code == 200, registered.text
        tiers = registered.json()["data"]["tiers"]
        assert tiers
        by_hash = await post(http, apq(TIERS, with_text=False), ADMIN)
        assert by_hash.json() == {"data": {"tiers": tiers}}
        by_get = await http.get(
            "/graphql",
            params={"extensions": json.dumps(persisted(operation_hash(TIERS)))},
            headers={**ADMIN, **GRAPHQL_RESPONSE_JSON},
        )
        assert by_get.status_code == 200, by_get.text
        assert by_get.json() == {"data": {"tiers": tiers}}


async def test_an_unknown_hash_is_404_for_the_new_media_type(serve: Serve) -> None:
    async with serve() as http:
        response = await post(
            http, apq(TIERS, with_text=False), {**ADMIN, **GRAPHQL_RESPONSE_JSON}
        )
    assert response.status_code == 404, response.text
    assert "data" not in response.json()
    assert only_error(response)["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_hash_that_is_not_the_texts_is_refused_and_not_registered(serve: Serve) -> None:
    wrong = {"query": TIERS, "extensions": persisted(operation_hash(TIERS + " "))}
    async with serve() as http:
        refused = await post(http, wrong, {**ADMIN, **GRAPHQL_RESPONSE_JSON})
        assert refused.status_code == 400, refused.text
        error = only_error(refused)
        assert error["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
        assert "SHA-256" in error["message"]
        # The text was not stored under either hash.
        for query in (TIERS, TIERS + " "):
            missed = await post(http, apq(query, with_text=False), ADMIN)
            assert only_error(missed)["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_malformed_persisted_query_extensions(serve: Serve) -> None:
    bodies: list[dict[str, Any]] = [
        {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": operation_hash(TIERS)}}},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}},
        {"extensions": {"persistedQuery": "yes"}},
    ]
    async with serve() as http:
        for body in bodies:
            response = await post(http, body, {**ADMIN, **GRAPHQL_RESPONSE_JSON})
            assert response.status_code == 400, (body, response.text)
            assert only_error(response)["extensions"]["code"] == "PERSISTED_QUERY_INVALID"


async def test_the_memory_cache_is_bounded(serve: Serve, settings: Settings) -> None:
    queries = [f"query Q{n} {{ tiers {{ level }} }}" for n in range(3)]
    bounded = replace(settings.persisted, apq_cache_size=2)
    async with serve(persisted=bounded) as http:
        for query in queries:
            assert (await post(http, apq(query, with_text=True), ADMIN)).status_code == 200
        evicted, *kept = [await post(http, apq(q, with_text=False), ADMIN) for q in queries]
    assert only_error(evicted)["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert all("errors" not in response.json() for response in kept)


async def test_registrations_are_shared_through_redis(
    serve: Serve, redis_url: str, key_prefix: str, redis_keys: Callable[[], Awaitable[list[bytes]]]
) -> None:
    # Two gateway instances (each its own app and Redis client), one Redis.
    async with serve(redis_url=redis_url) as first, serve(redis_url=redis_url) as second:
        registered = await post(first, apq(TIERS, with_text=True), ADMIN)
        assert "errors" not in registered.json(), registered.text
        from_the_other = await post(second, apq(TIERS, with_text=False), ADMIN)
        assert from_the_other.json() == registered.json()
    key = f"{key_prefix}:apq:{operation_hash(TIERS)}".encode()
    assert key in await redis_keys()
    client = Redis.from_url(redis_url.removeprefix("async+"))
    try:
        assert 0 < await client.ttl(key) <= 86_400
        assert await client.get(key) == TIERS.encode()
    finally:
        await client.aclose()


async def test_a_hash_does_not_get_past_the_operation_limits(serve: Serve) -> None:
    async with serve() as http:
        # Vendor staff may run it (their depth limit is 20) and so register it...
        registered = await post(http, apq(TOO_DEEP_FOR_PARTNERS, with_text=True), ADMIN)
        assert "errors" not in registered.json(), registered.text
        # ...but a partner running it by hash is measured like anyone sending the text.
        refused = await post(
            http, apq(TOO_DEEP_FOR_PARTNERS, with_text=False), {**REP, **GRAPHQL_RESPONSE_JSON}
        )
    assert refused.status_code == 400, refused.text
    error = only_error(refused)
    assert error["extensions"]["code"] == "OPERATION_TOO_COMPLEX"
    assert error["extensions"]["limit"]["name"] == "depth"


async def test_a_hash_spends_the_rate_limit_like_any_request(serve: Serve) -> None:
    async with serve(rate_limit_per_user="2/minute") as http:
        assert (await post(http, apq(TIERS, with_text=True), ADMIN)).status_code == 200
        assert (await post(http, apq(TIERS, with_text=False), ADMIN)).status_code == 200
        limited = await post(http, apq(TIERS, with_text=False), ADMIN)
    assert limited.status_code == 429, limited.text
    assert only_error(limited)["extensions"]["code"] == "RATE_LIMITED"
