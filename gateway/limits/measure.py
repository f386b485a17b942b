"""Measures an operation by the document's structure: depth, aliases, root fields and cost.

Aliases are counted where they repeat a field (`a: deals … b: deals`, an alias bomb); an
alias that only renames a field costs nothing. Names never matter: a field, an operation or a
fragment called `__schema` is counted like any other (some gateways skip such names, which lets
a query slip past their limits). Fragments are expanded where they are spread; a fragment
already being expanded is not entered again, so a cycle (which validation rejects) cannot loop.

Cost: every field that returns an object or a list costs 1 each time it is resolved, which is
the product of the sizes of the lists around it. A field with a `first` argument multiplies what
lies under it by `first` (its default when absent; the page cap when a variable gives none); an
unpaginated list multiplies it by `UNPAGED_LIST_SIZE` (a connection's `edges` and `nodes` are
the page itself, not another list). Leaves (scalars, enums) are free: they are
columns of rows already fetched.

Federation's `_entities` multiplies what lies under it by the number of representations it is
given, and that number is measured on its own (`representations`): each one is a row to fetch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TokenKind,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql.language import Lexer, Source

from gateway.schema.partner import DEFAULT_PAGE

# How many items an unpaginated list (a user's enrollments, a deal's conflicts) is assumed to hold.
UNPAGED_LIST_SIZE = DEFAULT_PAGE

# Fields visited with fragments expanded, after which the walk stops: fragments spreading
# fragments stand for fan_out ** levels fields in a few hundred characters (a "billion laughs"),
# and expanding them all would hold the event loop for minutes. Twice the largest token budget
# (vendor staff's 10,000): an operation without fragments never gets near it.
MAX_EXPANDED_FIELDS = 20_000


class _TooManyFields(Exception):
    pass


@dataclass(frozen=True)
class Measure:
    depth: int  # root fields are at depth 0, as graphql-depth-limit and graphql-armor count
    aliases: int  # a field asked for again, under another alias, in the same selection set
    root_fields: int
    cost: int
    introspection: bool  # the operation selects `__schema` or `__type` somewhere
    representations: int  # federation entity references asked of `_entities`
    # Fields visited, fragments expanded; past MAX_EXPANDED_FIELDS the walk stopped and the
    # other numbers are partial.
    expanded_fields: int = 0
    # A variable's value went into the numbers (`first: $n`, `representations: $r`): they hold
    # for this request's variables only, so the measure is not reused for the text.
    read_variables: bool = False


@lru_cache(maxsize=1024)
def count_tokens(query: str, stop_after: int) -> int:
    """Tokens in the text (as a parser sees them), counting no further than `stop_after` + 1.
    Kept per text and budget, like the parse cache: re-lexing the same text was 3-4 % of a
    small request."""
    lexer = Lexer(Source(query))
    count = 0
    while count <= stop_after:
        if lexer.advance().kind == TokenKind.EOF:
            break
        count += 1
    return count


def _is_connection(type_: GraphQLNamedType | None) -> bool:
    """A Relay connection's `edges` and `nodes` are the page its field's `first` counted."""
    return isinstance(type_, GraphQLObjectType) and "pageInfo" in type_.fields


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page_size = max_page_size
        self.aliases = 0
        self.introspection = False
        self.representations = 0
        self.expanding: set[str] = set()
        self.expanded_fields = 0
        self.read_variables = False

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        factor: int,
        level: int,
        seen: set[str] | None = None,
    ) -> tuple[int, int, list[FieldNode]]:
        """(depth, cost, fields at this level) of a selection set, its fragments expanded;
        `seen`: the field names already selected at this level (fragments share it)."""
        depth, cost = 0, 0
        fields: list[FieldNode] = []
        seen = set() if seen is None else seen
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                self.expanded_fields += 1
                if self.expanded_fields > MAX_EXPANDED_FIELDS:
                    raise _TooManyFields
                fields.append(node)
                if node.alias is not None and node.name.value in seen:
                    self.aliases += 1
                seen.add(node.name.value)
                d, c = self.field(node, parent, factor, level)
            elif isinstance(node, InlineFragmentNode):
                target = parent
                if node.type_condition is not None:
                    target = self.schema.get_type(node.type_condition.name.value)
                d, c, inner = self.selections(node.selection_set, target, factor, level, seen)
                fields += inner
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self.expanding:
                    continue
                self.expanding.add(name)
                target = self.schema.get_type(fragment.type_condition.name.value)
                d, c, inner = self.selections(fragment.selection_set, target, factor, level, seen)
                fields += inner
                self.expanding.discard(name)
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            depth, cost = max(depth, d), cost + c
        return depth, cost, fields

    def field(
        self, node: FieldNode, parent: GraphQLNamedType | None, factor: int, level: int
    ) -> tuple[int, int]:
        if node.name.value in ("__schema", "__type"):
            self.introspection = True
        definition = self._definition(parent, node.name.value)
        if node.selection_set is None:
            return level, 0
        target = get_named_type(definition.type) if definition is not None else None
        if target is not None and is_leaf_type(target):
            return level, 0
        inner = factor if _is_connection(parent) else factor * self._size(node, definition)
        depth, cost, _ = self.selections(node.selection_set, target, inner, level + 1)
        return max(depth, level), factor + cost

    @property
    def _entities_field(self) -> GraphQLField | None:
        query = self.schema.query_type
        return None if query is None else query.fields.get("_entities")

    def _representations(self, node: FieldNode) -> int:
        """The length of `_entities(representations:)`, given inline or as a variable (a single
        value counts as a list of one, as GraphQL coerces it)."""
        given = next(
            (a.value for a in node.arguments or () if a.name.value == "representations"), None
        )
        if isinstance(given, VariableNode):
            self.read_variables = True
            value = self.variables.get(given.name.value)
            return len(value) if isinstance(value, list) else int(value is not None)
        if isinstance(given, ListValueNode):
            return len(given.values)
        return int(given is not None)

    def _definition(self, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        # The meta fields by their place in the schema, as graphql-core resolves them.
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent is not None and parent is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            found: GraphQLField | None = parent.fields.get(name)
            return found
        return None

    def _size(self, node: FieldNode, definition: GraphQLField | None) -> int:
        """How many items the field's value holds at most (1 for a single object)."""
        if definition is not None and definition is self._entities_field:
            count = self._representations(node)
            self.representations += count
            return max(count, 1)
        first_arg = definition.args.get("first") if definition is not None else None
        if first_arg is not None:
            given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
            if isinstance(given, IntValueNode):
                return max(int(given.value), 1)
            if isinstance(given, VariableNode):
                self.read_variables = True
                value = self.variables.get(given.name.value)
                return max(value, 1) if isinstance(value, int) else self.max_page_size
            default = first_arg.default_value
            return default if isinstance(default, int) else self.max_page_size
        if definition is None:
            # Introspection fields and anything unknown: count as a list, the safe side.
            return UNPAGED_LIST_SIZE
        if is_list_type(get_nullable_type(definition.type)):
            return UNPAGED_LIST_SIZE
        return 1


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
    max_page_size: int,
) -> Measure:
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    walker = _Walker(schema, fragments, variables or {}, max_page_size)
    try:
        depth, cost, roots = walker.selections(operation.selection_set, root, 1, 0)
    except _TooManyFields:
        depth, cost, roots = 0, 0, []
    return Measure(
        depth=depth,
        aliases=walker.aliases,
        root_fields=len(roots),
        cost=cost,
        introspection=walker.introspection,
        representations=walker.representations,
        expanded_fields=walker.expanded_fields,
        read_variables=walker.read_variables,
    )
