"""`node(id:)` and global ids."""

from __future__ import annotations

import asyncpg

from gateway.schema.node import to_global_id
from tests.support.graphql import GraphQLClient

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Deal { customerName } } }"


async def test_node_round_trips_a_listed_deal(client: GraphQLClient) -> None:
    listed = await client.data("{ deals(first: 1) { nodes { id customerName } } }")
    deal = listed["deals"]["nodes"][0]
    data = await client.data(NODE, {"id": deal["id"]})
    assert data["node"] == {"__typename": "Deal", **deal}


async def test_every_type_resolves_through_node(client: GraphQLClient, pool: asyncpg.Pool) -> None:
    tables = {
        "Partner": "partners",
        "PartnerUser": "partner_users",
        "VendorUser": "vendor_users",
        "Deal": "deals",
        "Lead": "leads",
        "Course": "courses",
        "Enrollment": "enrollments",
        "Certification": "certifications",
    }
    for type_name, table in tables.items():
        row_id = await pool.fetchval(f"SELECT min(id) FROM {table}")
        data = await client.data(
            "query($id: ID!) { node(id: $id) { __typename id } }",
            {"id": to_global_id(type_name, row_id)},
        )
        assert data["node"] == {"__typename": type_name, "id": to_global_id(type_name, row_id)}


async def test_unknown_row_answers_null(client: GraphQLClient) -> None:
    data = await client.data(NODE, {"id": to_global_id("Deal", 2**62)})
    assert data["node"] is None


async def test_malformed_id_is_a_clear_error(client: GraphQLClient) -> None:
    for bad in ["not-base64!", "RGVhbDpub3RhbnVtYmVy", to_global_id("Planet", 1)]:
        body = await client.execute(NODE, {"id": bad})
        assert body["data"] == {"node": None}
        assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
