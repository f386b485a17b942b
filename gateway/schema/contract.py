"""The schema as a contract: its SDL as committed in schema.graphql, and what changed between two.

`find_breaking_changes` is graphql-core's own comparison (removed types and fields, changed
types, new required arguments, …); dangerous changes (new enum values, changed defaults) are
reported beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphql import (
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    print_schema,
)

from gateway.schema.schema import build_schema as build_gateway_schema

CONTRACT_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def current_sdl() -> str:
    return print_schema(build_gateway_schema()._schema) + "\n"


@dataclass(frozen=True)
class Change:
    breaking: bool
    kind: str
    description: str

    def __str__(self) -> str:
        label = "BREAKING" if self.breaking else "dangerous"
        return f"{label} {self.kind}: {self.description}"


def parse_sdl(text: str) -> GraphQLSchema:
    return build_schema(text)


def changes(old: GraphQLSchema, new: GraphQLSchema) -> list[Change]:
    found = [Change(True, c.type.name, c.description) for c in find_breaking_changes(old, new)]
    found += [Change(False, c.type.name, c.description) for c in find_dangerous_changes(old, new)]
    return found
