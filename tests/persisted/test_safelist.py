"""The safelist: callers held to it (by role, or by their API key's flag) run only the manifest's
operations, by id or by exact text; everyone else is unaffected."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import asyncpg
import httpx

from gateway.auth.api_keys import issue_api_key
from gateway.config import Settings
from gateway.persisted.manifest import load_manifest, operation_hash
from gateway.persisted.settings import DEFAULT_MANIFEST, PersistedSettings
from gateway.store import api_keys as api_keys_store
from tests.persisted.conftest import (
    ADMIN,
    GRAPHQL_RESPONSE_JSON,
    PARTNER_ADMIN,
    REP,
    apq,
    persisted,
)
from tests.ratelimit.conftest import Serve

MANIFEST = load_manifest(DEFAULT_MANIFEST)
PIPELINE = next(o for o in MANIFEST.operations if o.name == "PartnerPipeline")
FREE_TEXT = "{ tiers { level } }"


async def post(
    http: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await http.post("/graphql", json=body, headers={**headers, **GRAPHQL_RESPONSE_JSON})


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert "data" not in response.json()
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    assert "manifest" in error["message"]


def assert_served(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    assert response.json()["data"]


def reps_held(settings: Settings) -> PersistedSettings:
    return replace(settings.persisted, required_roles=frozenset({"partner_rep"}))


async def test_a_role_held_to_the_safelist(serve: Serve, settings: Settings) -> None:
    async with serve(persisted=reps_held(settings)) as http:
        # By the manifest's id, or by its exact text: served.
        assert_served(await post(http, {"extensions": persisted(PIPELINE.id)}, REP))
        assert_served(await post(http, {"query": PIPELINE.body}, REP))
        assert_served(
            await post(http, {"query": PIPELINE.body, "extensions": persisted(PIPELINE.id)}, REP)
        )
        # Anything else, sent as text or registered as an APQ: refused, and not registered.
        assert_refused(await post(http, {"query": FREE_TEXT}, REP))
        assert_refused(await post(http, apq(FREE_TEXT, with_text=True), REP))
        assert_refused(await post(http, apq(FREE_TEXT, with_text=False), REP))
        # A query someone else registered is not on the safelist either.
        assert_served(await post(http, apq(FREE_TEXT, with_text=True), ADMIN))
        assert_refused(await post(http, apq(FREE_TEXT, with_text=False), REP))
        # No operation at all is a malformed request, as for anyone.
        empty = await post(http, {"variables": {}}, REP)
        assert empty.status_code == 400, empty.text
        assert empty.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        # Other roles are unaffected.
        assert_served(await post(http, {"query": FREE_TEXT}, PARTNER_ADMIN))


async def test_the_old_media_type_gets_200_with_the_same_code(
    serve: Serve, settings: Settings
) -> None:
    async with serve(persisted=reps_held(settings)) as http:
        response = await http.post(
            "/graphql", json={"query": FREE_TEXT}, headers={**REP, "accept": "application/json"}
        )
    assert response.status_code == 200, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"


async def key(db: asyncpg.Pool, *, persisted_only: bool) -> dict[str, str]:
    issued = await issue_api_key(
        db,
        name=f"safelist test {uuid.uuid4().hex[:8]}",
        partner_slug="acme",
        scopes=frozenset({"read"}),
        role="partner_system",
        expires_at=None,
        created_by="tests",
        persisted_only=persisted_only,
    )
    stored = await api_keys_store.fetch_by_key_id(db, issued.record.key_id)
    assert stored is not None and stored.record.persisted_only is persisted_only
    return {"x-api-key": issued.key}


async def test_an_api_key_flagged_persisted_only(serve: Serve, ratelimit_db: asyncpg.Pool) -> None:
    held = await key(ratelimit_db, persisted_only=True)
    free = await key(ratelimit_db, persisted_only=False)
    async with serve() as http:
        assert_served(await post(http, {"extensions": persisted(PIPELINE.id)}, held))
        assert_refused(await post(http, {"query": FREE_TEXT}, held))
        assert_served(await post(http, {"query": FREE_TEXT}, free))


async def test_every_api_key_held_by_the_api_key_role(
    serve: Serve, settings: Settings, ratelimit_db: asyncpg.Pool
) -> None:
    every_key = replace(settings.persisted, required_roles=frozenset({"api_key"}))
    plain = await key(ratelimit_db, persisted_only=False)
    async with serve(persisted=every_key) as http:
        assert_refused(await post(http, {"query": FREE_TEXT}, plain))
        assert_served(await post(http, {"extensions": persisted(PIPELINE.id)}, plain))
        assert_served(await post(http, {"query": FREE_TEXT}, ADMIN))  # people are not keys


def test_the_shipped_ids_are_the_bodies_hashes() -> None:
    assert MANIFEST.operations
    for operation in MANIFEST.operations:
        assert operation.id == operation_hash(operation.body)
