"""Our `_service { sdl }` composes with another subgraph under Apollo's own composition library
(@apollo/composition, pinned in tools/federation), as a router's supergraph would be built."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLObjectType, build_schema

from tests.support.graphql import GraphQLClient

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "federation"

# A second team's subgraph: invoices, and a field of their own on our Partner, joined by its key.
BILLING = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])

type Partner @key(fields: "id") {
  id: ID!
  outstandingInvoices: Int!
}

type Invoice {
  number: String!
  partner: Partner!
}

type Query {
  invoices: [Invoice!]!
}
"""


@pytest.fixture(scope="module")
def compose() -> Any:
    """Runs tools/federation/compose.mjs (after `npm ci`) over a list of subgraphs."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip(
            "Node.js and npm are not installed here, and Apollo's composition library is a "
            "JavaScript package (CI installs them)"
        )
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=TOOLS,
        check=True,
        timeout=300,
    )

    def run(subgraphs: list[dict[str, str]]) -> dict[str, Any]:
        done = subprocess.run(
            ["node", "compose.mjs"],
            cwd=TOOLS,
            input=json.dumps(subgraphs),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.stderr == "", done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        assert done.returncode == (1 if result["errors"] else 0)
        return result

    return run


def _subgraphs(our_sdl: str, billing: str) -> list[dict[str, str]]:
    return [
        {"name": "partners", "url": "http://gateway.test/graphql", "sdl": our_sdl},
        {"name": "billing", "url": "http://billing.test/graphql", "sdl": billing},
    ]


async def test_composes_cleanly_with_a_billing_subgraph(
    client: GraphQLClient, compose: Any
) -> None:
    sdl = (await client.data("{ _service { sdl } }"))["_service"]["sdl"]
    result = compose(_subgraphs(sdl, BILLING))
    assert (result["errors"], result["hints"]) == ([], [])
    supergraph = result["supergraphSdl"]
    assert 'BILLING @join__graph(name: "billing"' in supergraph
    assert 'PARTNERS @join__graph(name: "partners"' in supergraph
    schema = build_schema(supergraph)
    partner = schema.get_type("Partner")
    assert isinstance(partner, GraphQLObjectType)
    # One Partner: our fields and billing's, each answered by its own subgraph.
    assert {"slug", "deals", "tierProgress", "outstandingInvoices"} <= set(partner.fields)
    query = schema.query_type
    assert query is not None
    assert {"partners", "deals", "node", "invoices"} <= set(query.fields)
    assert "_entities" not in query.fields and "_service" not in query.fields


async def test_a_conflicting_subgraph_is_reported(client: GraphQLClient, compose: Any) -> None:
    """The harness sees composition errors: a subgraph typing our `Partner.name` as Int."""
    sdl = (await client.data("{ _service { sdl } }"))["_service"]["sdl"]
    conflicting = BILLING.replace("outstandingInvoices: Int!", "name: Int!")
    result = compose(_subgraphs(sdl, conflicting))
    assert result["supergraphSdl"] is None
    assert result["errors"] and all(e["code"] for e in result["errors"])
