"""The hook: graphql-core's executor, answering the queries it has a plan for by that plan.

Strawberry builds one executor per operation (after parsing, validation, the operation limits
and variable coercion, all unchanged); `execute_operation` is the one method replaced. Plans are
kept per schema, keyed by the operation's text and name, like the parse and validation caches.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast
from weakref import WeakKeyDictionary

import asyncpg
from graphql import ExecutionResult, GraphQLError, GraphQLObjectType, GraphQLSchema, parse
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.compiled.connection import OperationConnection
from gateway.compiled.plan import FieldPlan, ObjectPlan, compile_operation
from gateway.compiled.run import PlanRun
from gateway.context import Context
from gateway.loaders.registry import build_loaders

# Distinct operation texts kept compiled (or known not to compile), per schema.
COMPILED_OPERATIONS = 1024


class _Key:
    """An operation's text and name, carrying the executor that can compile it on a miss (and
    only until then: the cache keeps the key, and must not keep a request alive with it)."""

    __slots__ = ("executor", "key")

    def __init__(self, key: tuple[str, str | None], executor: CompiledExecutor) -> None:
        self.key = key
        self.executor: CompiledExecutor | None = executor

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and other.key == self.key


def _compile(key: _Key) -> ObjectPlan | None:
    executor, key.executor = key.executor, None
    assert executor is not None
    return compile_operation(
        executor.schema, executor.fragments, executor.variable_values, executor.operation
    )


_caches: WeakKeyDictionary[GraphQLSchema, Any] = WeakKeyDictionary()


def plan_for(executor: CompiledExecutor) -> ObjectPlan | None:
    location = executor.operation.loc
    if location is None:
        return None  # a document built without locations: no text to key on
    name = executor.operation.name
    cache = _caches.get(executor.schema)
    if cache is None:
        cache = _caches[executor.schema] = lru_cache(maxsize=COMPILED_OPERATIONS)(_compile)
    plan: ObjectPlan | None = cache(
        _Key((location.source.body, name.value if name else None), executor)
    )
    return plan


def compiled_execution_enabled(context: Any) -> bool:
    settings = getattr(context, "settings", None)
    return bool(getattr(settings, "compiled_execution", False))


class CompiledExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = None
        if (
            serially is None
            and not (self.middleware_manager and self.middleware_manager.middlewares)
            and compiled_execution_enabled(self.context_value)
        ):
            plan = plan_for(self)
        if plan is None:
            return super().execute_operation(serially)
        return self._run(plan)

    def _resolve_info(self, field: FieldPlan, parent_type: str, path: Path) -> Any:
        """The `strawberry.Info` Strawberry would hand the field's resolver at `path`."""
        parent = self.schema.get_type(parent_type)
        assert isinstance(parent, GraphQLObjectType) and field.field_def is not None
        raw = self.build_resolve_info(field.field_def, field.nodes, parent, path)
        strawberry_schema = self.schema._strawberry_schema  # type: ignore[attr-defined]
        return strawberry_schema.config.info_class(_raw_info=raw, _field=field.strawberry_field)

    async def _run(self, plan: ObjectPlan) -> ExecutionResult:
        strawberry_schema = self.schema._strawberry_schema  # type: ignore[attr-defined]
        run = PlanRun(
            self.context_value,
            self.variable_values,
            self.collected_errors,
            strawberry_schema.schema_converter.scalar_registry,
            strawberry_schema.config,
            self._resolve_info,
        )
        context = self.context_value
        pool, loaders = context.db, context.loaders
        # An HTTP request's context is its own; a websocket's is shared by its operations.
        shared = OperationConnection(pool) if type(context) is Context else None
        if shared is not None:
            # Queries ask the pool only for what the store's Executor protocol names
            # (gateway/compiled/connection.py), so the shared connection stands in for it.
            context.db = cast(asyncpg.Pool, shared)
            context.loaders = build_loaders(shared, context.grant)
        try:
            data = await run.root(plan, self.root_value)
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            data = None
        finally:
            if shared is not None:
                context.db, context.loaders = pool, loaders
                await shared.release()
        result = self.build_response(data)
        assert isinstance(result, ExecutionResult)
        return result



def compiled_plan(
    schema: GraphQLSchema,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> ObjectPlan | None:
    """The plan an operation text runs by, or None when it runs on Strawberry's execution."""
    executor = CompiledExecutor.build(
        schema, parse(query), raw_variable_values=variables, operation_name=operation_name
    )
    if isinstance(executor, list):
        raise ValueError(f"the operation cannot run: {executor}")
    assert isinstance(executor, CompiledExecutor)
    return plan_for(executor)
