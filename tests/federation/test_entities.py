"""`_entities`: each representation resolves to what `node(id:)` answers, through the same loaders
(one statement per type for a whole list) and the same grant and field guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from gateway.schema.node import to_global_id
from tests.federation.conftest import SeededIds
from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count

AsUser = Callable[[str], GraphQLClient]

FIELDS = """
  __typename
  ... on Node { id }
  ... on Partner { slug name tier }
  ... on PartnerUser { email role partner { slug } }
  ... on Deal { customerName amount dealStatus: status owner { email } partner { slug } }
  ... on Lead { company leadStatus: status partner { slug } }
"""
ENTITIES = f"query($r: [_Any!]!) {{ _entities(representations: $r) {{ {FIELDS} }} }}"
NODE = f"query($id: ID!) {{ node(id: $id) {{ {FIELDS} }} }}"
TABLES = {"Partner": "partners", "PartnerUser": "partner_users", "Deal": "deals", "Lead": "leads"}


async def _sample(pool: asyncpg.Pool, type_name: str, count: int) -> list[str]:
    rows = await pool.fetch(f"SELECT id FROM {TABLES[type_name]} ORDER BY id LIMIT $1", count)
    return [to_global_id(type_name, row["id"]) for row in rows]


async def _via_node(caller: GraphQLClient, ids: list[str]) -> list[Any]:
    return [(await caller.data(NODE, {"id": gid}))["node"] for gid in ids]


async def test_each_type_answers_what_node_answers(
    client: GraphQLClient, pool: asyncpg.Pool
) -> None:
    references = [
        (type_name, gid) for type_name in TABLES for gid in await _sample(pool, type_name, 3)
    ]
    data = await client.data(
        ENTITIES, {"r": [{"__typename": t, "id": gid} for t, gid in references]}
    )
    entities = data["_entities"]
    assert entities == await _via_node(client, [gid for _, gid in references])
    assert [e["__typename"] for e in entities] == [t for t, _ in references]
    assert all(e is not None for e in entities)


@pytest.mark.parametrize("per_type", [1, 40])
async def test_a_list_of_representations_is_one_statement_per_type(
    client: GraphQLClient, pool: asyncpg.Pool, per_type: int
) -> None:
    scalars = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    references = [
        {"__typename": t, "id": gid} for t in TABLES for gid in await _sample(pool, t, per_type)
    ]
    before = await settled_statement_count()
    data = await client.data(scalars, {"r": references})
    count = await settled_statement_count() - before
    assert [e["__typename"] for e in data["_entities"]] == [r["__typename"] for r in references]
    # who is asking (1) + one batch per type (4), however many representations.
    assert count == 5


async def test_references_to_rows_outside_the_grant_are_null_as_in_node(
    as_user: AsUser, seeded_ids: SeededIds
) -> None:
    rep = as_user("rep@acme.example")
    ids = seeded_ids
    references = [
        ("Deal", ids.rep_deal),
        ("Deal", ids.acme_other_deal),  # a colleague's: a rep sees their own records only
        ("Deal", ids.globex_deal),
        ("Partner", ids.acme),
        ("Partner", ids.globex),
    ]
    data = await rep.data(ENTITIES, {"r": [{"__typename": t, "id": g} for t, g in references]})
    entities = data["_entities"]
    assert entities == await _via_node(rep, [gid for _, gid in references])
    assert [e is not None for e in entities] == [True, False, False, True, False]
    assert entities[0]["owner"]["email"] == "rep@acme.example"
    assert entities[3]["slug"] == "acme"
    # The same representations as the vendor: every one of them exists.
    admin = await as_user("admin@vendor.example").data(
        ENTITIES, {"r": [{"__typename": t, "id": g} for t, g in references]}
    )
    assert all(e is not None for e in admin["_entities"])


async def test_field_guards_apply_to_entities(as_user: AsUser, seeded_ids: SeededIds) -> None:
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on Deal { customerName internalNotes } } }"
    )
    body = await as_user("rep@acme.example").execute(
        query, {"r": [{"__typename": "Deal", "id": seeded_ids.rep_deal}]}
    )
    [entity] = body["data"]["_entities"]
    assert entity["customerName"] and entity["internalNotes"] is None
    [error] = body["errors"]
    assert error["path"] == ["_entities", 0, "internalNotes"]
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_malformed_representations_fail_in_their_own_slot(
    client: GraphQLClient, seeded_ids: SeededIds
) -> None:
    references: list[Any] = [
        "Deal:1",
        {"__typename": "Planet", "id": seeded_ids.rep_deal},
        {"__typename": "Deal"},
        {"__typename": "Deal", "id": 42},
        {"__typename": "Deal", "id": seeded_ids.acme},  # a Partner's id
        {"__typename": "Deal", "id": "not-an-id"},
        {"__typename": "Deal", "id": seeded_ids.rep_deal},
    ]
    body = await client.execute(ENTITIES, {"r": references})
    entities = body["data"]["_entities"]
    assert entities[:-1] == [None] * 6
    assert entities[-1]["id"] == seeded_ids.rep_deal
    codes = {tuple(e["path"]): e["extensions"]["code"] for e in body["errors"]}
    assert codes == {
        ("_entities", 0): "BAD_USER_INPUT",
        ("_entities", 1): "BAD_USER_INPUT",
        ("_entities", 2): "BAD_USER_INPUT",
        ("_entities", 3): "BAD_USER_INPUT",
        ("_entities", 4): "INVALID_ID",
        ("_entities", 5): "INVALID_ID",
    }
    assert all("Traceback" not in e["message"] for e in body["errors"])


async def test_an_unknown_row_is_null_without_error(client: GraphQLClient) -> None:
    missing = {"__typename": "Lead", "id": to_global_id("Lead", 2**62)}
    data = await client.data(ENTITIES, {"r": [missing]})
    assert data == {"_entities": [None]}
