"""The compiled path reads plain fields straight off rows: each reader answers what Strawberry
answers for the object `from_row` builds, for every plain field of every row type."""

from __future__ import annotations

import asyncpg
import pytest
from graphql import GraphQLObjectType
from strawberry.types.field import StrawberryField

from gateway.compiled.leaves import ROW_TYPES, complete_leaf_type, row_field_reader
from gateway.schema.schema import build_schema

SCHEMA = build_schema()._schema


def _plain_fields(type_name: str) -> list[tuple[str, StrawberryField]]:
    type_ = SCHEMA.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    found = []
    for name, field in type_.fields.items():
        definition: StrawberryField = field.extensions["strawberry-definition"]
        if definition.base_resolver is None:
            found.append((name, definition))
    return found


@pytest.mark.parametrize("type_name", sorted(ROW_TYPES))
async def test_readers_agree_with_from_row(pool: asyncpg.Pool, type_name: str) -> None:
    row_type = ROW_TYPES[type_name]
    table = row_type.table
    # Rows with and without their nullable columns set: the first and last few by id.
    rows = await pool.fetch(
        f"(SELECT {table.select_list} FROM {table.name} {table.alias} ORDER BY id LIMIT 20) "
        f"UNION ALL (SELECT {table.select_list} FROM {table.name} {table.alias} "
        "ORDER BY id DESC LIMIT 20)"
    )
    assert rows, f"the seeded data has no {table.name}"
    type_ = SCHEMA.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    fields = _plain_fields(type_name)
    assert fields
    for name, definition in fields:
        graphql_type = type_.fields[name].type
        read = row_field_reader(type_name, definition, graphql_type, name)
        complete = complete_leaf_type(graphql_type, type_name, name)
        for row in rows:
            expected = complete(getattr(row_type.from_row(row), definition.python_name))
            assert read(row) == expected, (type_name, name, row["id"])
