"""`POST /services/data/v66.0/graphql`: parse, validate, count subqueries against the limits,
execute, and report errors the way the UI API does (HTTP 200, `extensions.ErrorType`)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from inspect import isawaitable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.crm_sandbox.context import RequestContext
from gateway.crm_sandbox.errors import ErrorType, SandboxError
from gateway.crm_sandbox.responses import limit_exceeded, rest_error
from gateway.crm_sandbox.schema import sandbox_schema
from gateway.crm_sandbox.state import Sandbox, sandbox_of

log = logging.getLogger(__name__)
MAX_SUBQUERIES = 10


def _error(kind: ErrorType, error: GraphQLError) -> dict[str, Any]:
    entry: dict[str, Any] = {"message": error.message}
    if error.locations:
        entry["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        entry["path"] = list(error.path)
    entry["extensions"] = {"ErrorType": kind}
    return entry


def _execution_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, SandboxError):
        return _error(original.kind, error)
    if original is None or isinstance(original, GraphQLError):
        # Variable coercion and argument errors: the request itself is invalid.
        return _error("ValidationError", error)
    log.error("sandbox resolver failed", exc_info=original)
    hidden = GraphQLError("internal error", error.nodes, path=error.path)
    return _error("DataFetchingException", hidden)


def _answer(errors: list[dict[str, Any]], data: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = errors
    return JSONResponse(body)


def _fields(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    """The fields of a selection set with fragments spread in."""
    found: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found += _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                found += _fields(fragment.selection_set, fragments)
    return found


def subqueries(document: DocumentNode, operation: OperationDefinitionNode) -> list[str]:
    """The object queried by each top-level object query (`uiapi { query { X } }`)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    objects = []
    for uiapi in _fields(operation.selection_set, fragments):
        for query in _fields(uiapi.selection_set, fragments):
            if query.name.value == "query":
                objects += [
                    f.name.value
                    for f in _fields(query.selection_set, fragments)
                    if f.name.value != "__typename"
                ]
    return objects


async def _body(request: Request) -> tuple[str, str | None, dict[str, Any]] | Response:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return rest_error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON.")
    query = body.get("query") if isinstance(body, dict) else None
    operation_name = body.get("operationName") if isinstance(body, dict) else None
    variables = (body.get("variables") if isinstance(body, dict) else None) or {}
    if not isinstance(query, str) or not isinstance(variables, dict):
        return rest_error(400, "JSON_PARSER_ERROR", "Expected {query, operationName?, variables?}.")
    if operation_name is not None and not isinstance(operation_name, str):
        return rest_error(400, "JSON_PARSER_ERROR", "operationName must be a string.")
    return query, operation_name, variables


async def graphql_endpoint(request: Request) -> Response:
    sandbox = sandbox_of(request)
    sandbox.stats.count("graphql_requests")
    parsed = await _body(request)
    if isinstance(parsed, Response):
        return parsed
    query, operation_name, variables = parsed
    try:
        document = parse(query)
    except GraphQLError as error:
        return _charged(sandbox, 1) or _answer([_error("InvalidSyntax", error)])
    errors = validate(sandbox_schema(), document)
    if errors:
        return _charged(sandbox, 1) or _answer([_error("ValidationError", e) for e in errors])
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = "Unknown operation name." if operation_name else "Must provide operation name."
        return _charged(sandbox, 1) or _answer([_error("ValidationError", GraphQLError(message))])
    return await _run(sandbox, document, operation, operation_name, variables)


def _charged(sandbox: Sandbox, calls: int) -> Response | None:
    """None when the allowance covers `calls`; the 403 answer when it does not."""
    if sandbox.usage.allow(calls):
        return None
    sandbox.stats.count("limit_exceeded")
    return limit_exceeded()


async def _run(
    sandbox: Sandbox,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    operation_name: str | None,
    variables: dict[str, Any],
) -> Response:
    if operation.operation is OperationType.SUBSCRIPTION:
        unsupported = GraphQLError("subscriptions are not supported", operation)
        return _charged(sandbox, 1) or _answer([_error("OperationNotSupported", unsupported)])
    objects = subqueries(document, operation)
    if len(objects) > MAX_SUBQUERIES:
        too_many = GraphQLError(
            f"a request may hold at most {MAX_SUBQUERIES} subqueries, this one has {len(objects)}"
        )
        return _charged(sandbox, 1) or _answer([_error("ValidationError", too_many)])
    refused = _charged(sandbox, max(1, len(objects)))
    if refused is not None:
        return refused
    if operation.operation is OperationType.QUERY:
        sandbox.stats.count("graphql_query_requests")
        for name in objects:
            sandbox.stats.count_subquery(name)
    else:
        sandbox.stats.count("graphql_mutation_requests")
    context = RequestContext(
        pool=sandbox.database, today=datetime.now(UTC).date(), raw_variables=variables
    )
    outcome = execute(
        sandbox_schema(),
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
    )
    # Synchronous when variable coercion fails before any resolver runs.
    result = await outcome if isawaitable(outcome) else outcome
    if operation.operation is OperationType.MUTATION and result.data:
        sandbox.stats.count("mutations", _mutation_count(result.data))
    return _answer([_execution_error(e) for e in result.errors or ()], result.data)


def _mutation_count(data: dict[str, Any]) -> int:
    return sum(len(outcomes or {}) for outcomes in data.values())
