"""Refuses an operation over its caller's limits before anything executes, and spends its cost
from the partner's cost budget when one is set (RATE_LIMIT_COST_PER_PARTNER).

The limits depend on the caller's role, so they are checked per request in `on_execute`, never in
the validation cache shared by every caller. A refusal puts a result with the error in place of
execution (Strawberry then skips executing), and ErrorCodes gives it its code.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any
from weakref import WeakKeyDictionary

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from strawberry.extensions import SchemaExtension

from gateway import errors
from gateway.limits.measure import MAX_EXPANDED_FIELDS, Measure, count_tokens, measure
from gateway.limits.settings import OperationLimits
from gateway.ratelimit.limiter import RateLimiter
from gateway.ratelimit.middleware import RATE_LIMITED


class OperationRefused(errors.GatewayError):
    code = errors.OPERATION_TOO_COMPLEX


def _check(limits: OperationLimits, measured: dict[str, int]) -> None:
    for name, value in measured.items():
        limit = getattr(limits, f"max_{name}")
        if value > limit:
            raise OperationRefused(
                f"The operation is over the {name.replace('_', ' ')} limit "
                f"({value} > {limit}); ask for less per request",
                limit={"name": name, "max": limit, "measured": value},
            )


def _too_long(limits: OperationLimits, length: int) -> errors.GatewayError:
    return errors.GatewayError(
        f"The query is {length} characters long, over the limit of {limits.max_query_length}",
        code=errors.QUERY_TOO_LARGE,
        limit={"name": "query_length", "max": limits.max_query_length, "measured": length},
    )


def _measure_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    max_page_size: int,
) -> Measure | None:
    """The chosen operation's measure; None when the document has no such operation."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if not chosen:
        return None
    return measure(schema, chosen[0], fragments, variables, max_page_size)


# Each text's measure, per schema: it depends on the text, the operation chosen and the page
# cap, and on variables only where `first:` or `representations:` takes one (such measures are
# not kept: a cost of `first: $n` is measured per request). Bounded like the parse cache; the
# lock because servers in threads (tests) share the module.
_MEASURES: WeakKeyDictionary[GraphQLSchema, LRUCache[tuple[str, str | None, int], Any]] = (
    WeakKeyDictionary()
)
_MEASURES_LOCK = threading.Lock()
_MISSING = object()


def _measured(
    schema: GraphQLSchema,
    query: str,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    max_page_size: int,
) -> Measure | None:
    key = (query, operation_name, max_page_size)
    with _MEASURES_LOCK:
        cache = _MEASURES.get(schema)
        if cache is None:
            cache = _MEASURES[schema] = LRUCache(maxsize=1024)
        found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    measured = _measure_document(schema, document, operation_name, variables, max_page_size)
    if measured is None or not measured.read_variables:
        with _MEASURES_LOCK:
            cache[key] = measured
    return measured


def refusal(
    context: Any,
    query: str,
    document: Any,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    schema: Any,
) -> tuple[errors.GatewayError | None, int]:
    """The reason to refuse the operation (or None), and its cost when it was measured."""
    principal = getattr(context, "principal", None)
    settings = getattr(context, "settings", None)
    if principal is None or settings is None:
        return None, 0
    limits = settings.limits.for_principal(principal)
    if len(query) > limits.max_query_length:
        return _too_long(limits, len(query)), 0
    m = _measured(schema, query, document, operation_name, variables, settings.max_page_size)
    if m is None:
        return None, 0  # Strawberry answers an unknown operationName itself
    if m.expanded_fields > MAX_EXPANDED_FIELDS:
        return OperationRefused(
            f"The operation expands to over {MAX_EXPANDED_FIELDS} fields (fragments spread "
            "inside fragments); ask for less per request",
            limit={
                "name": "expanded_fields",
                "max": MAX_EXPANDED_FIELDS,
                "measured": m.expanded_fields,
            },
        ), 0
    if m.introspection and not limits.introspection:
        return errors.GatewayError(
            "Introspection is disabled for this caller", code=errors.INTROSPECTION_DISABLED
        ), 0
    try:
        _check(
            limits,
            {
                "tokens": count_tokens(query, limits.max_tokens),
                "depth": m.depth,
                "aliases": m.aliases,
                "root_fields": m.root_fields,
                "cost": m.cost,
                "representations": m.representations,
            },
        )
    except OperationRefused as exc:
        return exc, 0
    return None, m.cost


async def over_cost_budget(context: Any, cost: int) -> errors.GatewayError | None:
    """Spends the operation's cost from its partner's budget per window (RATE_LIMIT_COST_PER_
    PARTNER, off by default); the refusal when it is spent."""
    principal = getattr(context, "principal", None)
    app = getattr(getattr(context, "request", None), "app", None)
    limiter: RateLimiter | None = getattr(app.state, "rate_limiter", None) if app else None
    if principal is None or limiter is None:
        return None
    spent = await limiter.spend_cost(principal, cost)
    if spent is None:
        return None
    return errors.GatewayError(
        f"The partner's cost budget of {spent.limit} is spent (this operation costs {cost}); "
        f"retry in {spent.retry_after} s.",
        code=RATE_LIMITED,
        retryAfter=spent.retry_after,
        limit={"name": "cost_per_partner", "budget": spent.limit, "measured": cost},
    )


# What an over-long text is replaced by before parsing: it parses in microseconds, and
# on_execute refuses it with the original length.
STAND_IN = "{ __typename }"


class OperationLimitsCheck(SchemaExtension):
    _too_long: tuple[OperationLimits, int] | None = None

    def on_operation(self) -> Iterator[None]:
        # Nothing over the caller's limits is worth parsing: a megabyte of text costs the parser
        # a fifth of a second (a million tokens, seconds with validation), with the event loop
        # held. An over-long text is not parsed at all; otherwise the token budget is the
        # parser's too (ErrorCodes gives its refusal the OPERATION_TOO_COMPLEX code).
        execution = self.execution_context
        principal = getattr(execution.context, "principal", None)
        settings = getattr(execution.context, "settings", None)
        if principal is not None and settings is not None:
            limits = settings.limits.for_principal(principal)
            execution.parse_options["max_tokens"] = limits.max_tokens
            length = len(execution.query or "")
            if length > limits.max_query_length:
                self._too_long = (limits, length)
                execution.query = STAND_IN
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        reason: errors.GatewayError | None = None
        if self._too_long is not None:
            reason = _too_long(*self._too_long)
        elif execution.graphql_document is not None and execution.result is None:
            reason, cost = refusal(
                execution.context,
                execution.query or "",
                execution.graphql_document,
                execution.operation_name,
                execution.variables,
                execution.schema._schema,
            )
            if reason is None and cost:
                reason = await over_cost_budget(execution.context, cost)
        if reason is not None:
            error = GraphQLError(str(reason), original_error=reason)
            execution.result = ExecutionResult(data=None, errors=[error])
        yield
