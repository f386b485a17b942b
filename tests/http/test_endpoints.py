"""Health, readiness, metrics and the GraphiQL page."""

from __future__ import annotations

import httpx

from gateway.app import create_app
from gateway.config import Settings
from tests.support.auth import TEST_AUTH
from tests.support.graphql import GraphQLClient


async def test_healthz(client: GraphQLClient) -> None:
    response = await client.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_migrated(client: GraphQLClient) -> None:
    response = await client.http.get("/readyz")
    assert response.status_code == 200, response.text


async def test_readyz_refuses_an_unmigrated_database(empty_dsn: str) -> None:
    app = create_app(Settings(auth=TEST_AUTH), empty_dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "migrations pending"
    assert "0001_core" in response.json()["pending"]


async def test_metrics_count_sql_statements(client: GraphQLClient) -> None:
    await client.data("{ deals(first: 1) { nodes { id } } }")
    response = await client.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = [line for line in response.text.splitlines() if line.startswith("gateway_sql_")]
    statements = next(line for line in lines if line.startswith("gateway_sql_statements_total"))
    assert float(statements.split()[-1]) >= 1
    assert 'gateway_graphql_requests_total{operation_type="query",outcome="ok"}' in response.text


async def test_browser_gets_graphiql(client: GraphQLClient) -> None:
    response = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_json_responses_are_json(client: GraphQLClient) -> None:
    response = await client.post("{ tiers { level } }")
    assert response.headers["content-type"].startswith("application/json")


async def test_request_level_errors_are_json_with_a_code(client: GraphQLClient) -> None:
    response = await client.http.post(
        "/graphql",
        json={"query": "query A { tiers { level } }", "operationName": "B"},
        headers=client.headers,
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "B" in error["message"]
