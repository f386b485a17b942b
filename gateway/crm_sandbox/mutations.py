"""`uiapi(input: {allOrNone}) { <Object>Create / Update / Delete }`: aliased operations in one
transaction; allOrNone rolls all back on a failure (the others: ExecutionAborted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import asyncpg
from graphql import GraphQLObjectType, GraphQLResolveInfo
from graphql.execution.values import get_argument_values
from graphql.language import FieldNode

from gateway.crm_sandbox.context import RequestContext
from gateway.crm_sandbox.errors import SandboxError, validation_error
from gateway.crm_sandbox.objects import ID_KINDS, OBJECTS, SObject
from gateway.crm_sandbox.writes import create_record, delete_record, update_record

ACTIONS = ("Create", "Update", "Delete")


@dataclass
class Outcomes:
    """Each operation's payload or error, by response key (alias)."""

    by_key: dict[str, dict[str, Any] | SandboxError] = field(default_factory=dict)

    def payload(self, key: str) -> dict[str, Any]:
        outcome = self.by_key[key]
        if isinstance(outcome, SandboxError):
            raise outcome
        return outcome


@dataclass(frozen=True)
class _Operation:
    key: str
    sobject: SObject
    action: str
    arguments: dict[str, Any]


def _operations(info: GraphQLResolveInfo[RequestContext]) -> list[_Operation]:
    mutations_type = info.return_type
    assert isinstance(mutations_type, GraphQLObjectType)
    operations = []
    for node in info.field_nodes:
        for selection in node.selection_set.selections if node.selection_set else ():
            if not isinstance(selection, FieldNode):
                raise SandboxError(
                    "OperationNotSupported", "fragments are not supported in uiapi mutations"
                )
            name = selection.name.value
            if name == "__typename":
                continue
            action = next(a for a in ACTIONS if name.endswith(a))
            arguments = get_argument_values(
                mutations_type.fields[name], selection, info.variable_values
            )
            key = selection.alias.value if selection.alias else name
            operations.append(
                _Operation(key, OBJECTS[name.removesuffix(action)], action, arguments)
            )
    return operations


class _References:
    """`@{alias}` in an Id input means the Id that alias created earlier in this mutation."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def resolve(self, value: str) -> str:
        if not (value.startswith("@{") and value.endswith("}")):
            return value
        alias = value[2:-1]
        if alias not in self.ids:
            raise validation_error(f"reference {value} names no earlier operation's record")
        return self.ids[alias]

    def resolve_fields(self, sobject: SObject, values: dict[str, Any]) -> dict[str, Any]:
        return {
            name: self.resolve(v)
            if isinstance(v, str) and sobject.field(name).kind in ID_KINDS
            else v
            for name, v in values.items()
        }


async def _perform(
    conn: asyncpg.Connection, operation: _Operation, references: _References
) -> tuple[dict[str, Any], str]:
    sobject, arguments = operation.sobject, operation.arguments["input"]
    if operation.action == "Create":
        values = references.resolve_fields(sobject, arguments[sobject.name])
        record = await create_record(conn, sobject, values)
        return {"Record": record}, record["Id"]
    record_id = references.resolve(arguments["Id"])
    if operation.action == "Update":
        values = references.resolve_fields(sobject, arguments[sobject.name])
        record = await update_record(conn, sobject, record_id, values)
        return {"Record": record}, record_id
    return {"Id": await delete_record(conn, sobject, record_id)}, record_id


async def run_mutations(
    _root: object,
    info: GraphQLResolveInfo[RequestContext],
    input: dict[str, Any] | None = None,  # noqa: A002
) -> Outcomes:
    all_or_none = (input or {}).get("allOrNone") is not False
    operations = _operations(info)
    context: RequestContext = info.context
    outcomes = Outcomes()
    references = _References()
    async with context.pool.acquire() as pooled:
        conn = cast(asyncpg.Connection, pooled)  # the pool's proxy behaves as its connection
        transaction = conn.transaction()
        await transaction.start()
        try:
            for operation in operations:
                try:
                    if all_or_none:
                        payload, record_id = await _perform(conn, operation, references)
                    else:
                        async with conn.transaction():  # a savepoint
                            payload, record_id = await _perform(conn, operation, references)
                except SandboxError as error:
                    outcomes.by_key[operation.key] = error
                    if all_or_none:
                        await transaction.rollback()
                        _abort_others(outcomes, operations, operation.key)
                        return outcomes
                    continue
                outcomes.by_key[operation.key] = payload
                references.ids[operation.key] = record_id
        except BaseException:
            await transaction.rollback()
            raise
        await transaction.commit()
    return outcomes


def _abort_others(outcomes: Outcomes, operations: list[_Operation], failed: str) -> None:
    for operation in operations:
        if operation.key != failed:
            outcomes.by_key[operation.key] = SandboxError(
                "ExecutionAborted",
                f"rolled back: allOrNone is true and operation {failed!r} failed",
            )


def resolve_outcome(
    outcomes: Outcomes, info: GraphQLResolveInfo[RequestContext], **_arguments: Any
) -> dict[str, Any]:
    """An aliased operation's field: what `run_mutations` recorded under its response key."""
    return outcomes.payload(str(info.path.key))
