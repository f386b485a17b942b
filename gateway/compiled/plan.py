"""An operation's plan: per object type, its response keys in order and how each is answered.

`compile_operation` turns a validated query into the plan once; anything it does not know
(mutations, directives, introspection, unions, a resolver field without a batch source) makes it
answer None, and the operation runs on Strawberry's execution instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BREAK,
    DirectiveNode,
    FieldNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    get_named_type,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from gateway.compiled.leaves import (
    ROW_TYPES,
    Reader,
    complete_leaf_type,
    object_field_reader,
    row_field_reader,
)
from gateway.compiled.sources import (
    SOURCES,
    TOTAL_COUNT,
    BatchSource,
    ResolverSource,
    via_resolver,
)
from gateway.schema.guard import ReadGuard
from gateway.schema.pagination import Connection


class Unsupported(Exception):
    """The operation uses something the compiler does not handle."""


@dataclass(eq=False)
class FieldPlan:
    key: str
    name: str
    nodes: list[FieldNode]
    field_def: GraphQLField
    strawberry_field: StrawberryField | None
    non_null: bool
    guarded: bool
    # Exactly one of these answers the field:
    typename: str | None = None  # `__typename`
    read_leaf: Reader | None = None  # a completed leaf value off the parent (row or object)
    read_value: Reader | None = None  # an object value (or list of them) off the parent
    source: BatchSource | None = None  # fetched for all parents at once
    resolver_source: ResolverSource | None = None  # the same, by the field's own resolver
    # How a fetched leaf value is completed (null checks, lists, coercion).
    complete_leaf: Reader | None = None
    # For object-typed fields: the plan per runtime type, whether a list, and item nullability.
    objects: dict[str, ObjectPlan] | None = None
    is_list: bool = False
    items_non_null: bool = False
    abstract: bool = False
    has_args: bool = False

    @property
    def fetches(self) -> bool:
        return self.source is not None or self.resolver_source is not None


@dataclass(eq=False)
class ObjectPlan:
    type_name: str
    fields: list[FieldPlan] = field(default_factory=list)


class _DirectiveFinder(Visitor):
    found = False

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> Any:
        self.found = True
        return BREAK


def _has_directives(nodes: list[Any]) -> bool:
    finder = _DirectiveFinder()
    for node in nodes:
        visit(node, finder)
        if finder.found:
            return True
    return False


class _Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDetails],
        variable_values: VariableValues,
        operation: OperationDefinitionNode,
    ) -> None:
        self.schema, self.fragments = schema, fragments
        self.variable_values, self.operation = variable_values, operation
        # Inside a value a resolver built: its objects are Strawberry's, never rows.
        self.below_resolver_values = 0

    def root(self) -> ObjectPlan:
        query = self.schema.query_type
        assert query is not None
        collected = collect_fields(
            self.schema, self.fragments, self.variable_values, query, self.operation
        )
        return self._object(query, collected.grouped_field_set)

    def _object(
        self, type_: GraphQLObjectType, grouped: dict[str, list[FieldDetails]]
    ) -> ObjectPlan:
        plan = ObjectPlan(type_.name)
        for key, details in grouped.items():
            plan.fields.append(self._field(type_, key, details))
        return plan

    def _field(
        self, parent: GraphQLObjectType, key: str, details: list[FieldDetails]
    ) -> FieldPlan:
        node = details[0].node
        name = node.name.value
        nodes = [d.node for d in details]
        if any(d.fragment_variable_values is not None for d in details):
            raise Unsupported("fragment arguments")
        if name == "__typename":
            return FieldPlan(
                key, name, nodes, None, None, True, False, typename=parent.name  # type: ignore[arg-type]
            )
        if name.startswith("__"):
            raise Unsupported("introspection")
        field_def = parent.fields.get(name)
        if field_def is None:
            raise Unsupported(f"{parent.name} has no field {name}")  # validation says so
        definition: StrawberryField = field_def.extensions["strawberry-definition"]
        if definition.permission_classes or any(
            not isinstance(extension, ReadGuard) for extension in definition.extensions
        ):
            raise Unsupported(f"{parent.name}.{name} has field extensions")
        plan = FieldPlan(
            key,
            name,
            nodes,
            field_def,
            definition,
            non_null=isinstance(field_def.type, GraphQLNonNull),
            guarded=bool(definition.extensions),
            has_args=bool(field_def.args) or bool(node.arguments),
        )
        target = get_named_type(field_def.type)
        is_row_parent = parent.name in ROW_TYPES
        if definition.base_resolver is None:
            if is_leaf_type(target):
                if is_row_parent:
                    plan.read_leaf = row_field_reader(parent.name, definition, field_def.type, name)
                elif self._is_object_type(parent):
                    read = object_field_reader(definition)
                    complete = complete_leaf_type(field_def.type, parent.name, name)
                    plan.read_leaf = lambda obj: complete(read(obj))
                else:
                    raise Unsupported(f"{parent.name} values")
                return plan
            if is_row_parent or not self._is_object_type(parent):
                raise Unsupported(f"{parent.name}.{name}")
            plan.read_value = object_field_reader(definition)
        elif (parent.name, name) in SOURCES:
            plan.source = SOURCES[(parent.name, name)]
        elif name == "totalCount" and self._is_object_type(parent):
            plan.source = TOTAL_COUNT
        elif name == "edges" and self._is_object_type(parent):
            # A connection's edges, made from its nodes (rows here) when asked for.
            plan.read_value = _connection_edges
        elif target.name not in ROW_TYPES:
            # Its resolver builds Strawberry objects (or a leaf): called as Strawberry would,
            # on the parent's object; no row may appear below it.
            parent_value = ROW_TYPES[parent.name].from_row if is_row_parent else _same
            plan.resolver_source = via_resolver(definition, parent_value)
            if is_leaf_type(target):
                plan.complete_leaf = complete_leaf_type(field_def.type, parent.name, name)
                return plan
            self.below_resolver_values += 1
            try:
                self._object_targets(plan, field_def.type, details)
            finally:
                self.below_resolver_values -= 1
            return plan
        else:
            raise Unsupported(f"{parent.name}.{name} has a resolver the compiler does not know")
        if is_leaf_type(target):
            plan.complete_leaf = complete_leaf_type(field_def.type, parent.name, name)
            return plan
        self._object_targets(plan, field_def.type, details)
        return plan

    def _object_targets(
        self, plan: FieldPlan, type_: GraphQLOutputType, details: list[FieldDetails]
    ) -> None:
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            plan.is_list = True
            inner = inner.of_type
            plan.items_non_null = isinstance(inner, GraphQLNonNull)
            inner = inner.of_type if isinstance(inner, GraphQLNonNull) else inner
        if isinstance(inner, GraphQLObjectType):
            runtime = [inner]
        elif isinstance(inner, GraphQLInterfaceType) and not plan.is_list:
            plan.abstract = True
            runtime = list(self.schema.get_possible_types(inner))
        else:
            raise Unsupported(f"values of {inner}")
        plan.objects = {}
        for object_type in runtime:
            if object_type.name in ROW_TYPES and self.below_resolver_values:
                raise Unsupported(f"{object_type.name} objects built by a resolver")
            if object_type.name not in ROW_TYPES and not self._is_object_type(object_type):
                raise Unsupported(f"{object_type.name} values")
            collected = collect_subfields(
                self.schema,
                self.fragments,
                self.variable_values,
                self.operation,
                object_type,
                details,
            )
            plan.objects[object_type.name] = self._object(object_type, collected.grouped_field_set)

    def _is_object_type(self, type_: GraphQLObjectType) -> bool:
        """Values of the type are Strawberry objects (connections, tiers, …), read by attribute."""
        roots = (self.schema.query_type, self.schema.mutation_type, self.schema.subscription_type)
        definition = type_.extensions.get("strawberry-definition")
        return (
            isinstance(definition, StrawberryObjectDefinition)
            and type_.name not in ROW_TYPES
            and type_ not in roots
        )


def _same(value: Any) -> Any:
    return value


def _connection_edges(connection: Connection[Any]) -> list[Any]:
    return connection.make_edges()


def compile_operation(
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDetails],
    variable_values: VariableValues,
    operation: OperationDefinitionNode,
) -> ObjectPlan | None:
    """The plan of a query, or None when it must run on Strawberry's execution. Directives
    (even @skip/@include) are refused, so the plan does not depend on the variables' values."""
    if operation.operation is not OperationType.QUERY:
        return None
    used = [operation, *(details.definition for details in fragments.values())]
    if _has_directives(used):
        return None
    try:
        return _Compiler(schema, fragments, variable_values, operation).root()
    except Unsupported:
        return None
