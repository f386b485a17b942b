"""Every place a caller's text reaches a query: each String, ID or custom-scalar argument and
input field of the fields below, found in the schema itself so a new filter is covered too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)

# Where each type's fields are reached from the root: `%s` stands for the field's call.
SITES = {
    "Query": "%s",
    "Partner": 'partner(slug: "acme") { %s }',
    "PartnerUser": "users: partners(first: 2) { nodes { users(first: 2) { nodes { %s } } } }",
    "Course": "courses(first: 3) { nodes { %s } }",
}
# Scalars that cannot carry text; everything else (String, ID, DateTime, Decimal, …) can.
NON_TEXT = {"Int", "Float", "Boolean"}
# Federation's own root fields take representations, not filters; tests/federation has them.
SKIPPED_FIELDS = {"_entities", "_service"}


@dataclass(frozen=True)
class Slot:
    """One text input: `query` takes it as `$v`."""

    name: str  # Type.field(arg.inputField)
    query: str
    is_list: bool

    def variables(self, text: str) -> dict[str, object]:
        return {"v": [text] if self.is_list else text}


def _selection(type_: GraphQLNamedType) -> str:
    if is_leaf_type(type_):
        return ""
    assert isinstance(type_, GraphQLObjectType | GraphQLInterfaceType), type_
    fields = type_.fields
    if "totalCount" in fields:
        return "{ totalCount nodes { id } }"
    leaves = [
        name
        for name, field in fields.items()
        if is_leaf_type(get_named_type(field.type)) and not field.args
    ]
    return "{ " + " ".join(leaves) + " }"


def _required_value(type_: GraphQLInputType) -> str:
    """A harmless literal for a required argument that is not the slot."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        value = next(iter(named.values))
        return f"[{value}]" if is_list_type(get_nullable_type(type_)) else value
    if named.name == "Int":
        return "3"
    return '"acme"'


def _text_paths(
    type_: GraphQLInputType, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], GraphQLInputType]]:
    named = get_named_type(type_)
    if isinstance(named, GraphQLInputObjectType):
        for name, field in named.fields.items():
            yield from _text_paths(field.type, (*path, name))
    elif not isinstance(named, GraphQLEnumType) and named.name not in NON_TEXT:
        yield path, type_


def _literal(path: tuple[str, ...]) -> str:
    """`filter: {product: $v}` for ("filter", "product")."""
    inner = "$v"
    for name in reversed(path[1:]):
        inner = f"{{{name}: {inner}}}"
    return f"{path[0]}: {inner}"


def slots(schema: GraphQLSchema) -> list[Slot]:
    found = []
    for type_name, site in SITES.items():
        parent = schema.get_type(type_name)
        assert isinstance(parent, GraphQLObjectType), type_name
        for field_name, field in parent.fields.items():
            if field_name in SKIPPED_FIELDS:
                continue
            selection = _selection(get_named_type(field.type))
            arguments: dict[str, GraphQLArgument] = field.args
            for arg_name, arg in arguments.items():
                for path, slot_type in _text_paths(arg.type, (arg_name,)):
                    others = [
                        f"{name}: {_required_value(other.type)}"
                        for name, other in arguments.items()
                        if name != arg_name and is_non_null_type(other.type)
                    ]
                    call = f"{field_name}({', '.join([*others, _literal(path)])}) {selection}"
                    found.append(
                        Slot(
                            name=f"{type_name}.{field_name}({'.'.join(path)})",
                            query=f"query ($v: {slot_type}) {{ {site % call} }}",
                            is_list=is_list_type(get_nullable_type(slot_type)),
                        )
                    )
    return found

