"""The executable schema: the generated SDL with its scalars and resolvers attached."""

from __future__ import annotations

from functools import cache
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, build_schema

from gateway.crm_sandbox.mutations import ACTIONS, resolve_outcome, run_mutations
from gateway.crm_sandbox.objects import OBJECTS
from gateway.crm_sandbox.reads import connection_resolver
from gateway.crm_sandbox.sdl import sandbox_sdl
from gateway.crm_sandbox.values import install_scalars


def _object_type(schema: GraphQLSchema, name: str) -> GraphQLObjectType:
    found = schema.type_map[name]
    assert isinstance(found, GraphQLObjectType)
    return found


def _empty(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
    return {}


@cache
def sandbox_schema() -> GraphQLSchema:
    schema = build_schema(sandbox_sdl())
    install_scalars(schema)
    _object_type(schema, "Query").fields["uiapi"].resolve = _empty
    _object_type(schema, "UIAPI").fields["query"].resolve = _empty
    _object_type(schema, "Mutation").fields["uiapi"].resolve = run_mutations
    record_query = _object_type(schema, "RecordQuery")
    mutations = _object_type(schema, "UIAPIMutations")
    for name, sobject in OBJECTS.items():
        record_query.fields[name].resolve = connection_resolver(sobject)
        for action in ACTIONS:
            mutations.fields[f"{name}{action}"].resolve = resolve_outcome
    return schema
