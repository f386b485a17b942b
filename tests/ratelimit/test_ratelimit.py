"""Budgets per person and per API key: 429 with Retry-After, shared through the real Redis."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from gateway.auth.api_keys import issue_api_key
from gateway.ratelimit.middleware import RATE_LIMITED
from tests.ratelimit.conftest import ADMIN, ANALYST, Serve

QUERY = {"query": "{ __typename }"}


async def ask(http: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await http.post("/graphql", json=QUERY, headers=headers)


async def spend(http: httpx.AsyncClient, headers: dict[str, str], times: int) -> None:
    for _ in range(times):
        response = await ask(http, headers)
        assert response.status_code == 200, response.text


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": RATE_LIMITED, "retryAfter": retry_after}
    assert "rate limit" in error["message"].lower()


async def api_key(db: asyncpg.Pool) -> dict[str, str]:
    issued = await issue_api_key(
        db,
        name=f"rate limit test {uuid.uuid4().hex[:8]}",
        partner_slug="acme",
        scopes=frozenset({"read"}),
        role="partner_system",
        expires_at=None,
        created_by="tests",
    )
    return {"x-api-key": issued.key}


async def test_the_request_over_budget_gets_429_from_redis(
    serve: Serve, redis_url: str, redis_keys: Callable[[], Awaitable[list[bytes]]]
) -> None:
    async with serve(rate_limit_per_user="3/minute", redis_url=redis_url) as http:
        await spend(http, ADMIN, 3)
        assert_rate_limited(await ask(http, ADMIN))
        assert_rate_limited(await ask(http, ADMIN))
    # The budget was counted in Redis, under this run's prefix.
    assert await redis_keys()


async def test_two_gateways_sharing_redis_share_one_budget(
    serve: Serve, redis_url: str, redis_keys: Callable[[], Awaitable[list[bytes]]]
) -> None:
    async with (
        serve(rate_limit_per_user="3/minute", redis_url=redis_url) as first,
        serve(rate_limit_per_user="3/minute", redis_url=redis_url) as second,
    ):
        await spend(first, ADMIN, 2)
        await spend(second, ADMIN, 1)
        assert_rate_limited(await ask(second, ADMIN))
        assert_rate_limited(await ask(first, ADMIN))


async def test_in_memory_by_default(serve: Serve) -> None:
    async with serve(rate_limit_per_user="3/minute", redis_url=None) as http:
        await spend(http, ADMIN, 3)
        assert_rate_limited(await ask(http, ADMIN))
    # Memory is per process: another gateway starts with a full budget.
    async with serve(rate_limit_per_user="3/minute", redis_url=None) as other:
        await spend(other, ADMIN, 3)


async def test_one_persons_budget_does_not_limit_another(
    serve: Serve, redis_url: str, redis_keys: Callable[[], Awaitable[list[bytes]]]
) -> None:
    async with serve(rate_limit_per_user="3/minute", redis_url=redis_url) as http:
        await spend(http, ADMIN, 3)
        assert_rate_limited(await ask(http, ADMIN))
        await spend(http, ANALYST, 3)
        assert_rate_limited(await ask(http, ANALYST))


async def test_each_api_key_has_its_own_budget(
    serve: Serve,
    redis_url: str,
    redis_keys: Callable[[], Awaitable[list[bytes]]],
    ratelimit_db: asyncpg.Pool,
) -> None:
    first, second = await api_key(ratelimit_db), await api_key(ratelimit_db)
    async with serve(
        rate_limit_per_api_key="2/minute", rate_limit_per_user="1/minute", redis_url=redis_url
    ) as http:
        # Keys get their own (here larger) budget than people.
        await spend(http, first, 2)
        assert_rate_limited(await ask(http, first))
        await spend(http, second, 2)
        assert_rate_limited(await ask(http, second))
        await spend(http, ADMIN, 1)
        assert_rate_limited(await ask(http, ADMIN))


async def test_off_means_no_budget(serve: Serve, ratelimit_db: asyncpg.Pool) -> None:
    key = await api_key(ratelimit_db)
    async with serve(rate_limit_per_user=None, rate_limit_per_api_key=None) as http:
        await spend(http, ADMIN, 10)
        await spend(http, key, 10)


async def test_graphiql_health_and_metrics_are_never_limited(serve: Serve) -> None:
    async with serve(rate_limit_per_user="1/minute") as http:
        await spend(http, ADMIN, 1)
        assert_rate_limited(await ask(http, ADMIN))
        for _ in range(5):
            page = await http.get("/graphql", headers={"accept": "text/html", **ADMIN})
            assert page.status_code == 200
            assert "text/html" in page.headers["content-type"]
            assert (await http.get("/healthz")).status_code == 200
            assert (await http.get("/metrics", headers=ADMIN)).status_code == 200


async def test_unauthenticated_requests_answer_401_not_429(serve: Serve) -> None:
    async with serve(rate_limit_per_user="1/minute") as http:
        for _ in range(3):
            assert (await http.post("/graphql", json=QUERY)).status_code == 401


async def test_a_redis_that_is_down_lets_requests_through_with_a_warning(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    # Port 1 on localhost: nothing listens there, so every connection is refused at once.
    with caplog.at_level(logging.WARNING, logger="gateway.ratelimit.limiter"):
        async with serve(rate_limit_per_user="1/minute", redis_url="redis://127.0.0.1:1") as http:
            await spend(http, ADMIN, 3)
    warnings = [r for r in caplog.records if r.name == "gateway.ratelimit.limiter"]
    # One warning, not one per request.
    assert len(warnings) == 1
    assert "not limited" in warnings[0].getMessage()
