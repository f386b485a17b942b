"""Two in-process gateways on the suite's seeded data: compiled execution on and off."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    statements: float

    @property
    def text(self) -> str:
        """The body as JSON, keys in the order the server wrote them, its errors sorted: errors
        met in branches that wait on different queries come in whichever order the queries
        return, on either path (graphql-core reports them as they happen; the spec leaves the
        order open). Each error keeps its own text: message, locations, path, code."""
        body = dict(self.body)
        if "errors" in body:
            body["errors"] = sorted(body["errors"], key=json.dumps)
        return json.dumps(body)


@dataclass(frozen=True)
class Paths:
    """The same caller on both gateways."""

    compiled: GraphQLClient
    interpreted: GraphQLClient

    async def ask(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[Answer, Answer]:
        """The interpreted answer first, then the compiled one, each with its statements."""
        return await _answer(self.interpreted, query, variables), await _answer(
            self.compiled, query, variables
        )


async def _answer(client: GraphQLClient, query: str, variables: dict[str, Any] | None) -> Answer:
    before = await settled_statement_count()
    response = await client.post(query, variables)
    statements = await settled_statement_count() - before
    return Answer(response.status_code, response.json(), statements)


async def _client(settings: Settings, dsn: str) -> AsyncIterator[GraphQLClient]:
    app = create_app(settings, dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield GraphQLClient(http)


@pytest.fixture(scope="session")
async def compiled_gateway(seeded_dsn: str, settings: Settings) -> AsyncIterator[GraphQLClient]:
    async for client in _client(replace(settings, compiled_execution=True), seeded_dsn):
        yield client


@pytest.fixture(scope="session")
async def interpreted_gateway(
    seeded_dsn: str, settings: Settings
) -> AsyncIterator[GraphQLClient]:
    async for client in _client(replace(settings, compiled_execution=False), seeded_dsn):
        yield client


@pytest.fixture(scope="session")
def both_paths(
    compiled_gateway: GraphQLClient,
    interpreted_gateway: GraphQLClient,
    tokens: Callable[[str], str],
) -> Callable[[str], Paths]:
    """`both_paths("rep@acme.example")`: that person on either gateway."""

    def paths(email: str) -> Paths:
        headers = {"authorization": f"Bearer {tokens(email)}"}
        return Paths(compiled_gateway.as_(headers), interpreted_gateway.as_(headers))

    return paths
