"""GraphQL operations as a small typed tree, and hypothesis strategies drawing valid ones.

The tree (`Operation` > `Selection` > `Field` / `Fragment`) renders to a document and its
variables, and keeps every alias, fragment and argument, so a checker can walk a response
together with the selection that produced it. The strategies read types, fields and arguments
from the schema itself, so a field added to the gateway is generated without touching this file.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeAlias

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from hypothesis import strategies as st


class EnumValue(str):
    """An enum literal: written bare in a document (PENDING), as a string in variables."""


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    value: Any


Value: TypeAlias = "int | str | bool | Variable | list[Value] | dict[str, Value]"


@dataclass
class Field:
    name: str
    alias: str | None = None
    args: dict[str, Value] = field(default_factory=dict)
    selection: Selection | None = None

    @property
    def key(self) -> str:
        """Where the field's value is in the response."""
        return self.alias or self.name

    def value_of(self, arg: str) -> Any:
        """An argument's value as the server sees it (a variable is replaced by its value)."""
        given = self.args.get(arg)
        return given.value if isinstance(given, Variable) else given


@dataclass
class Fragment:
    on: str
    selection: Selection
    name: str | None = None  # None: an inline fragment; else a named one, spread where it is


@dataclass
class Selection:
    fields: list[Field]
    fragments: list[Fragment] = field(default_factory=list)

    def effective(self, type_name: str) -> Iterator[Field]:
        """The fields that apply to an object of `type_name`, fragments included (the generator
        only writes fragments on concrete types)."""
        yield from self.fields
        for fragment in self.fragments:
            if fragment.on == type_name:
                yield from fragment.selection.effective(type_name)


def select(*items: Field | Fragment) -> Selection:
    return Selection(
        [item for item in items if isinstance(item, Field)],
        [item for item in items if isinstance(item, Fragment)],
    )


@dataclass(repr=False)
class Operation:
    selection: Selection  # on Query

    def render(self) -> tuple[str, dict[str, Any]]:
        """The document and its variables."""
        variables: dict[str, Variable] = {}
        fragments: list[str] = []
        body = _render_selection(self.selection, variables, fragments)
        header = ", ".join(f"${v.name}: {v.type}" for v in variables.values())
        head = f"query Leak({header}) " if header else "query Leak "
        document = "\n".join([head + body, *fragments])
        return document, {name: v.value for name, v in variables.items()}

    def __repr__(self) -> str:
        document, variables = self.render()
        return f"Operation(\n{document}\nvariables={json.dumps(variables)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints a failing example this way: the document, not the tree."""
        printer.text(repr(self))


def _render_selection(
    selection: Selection, variables: dict[str, Variable], fragments: list[str]
) -> str:
    parts = [_render_field(f, variables, fragments) for f in selection.fields]
    for fragment in selection.fragments:
        inner = _render_selection(fragment.selection, variables, fragments)
        if fragment.name is None:
            parts.append(f"... on {fragment.on} {inner}")
        else:
            fragments.append(f"fragment {fragment.name} on {fragment.on} {inner}")
            parts.append(f"...{fragment.name}")
    return "{ " + " ".join(parts) + " }"


def _render_field(f: Field, variables: dict[str, Variable], fragments: list[str]) -> str:
    text = f"{f.alias}: {f.name}" if f.alias else f.name
    if f.args:
        text += "(" + ", ".join(f"{k}: {_literal(v, variables)}" for k, v in f.args.items()) + ")"
    if f.selection is not None:
        text += " " + _render_selection(f.selection, variables, fragments)
    return text


def _literal(value: Value, variables: dict[str, Variable]) -> str:
    if isinstance(value, Variable):
        variables[value.name] = value
        return f"${value.name}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, EnumValue):
        return str(value)
    if isinstance(value, int | str):
        return json.dumps(value)  # JSON's string escapes are a subset of GraphQL's
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v, variables) for v in value) + "]"
    return "{" + ", ".join(f"{k}: {_literal(v, variables)}" for k, v in value.items()) + "}"


def to_global_id(type_name: str, row_id: int) -> str:
    """Relay's convention, as the README documents it: base64("Type:id")."""
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


# ---- strategies -------------------------------------------------------------------------------

MAX_LEVEL = 4  # objects with an id on one path: deals > owner > partner > users is four
MAX_FIRST = 30
OBJECT_BUDGET = 400  # about how many objects one response may hold, so each request stays fast
LIST_GUESS = 4  # how many items a list without `first` (enrollments, tiers) usually has
TEXT = "abcdefgmnoprstuxyz0129 -.%_'\"\\éü"


@dataclass(frozen=True)
class World:
    """The rows that argument values are drawn from, so ids, slugs and filters hit real data.

    `favoured_*` are rows the caller can probably see, mixed in so that visible rows are asked
    for as often as invisible ones; `always_select` (`Type.field`) are fields selected whenever
    their type is, such as the ones the caller may not read."""

    row_ids: Mapping[str, Sequence[int]]
    favoured_ids: Mapping[str, Sequence[int]]
    partner_slugs: Sequence[str]
    favoured_slugs: Sequence[str]
    product_codes: Sequence[str]
    name_prefixes: Sequence[str]
    always_select: frozenset[str] = frozenset()


def operations(
    schema: GraphQLSchema, world: World, roots: Sequence[str]
) -> st.SearchStrategy[Operation]:
    """Operations of one to three of the `roots` (Query fields), nested from there."""

    @st.composite
    def build(draw: st.DrawFn) -> Operation:
        return _Builder(draw, schema, world).operation(roots)

    return build()


class _Builder:
    """Draws one operation; holds the per-operation counters that keep names unique."""

    def __init__(self, draw: st.DrawFn, schema: GraphQLSchema, world: World) -> None:
        self.draw = draw
        self.schema = schema
        self.world = world
        self.serial = 0
        self.objects = 0  # estimated objects in the response so far, against OBJECT_BUDGET

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def operation(self, roots: Sequence[str]) -> Operation:
        query = self.schema.query_type
        assert query is not None
        chosen = self.draw(st.lists(st.sampled_from(roots), min_size=1, max_size=3))
        keys: set[str] = set()
        return Operation(Selection([self.field(query, name, 0, 1, keys) for name in chosen]))

    # -- selections --

    def selection(self, type_: GraphQLNamedType, level: int, fanout: int) -> Selection:
        assert isinstance(type_, GraphQLObjectType | GraphQLInterfaceType)
        keys: set[str] = set()
        # The oracle identifies every object by these two; aliasing them must not matter.
        base = [self.leaf("__typename", keys)]
        if "id" in type_.fields:
            base.append(self.leaf("id", keys))
        if isinstance(type_, GraphQLInterfaceType):
            possible = self.schema.get_possible_types(type_)
            concrete = self.draw(st.lists(st.sampled_from(possible), unique=True, min_size=1))
            fragments = [
                self.fragment(t.name, self.body(t, level, fanout, keys)) for t in concrete
            ]
            return Selection(base, fragments)
        body = self.body(type_, level, fanout, keys)
        # Some of the fields move into a fragment on the same type; the response must not change.
        # (Drawn so that hypothesis, which shrinks draws towards 0, shrinks towards none.)
        split = len(body) - self.draw(st.integers(0, len(body)))
        if split == len(body):
            return Selection(base + body)
        return Selection(base + body[:split], [self.fragment(type_.name, body[split:])])

    def fragment(self, on: str, fields: list[Field]) -> Fragment:
        named = self.draw(st.booleans())
        return Fragment(on, Selection(fields), self.name("F") if named else None)

    def body(
        self, type_: GraphQLObjectType, level: int, fanout: int, keys: set[str]
    ) -> list[Field]:
        leaves = sorted(n for n, f in type_.fields.items() if is_leaf_type(get_named_type(f.type)))
        objects = sorted(n for n in type_.fields if n not in leaves)
        is_node = "id" in type_.fields
        if is_node:
            leaves.remove("id")
            # Mostly every field, so that the denied ones are asked for often too.
            if self.draw(st.integers(0, 2)) > 0:
                picked = list(leaves)
            else:
                picked = self.draw(st.lists(st.sampled_from(leaves), unique=True))
            room = level < MAX_LEVEL and self.objects < OBJECT_BUDGET
            if room and objects:
                picked += self.draw(st.lists(st.sampled_from(objects), unique=True, max_size=2))
            reachable = leaves + objects if room else leaves
            picked += [n for n in reachable if f"{type_.name}.{n}" in self.world.always_select]
            picked = list(dict.fromkeys(picked))  # in order, without repeats
        else:
            # A connection, an edge, page info or a tier: some fields, and always one of the
            # objects when there are any (edges, nodes, node), which is where the rows are.
            if objects:
                picked = self.draw(st.lists(st.sampled_from(objects), unique=True, min_size=1))
                picked += self.draw(st.lists(st.sampled_from(leaves), unique=True))
            else:
                picked = self.draw(st.lists(st.sampled_from(leaves), unique=True, min_size=1))
        return [self.field(type_, name, level, fanout, keys) for name in picked]

    # -- fields --

    def key(self, name: str, keys: set[str]) -> str | None:
        """An alias, drawn at random, or forced when the name is already taken in this scope."""
        alias = self.name(f"{name.strip('_')}_") if self.draw(st.booleans()) else None
        if alias is None and name in keys:
            alias = self.name(f"{name.strip('_')}_")
        keys.add(alias or name)
        return alias

    def leaf(self, name: str, keys: set[str]) -> Field:
        return Field(name, self.key(name, keys))

    def field(
        self, parent: GraphQLObjectType, name: str, level: int, fanout: int, keys: set[str]
    ) -> Field:
        definition = parent.fields[name]
        target = get_named_type(definition.type)
        args = self.arguments(definition, fanout)
        if is_leaf_type(target):
            return Field(name, self.key(name, keys), args)
        first = Field(name, args=args).value_of("first")
        if isinstance(first, int):
            fanout *= first
        elif _is_list(definition.type) and not parent.name.endswith("Connection"):
            fanout *= LIST_GUESS  # edges and nodes are already counted by their connection
        self.objects += fanout
        has_id = isinstance(target, GraphQLObjectType | GraphQLInterfaceType) and (
            "id" in target.fields
        )
        child_level = level + 1 if has_id else level
        return Field(name, self.key(name, keys), args, self.selection(target, child_level, fanout))

    def arguments(self, definition: GraphQLField, fanout: int) -> dict[str, Value]:
        args: dict[str, Value] = {}
        for name, arg in definition.args.items():
            if name == "after":
                continue  # a cursor only comes from a response
            if name == "first":
                room = max(1, min(MAX_FIRST, (OBJECT_BUDGET - self.objects) // fanout))
                value: Value = self.draw(st.integers(1, room))
            elif name == "id":
                value = self.global_id()
            elif name == "slug":
                value = self.slug()
            elif _required(arg):
                value = self.draw(self.input_value(arg.type, name))
            elif self.draw(st.integers(0, 2)) == 2:  # filters often leave nothing to check
                value = self.draw(self.input_value(arg.type, name))
            else:
                continue
            if self.draw(st.integers(0, 3)) == 3:
                value = Variable(self.name("v"), str(arg.type), value)  # enums go as strings
            args[name] = value
        return args

    # -- argument values --

    def global_id(self) -> str:
        """Any row of any type, the caller's or not, and now and then one that does not exist."""
        type_name = self.draw(st.sampled_from(sorted(self.world.row_ids)))
        existing = self.world.row_ids[type_name]
        missing = st.integers(max(existing, default=0) + 1, 2**31)
        return to_global_id(type_name, self.draw(self.ids(type_name) | missing))

    def slug(self) -> str:
        return self.draw(self.slugs() | st.just("no-such-partner"))

    def ids(self, type_name: str) -> st.SearchStrategy[int]:
        favoured = self.world.favoured_ids.get(type_name, ())
        every = st.sampled_from(self.world.row_ids[type_name])
        return st.sampled_from(favoured) | every if favoured else every

    def slugs(self) -> st.SearchStrategy[str]:
        every = st.sampled_from(self.world.partner_slugs)
        favoured = self.world.favoured_slugs
        return st.sampled_from(favoured) | every if favoured else every

    def input_value(self, type_: GraphQLInputType, name: str) -> st.SearchStrategy[Value]:
        """A value of an input type; `name` (the argument's or input field's) picks real data."""
        if isinstance(type_, GraphQLNonNull):
            return self.input_value(type_.of_type, name)
        if isinstance(type_, GraphQLList):
            items = self.input_value(type_.of_type, name)
            return st.lists(items, min_size=1, max_size=3)
        if isinstance(type_, GraphQLEnumType):
            return st.sampled_from([EnumValue(v) for v in self.enum_values(type_)])
        if isinstance(type_, GraphQLInputObjectType):
            fields = type_.fields.items()
            required = {
                n: self.input_value(f.type, n)
                for n, f in fields
                if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
            }
            optional = {n: self.input_value(f.type, n) for n, f in fields if n not in required}
            return st.fixed_dictionaries(required, optional=optional)
        assert isinstance(type_, GraphQLScalarType)
        return self.scalar_value(type_.name, name)

    def enum_values(self, type_: GraphQLEnumType) -> list[str]:
        """Every value, except sort fields the caller may not read: sorting by one is refused
        outright (FORBIDDEN, tested in test_access), as it would reveal the field's values."""
        values = list(type_.values)
        if not type_.name.endswith("OrderField"):
            return values
        object_type = type_.name.removesuffix("OrderField")

        def field_of(value: str) -> str:
            first, *others = value.lower().split("_")
            return f"{object_type}.{first}{''.join(o.title() for o in others)}"

        return [v for v in values if field_of(v) not in self.world.always_select]

    def scalar_value(self, scalar: str, name: str) -> st.SearchStrategy[Value]:
        if scalar == "ID":
            # `partnerIds` holds partners' ids, of any partner; other `xxxIds` likewise.
            type_name = name.removesuffix("Ids")[:1].upper() + name.removesuffix("Ids")[1:]
            known = type_name if type_name in self.world.row_ids else "Partner"
            return self.ids(known).map(lambda row_id: to_global_id(known, row_id))
        if scalar == "Boolean":
            return st.booleans()
        if scalar == "Int":
            return st.integers(0, 100)
        if scalar == "DateTime":
            return _instants()
        if name in ("slug", "slugs"):
            return self.slugs()
        if name == "product":
            return st.sampled_from(self.world.product_codes)
        # Prefix searches: real prefixes, and odd text (LIKE wildcards, quotes, backslashes).
        return st.sampled_from(self.world.name_prefixes) | st.text(TEXT, min_size=1, max_size=4)


def _instants() -> st.SearchStrategy[Value]:
    offsets = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-7))])
    moments = st.datetimes(datetime(2015, 1, 1), datetime(2030, 1, 1), timezones=offsets)
    return moments.map(lambda moment: moment.isoformat())


def _required(arg: GraphQLArgument) -> bool:
    return isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined


def _is_list(type_: Any) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)

