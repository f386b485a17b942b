"""Every (type, field) the policy must decide, read off the GraphQL schema itself."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type

from gateway.schema.node import NODE_TYPES

# The federation subgraph's `_service { sdl }` (gateway/schema/federation.py), read as an object.
SERVICE_OBJECT = "_Service"

# The object types the policy talks about. Structural types (connections, edges, page info)
# inherit their decision from the objects they carry.
POLICY_OBJECTS = (*NODE_TYPES, "Tier", "AuditEvent", "OutboxEntry", "CrmSyncStatus", SERVICE_OBJECT)


@dataclass(frozen=True)
class FieldRef:
    """A field of a policy object, and the policy object it leads to (for relations)."""

    type_name: str
    field_name: str
    target: str | None

    @property
    def key(self) -> str:
        return f"{self.type_name}.{self.field_name}"


def _policy_object_behind(type_name: str) -> str | None:
    if type_name in POLICY_OBJECTS:
        return type_name
    for suffix in ("Connection", "Edge"):
        base = type_name.removesuffix(suffix)
        if base != type_name and base in POLICY_OBJECTS:
            return base
    return None


def schema_fields(schema: GraphQLSchema) -> tuple[FieldRef, ...]:
    found: list[FieldRef] = []
    for type_name in POLICY_OBJECTS:
        graphql_type = schema.type_map.get(type_name)
        if not isinstance(graphql_type, GraphQLObjectType):
            raise LookupError(f"the schema has no object type {type_name}")
        for field_name, field in graphql_type.fields.items():
            target = _policy_object_behind(get_named_type(field.type).name)
            found.append(FieldRef(type_name, field_name, target))
    return tuple(found)
