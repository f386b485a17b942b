"""`_service { sdl }`: the subgraph's SDL, `@link`ed to Federation 2, `@key` on the entities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    parse,
)
from typer.testing import CliRunner

from gateway.cli.schema import schema_app
from gateway.schema.federation import ENTITY_TYPES
from tests.support.graphql import GraphQLClient

AsUser = Callable[[str], GraphQLClient]
SERVICE = "{ _service { sdl } }"


def _keys(document: DocumentNode) -> dict[str, list[str]]:
    """`@key(fields:)` of every object type that has one."""
    found: dict[str, list[str]] = {}
    for definition in document.definitions:
        if isinstance(definition, ObjectTypeDefinitionNode):
            for directive in definition.directives or ():
                if directive.name.value == "key":
                    (argument,) = directive.arguments or ()
                    assert isinstance(argument.value, StringValueNode)
                    found.setdefault(definition.name.value, []).append(argument.value.value)
    return found


def _links(document: DocumentNode) -> dict[str, list[str]]:
    """`@link(url:, import:)` on the schema: url -> imported names."""
    found: dict[str, list[str]] = {}
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            for directive in definition.directives or ():
                if directive.name.value != "link":
                    continue
                args = {a.name.value: a.value for a in directive.arguments or ()}
                url, imported = args["url"], args["import"]
                assert isinstance(url, StringValueNode) and isinstance(imported, ListValueNode)
                found[url.value] = [
                    v.value for v in imported.values if isinstance(v, StringValueNode)
                ]
    return found


async def test_sdl_links_federation_2_and_keys_the_four_entities(client: GraphQLClient) -> None:
    data = await client.data(SERVICE)
    document = parse(data["_service"]["sdl"])
    assert _links(document) == {"https://specs.apollo.dev/federation/v2.0": ["@key"]}
    assert _keys(document) == {name: ["id"] for name in ENTITY_TYPES}
    assert set(ENTITY_TYPES) == {"Partner", "PartnerUser", "Deal", "Lead"}


@pytest.mark.parametrize("email", ["cm@vendor.example", "analyst@vendor.example"])
async def test_other_vendor_staff_read_the_same_sdl(
    as_user: AsUser, client: GraphQLClient, email: str
) -> None:
    expected = await client.data(SERVICE)
    assert await as_user(email).data(SERVICE) == expected


@pytest.mark.parametrize("email", ["rep@acme.example", "admin@globex.example"])
async def test_partners_are_forbidden_like_introspection(as_user: AsUser, email: str) -> None:
    body = await as_user(email).execute(SERVICE)
    # `_service: _Service!` is non-null (the federation spec): the error nulls the whole data.
    assert body["data"] is None
    [error] = body["errors"]
    assert (error["path"], error["extensions"]["code"]) == (["_service"], "FORBIDDEN")


async def test_cli_exports_the_same_subgraph_sdl(client: GraphQLClient, tmp_path: Path) -> None:
    target = tmp_path / "partner-gateway.graphql"
    result = CliRunner().invoke(schema_app, ["export", "--subgraph", "-o", str(target)])
    assert result.exit_code == 0, result.output
    served = (await client.data(SERVICE))["_service"]["sdl"]
    assert target.read_text(encoding="utf-8") == served
