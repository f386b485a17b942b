"""Answering a plan: every field fetched for all its parents at once, then the response built.

Level by level: a selection's fetched fields start together (their loads share batches), then
its object fields' selections run, together, over all the values found; then each object's dict
is built in the plan's key order. Errors are located and nulls propagate as graphql-core does
(`Executor.handle_field_error`), into the executor's own error collection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from graphql import located_error
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import Path
from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import convert_arguments

from gateway.compiled.plan import FieldPlan, ObjectPlan
from gateway.context import Context
from gateway.schema.guard import require_readable_field

# Every object's response path is built, but one is read only for an error: plain tuples shaped
# like graphql-core's Path (prev, key, typename), made into Paths when an error needs one.
RawPath = Any


def _graphql_path(raw: RawPath) -> Path | None:
    if raw is None:
        return None
    prev, key, typename = raw
    return Path(_graphql_path(prev), key, typename)


class _Redo(Exception):
    """The quick build of an object met an error: build it again field by field."""


def _null_for_non_null(type_name: str, field: FieldPlan) -> TypeError:
    return TypeError(f"Cannot return null for non-nullable field {type_name}.{field.name}.")


class PlanRun:
    """One execution of a plan for one request."""

    def __init__(
        self,
        context: Context,
        variable_values: VariableValues,
        errors: Any,  # graphql-core's CollectedErrors: its rules drop errors under nulled paths
        scalar_registry: Any,
        config: StrawberryConfig,
        resolve_info: Callable[[FieldPlan, str, Path], Any],
    ) -> None:
        self.context = context
        self.resolve_info = resolve_info  # a resolver's `strawberry.Info`, as Strawberry's
        self.variable_values = variable_values
        self.errors = errors
        self.scalar_registry = scalar_registry
        self.config = config
        # Errors by wave (how many fetches deep the object that met them is): graphql-core
        # meets a level's errors when the fetch above it settles, so shallower ones come first.
        self.waves: dict[int, list[tuple[Exception, Path]]] = {}

    async def root(self, plan: ObjectPlan, root_value: Any) -> dict[str, Any] | None:
        (result,) = await self.objects(plan, [root_value], [None], 0)
        if isinstance(result, Exception):
            self.errors.add(result, None)  # a null data drops every error met after it
        for wave in sorted(self.waves):
            for error, path in self.waves[wave]:
                self.errors.add(error, path)
        return None if isinstance(result, Exception) else result

    def _error(self, error: Exception, path: Path, wave: int) -> None:
        self.waves.setdefault(wave, []).append((error, path))

    # -- fetching -----------------------------------------------------------------------------

    def _arguments(self, field: FieldPlan) -> dict[str, Any]:
        if not field.has_args:
            return {}
        raw = get_argument_values(field.field_def, field.nodes[0], self.variable_values)
        assert field.strawberry_field is not None
        return convert_arguments(
            raw,
            field.strawberry_field.arguments,
            scalar_registry=self.scalar_registry,
            config=self.config,
        )

    def _denied(self, type_name: str, field: FieldPlan) -> bool:
        return field.guarded and not self.context.grant.can_read_field(type_name, field.name)

    async def _fetch(
        self, type_name: str, field: FieldPlan, parents: Sequence[Any], paths: Sequence[RawPath]
    ) -> list[Any]:
        try:
            args = self._arguments(field)
            if field.resolver_source is not None:

                def info_for(index: int) -> Any:
                    path = Path(_graphql_path(paths[index]), field.key, type_name)
                    return self.resolve_info(field, type_name, path)

                return await field.resolver_source(self.context, parents, args, info_for)
            assert field.source is not None
            return await field.source(self.context, parents, args)
        except Exception as error:  # noqa: BLE001 - every parent's field error
            return [error] * len(parents)

    async def objects(
        self, plan: ObjectPlan, sources: Sequence[Any], paths: Sequence[RawPath], wave: int
    ) -> list[Any]:
        """Each source's dict, or the located error that nulls it (a non-null field failed)."""
        type_name = plan.type_name
        fetched: dict[FieldPlan, list[Any]] = {}
        denied = {field for field in plan.fields if self._denied(type_name, field)}
        waiting = [f for f in plan.fields if f.fetches and f not in denied and sources]
        if len(waiting) == 1:
            fetched[waiting[0]] = await self._fetch(type_name, waiting[0], sources, paths)
        elif waiting:
            values = await asyncio.gather(
                *(self._fetch(type_name, f, sources, paths) for f in waiting)
            )
            fetched.update(zip(waiting, values, strict=True))
        children = await self._children(plan, sources, paths, fetched, denied, wave)
        return [
            self._build(plan, index, source, paths[index], fetched, children, denied, wave)
            for index, source in enumerate(sources)
        ]

    async def _children(
        self,
        plan: ObjectPlan,
        sources: Sequence[Any],
        paths: Sequence[RawPath],
        fetched: dict[FieldPlan, list[Any]],
        denied: set[FieldPlan],
        wave: int,
    ) -> dict[FieldPlan, list[Any]]:
        """Per object field: each parent's value, with its objects replaced by their results."""
        runs: list[Awaitable[None]] = []
        values: dict[FieldPlan, list[Any]] = {}
        for field in plan.fields:
            if field.objects is None or field in denied:
                continue
            if field.fetches:
                raw = fetched[field]
            else:
                raw = [self._read(field, source) for source in sources]
            values[field] = raw
            later = wave + 1 if field.fetches else wave
            runs.extend(self._complete_objects(plan.type_name, field, raw, paths, later))
        if len(runs) == 1:
            await runs[0]
        elif runs:
            await asyncio.gather(*runs)
        return values

    @staticmethod
    def _read(field: FieldPlan, source: Any) -> Any:
        assert field.read_value is not None
        try:
            return field.read_value(source)
        except Exception as error:  # noqa: BLE001 - this parent's field error
            return error

    def _complete_objects(
        self,
        type_name: str,
        field: FieldPlan,
        raw: list[Any],
        paths: Sequence[RawPath],
        wave: int,
    ) -> list[Awaitable[None]]:
        """Schedules the selections over every object in `raw`; each object's result (its dict,
        or the error that nulls it) is written back where the object was."""
        assert field.objects is not None
        groups: dict[str, _Group] = {}
        single = None if field.abstract else next(iter(field.objects))
        key, is_list = field.key, field.is_list
        for index, value in enumerate(raw):
            if value is None or isinstance(value, Exception):
                continue
            field_path = (paths[index], key, type_name)
            holder = list(value) if is_list else [value]
            raw[index] = holder
            for position, item in enumerate(holder):
                if item is None:
                    continue
                runtime = single
                if runtime is None:
                    runtime, item = item
                    holder[position] = item
                group = groups.get(runtime)
                if group is None:
                    if runtime not in field.objects:
                        holder[position] = TypeError(f"no plan for runtime type {runtime}")
                        continue
                    group = groups[runtime] = _Group()
                group.sources.append(item)
                group.paths.append((field_path, position, None) if is_list else field_path)
                group.holders.append(holder)
                group.positions.append(position)
        return [
            self._fill(field.objects[runtime], group, wave) for runtime, group in groups.items()
        ]

    async def _fill(self, plan: ObjectPlan, group: _Group, wave: int) -> None:
        results = await self.objects(plan, group.sources, group.paths, wave)
        for holder, position, result in zip(group.holders, group.positions, results, strict=True):
            holder[position] = result

    # -- building -----------------------------------------------------------------------------

    def _build(
        self,
        plan: ObjectPlan,
        index: int,
        source: Any,
        path: RawPath,
        fetched: dict[FieldPlan, list[Any]],
        children: dict[FieldPlan, list[Any]],
        denied: set[FieldPlan],
        wave: int,
    ) -> Any:
        try:
            return self._quick_build(plan, index, source, fetched, children, denied)
        except _Redo:
            pass
        except Exception:  # noqa: BLE001 - a leaf failed: located below, field by field
            pass
        result: dict[str, Any] = {}
        for field in plan.fields:
            field_path = Path(_graphql_path(path), field.key, plan.type_name)
            try:
                result[field.key] = self._value(
                    plan, field, index, source, fetched, children, denied, field_path, wave
                )
            except Exception as raw_error:  # noqa: BLE001 - handled as graphql-core does
                error = located_error(raw_error, field.nodes, field_path.as_list())
                if field.non_null:
                    return error  # this object is null: its parent decides what that means
                self._error(error, field_path, wave)
                result[field.key] = None
        return result

    def _quick_build(
        self,
        plan: ObjectPlan,
        index: int,
        source: Any,
        fetched: dict[FieldPlan, list[Any]],
        children: dict[FieldPlan, list[Any]],
        denied: set[FieldPlan],
    ) -> dict[str, Any]:
        """The common case, without paths: any error sends the object to the careful build."""
        type_name = plan.type_name
        result: dict[str, Any] = {}
        for field in plan.fields:
            if field.read_leaf is not None and field not in denied:
                result[field.key] = field.read_leaf(source)
            elif field.typename is not None:
                result[field.key] = field.typename
            elif field in denied:
                raise _Redo
            elif field.objects is not None:
                value = self._object_value(type_name, field, children[field][index], None, 0)
                if value is None and field.non_null:
                    raise _Redo
                result[field.key] = value
            else:
                value = fetched[field][index]
                if isinstance(value, Exception):
                    raise _Redo
                assert field.complete_leaf is not None
                result[field.key] = field.complete_leaf(value)
        return result

    def _value(
        self,
        plan: ObjectPlan,
        field: FieldPlan,
        index: int,
        source: Any,
        fetched: dict[FieldPlan, list[Any]],
        children: dict[FieldPlan, list[Any]],
        denied: set[FieldPlan],
        field_path: Path,
        wave: int,
    ) -> Any:
        if field.typename is not None:
            return field.typename
        if field in denied:
            require_readable_field(self.context, plan.type_name, field.name)
        if field.read_leaf is not None:
            return field.read_leaf(source)
        if field.objects is not None:
            value = children[field][index]
        else:
            value = fetched[field][index]
        if isinstance(value, Exception):
            raise value
        if field.objects is None:
            assert field.complete_leaf is not None
            return field.complete_leaf(value)
        completed = self._object_value(plan.type_name, field, value, field_path, wave)
        if completed is None and field.non_null:
            raise _null_for_non_null(plan.type_name, field)
        return completed

    def _object_value(
        self, type_name: str, field: FieldPlan, value: Any, field_path: Path | None, wave: int
    ) -> Any:
        """An object field's completed value; `field_path` None: the quick build, which leaves
        every error to the careful one."""
        if value is None:
            return None
        if isinstance(value, Exception):
            raise value if field_path is not None else _Redo()
        if not field.is_list:
            return self._item(value[0], field_path)
        items: list[Any] = []
        for position, item in enumerate(value):
            if item is None and not field.items_non_null:
                items.append(None)
                continue
            try:
                if item is None:
                    raise _null_for_non_null(type_name, field)
                items.append(self._item(item, field_path))
            except Exception as raw_error:  # noqa: BLE001 - the item's error
                if field_path is None:
                    raise _Redo from None
                item_path = Path(field_path, position, None)
                error = located_error(raw_error, field.nodes, item_path.as_list())
                if field.items_non_null:
                    raise error from None
                self._error(error, item_path, wave)
                items.append(None)
        return items

    @staticmethod
    def _item(slot: Any, field_path: Path | None) -> Any:
        if isinstance(slot, Exception):
            raise slot if field_path is not None else _Redo()
        return slot


class _Group:
    """The objects of one runtime type under one field, across all parents, and where each
    one's result goes."""

    __slots__ = ("holders", "paths", "positions", "sources")

    def __init__(self) -> None:
        self.sources: list[Any] = []
        self.paths: list[RawPath] = []
        self.holders: list[list[Any]] = []
        self.positions: list[int] = []
