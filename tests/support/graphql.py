"""A small GraphQL client over any httpx client, in-process (ASGI) or over a real socket."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        path: str = "/graphql",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.http = http
        self.path = path
        self.headers = headers or {}

    def as_(self, headers: dict[str, str]) -> GraphQLClient:
        """The same connection, other credentials."""
        return GraphQLClient(self.http, self.path, headers)

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return await self.http.post(self.path, json=body, headers=self.headers)

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole response body ({data, errors}); the HTTP status must be 200."""
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a response that must carry no errors."""
        body = await self.execute(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data
