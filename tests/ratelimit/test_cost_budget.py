"""The optional cost budget per partner: operations spend their measured cost (lists multiply by
`first`), all of a partner's people and API keys from one budget; over it, RATE_LIMITED with
retryAfter before anything executes. Vendor staff are not counted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from gateway.auth.jwt_tokens import mint_token
from gateway.ratelimit.middleware import RATE_LIMITED
from tests.ratelimit.conftest import ADMIN, Serve
from tests.ratelimit.test_ratelimit import api_key
from tests.support.auth import TEST_AUTH

# deals (1) + 50 nodes, each with its partner (50): a cost of 101.
COSTLY = "{ deals(first: 50) { nodes { id partner { slug } } } }"


def partner_rep(partner: str) -> dict[str, str]:
    token = mint_token(TEST_AUTH, f"rep@{partner}.example", ["partner_rep"], partner,
                       timedelta(hours=1))
    return {"authorization": f"Bearer {token}"}


ACME_REP = partner_rep("acme")
GLOBEX_REP = partner_rep("globex")


async def ask(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": COSTLY}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_over_budget(body: dict[str, Any]) -> None:
    assert body["data"] is None, body  # refused before execution
    [error] = body["errors"]
    assert error["extensions"]["code"] == RATE_LIMITED
    assert 1 <= error["extensions"]["retryAfter"] <= 60
    assert error["extensions"]["limit"] == {
        "name": "cost_per_partner",
        "budget": "250 per 1 minute",
        "measured": 101,
    }


async def test_a_partner_spends_one_cost_budget(serve: Serve, ratelimit_db: asyncpg.Pool) -> None:
    async with serve(rate_limit_cost_per_partner="250/minute") as http:
        acme_key = await api_key(ratelimit_db)
        assert "errors" not in await ask(http, ACME_REP)
        assert "errors" not in await ask(http, acme_key)  # 202 of acme's 250 spent
        assert_over_budget(await ask(http, ACME_REP))
        assert_over_budget(await ask(http, acme_key))
        # Another partner's budget, and vendor staff, are untouched.
        assert "errors" not in await ask(http, GLOBEX_REP)
        for _ in range(3):
            assert "errors" not in await ask(http, ADMIN)


async def test_cost_budget_is_shared_through_redis(
    serve: Serve, redis_url: str, redis_keys: Callable[[], Awaitable[list[bytes]]]
) -> None:
    # Two gateway instances on one Redis: what one spent, the other refuses.
    settings = {"rate_limit_cost_per_partner": "250/minute", "redis_url": redis_url}
    async with serve(**settings) as first, serve(**settings) as second:
        assert "errors" not in await ask(http=first, headers=ACME_REP)
        assert "errors" not in await ask(http=second, headers=ACME_REP)
        assert_over_budget(await ask(http=first, headers=ACME_REP))
    assert any(b"partner-cost" in key for key in await redis_keys())


async def test_no_cost_budget_by_default(serve: Serve) -> None:
    async with serve() as http:
        for _ in range(5):
            assert "errors" not in await ask(http, ACME_REP)
