"""The attack tests' own in-process app on the shared seeded database, with rate limits off:
a thousand hostile requests must not spend the budget other tests' callers share."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from tests.support.graphql import GraphQLClient


@pytest.fixture(scope="module")
async def attacker(
    seeded_dsn: str, settings: Settings, tokens: Callable[[str], str]
) -> AsyncIterator[Callable[[str], GraphQLClient]]:
    """`attacker("rep@acme.example")`: a client speaking with that person's token."""
    unlimited = replace(settings, rate_limit_per_user=None, rate_limit_per_api_key=None)
    app = create_app(unlimited, seeded_dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            anonymous = GraphQLClient(http)
            yield lambda email: anonymous.as_({"authorization": f"Bearer {tokens(email)}"})
