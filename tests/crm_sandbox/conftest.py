"""One seeded sandbox CRM for this package's read-only tests, and a client that speaks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from gateway.seed import SeedPlan
from tests.support.crm_sandbox import API, RunningSandbox, running_sandbox

# Small, but several pages of every object at the default page size.
READ_PLAN = SeedPlan(partners=3, deals_per_partner=30, leads_per_partner=10, seed=11)
# Fixed for the session, so a test can generate exactly the records the sandbox seeded.
READ_SEED_NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


class CrmClient:
    """Bearer-authenticated calls to one sandbox."""

    def __init__(self, sandbox: RunningSandbox, http: httpx.AsyncClient, token: str) -> None:
        self.sandbox = sandbox
        self.http = http
        self.token = token

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return await self.http.post(
            f"{API}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[Any]:
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        errors: list[Any] = response.json()["errors"]
        return errors

    async def rest(self, path: str, **params: str) -> httpx.Response:
        return await self.http.get(
            f"{API}/{path}", params=params, headers={"Authorization": f"Bearer {self.token}"}
        )


@pytest.fixture(scope="session")
async def read_sandbox(server_dsn: str) -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(server_dsn, seed_plan=READ_PLAN, seed_now=READ_SEED_NOW) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
async def crm(read_sandbox: RunningSandbox) -> AsyncIterator[CrmClient]:
    async with httpx.AsyncClient(base_url=read_sandbox.url, timeout=30) as http:
        yield CrmClient(read_sandbox, http, await read_sandbox.token())


@pytest.fixture(scope="module")
async def write_sandbox(server_dsn: str) -> AsyncIterator[RunningSandbox]:
    """A sandbox per test module (a few seeded records) for tests that write or set faults;
    tests in a module use their own records or compare counts before and after."""
    plan = SeedPlan(partners=2, deals_per_partner=3, leads_per_partner=2, seed=3)
    async with running_sandbox(server_dsn, seed_plan=plan) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
async def writer(write_sandbox: RunningSandbox) -> AsyncIterator[CrmClient]:
    async with httpx.AsyncClient(base_url=write_sandbox.url, timeout=30) as http:
        yield CrmClient(write_sandbox, http, await write_sandbox.token())
