"""`uiapi { query { <Object>(first, after, where, orderBy, upperBound) } }`: forward-only paging
with offset cursors (base64 `v1:<index>`, as a real org's), the 2,000 page and 4,000 record caps."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLResolveInfo
from graphql.language import FieldNode, ObjectValueNode, VariableNode

from gateway.crm_sandbox.context import RequestContext
from gateway.crm_sandbox.errors import SandboxError, validation_error
from gateway.crm_sandbox.filters import FilterCompiler, Params, order_sql
from gateway.crm_sandbox.objects import SObject
from gateway.crm_sandbox.values import record_node

DEFAULT_PAGE = 10
MAX_PAGE = 2000
# Without upperBound a query pages through at most this many records in total.
RECORD_CAP = 4000
UPPER_BOUND_PAGE = (200, 2000)

Resolver = Callable[..., Awaitable[dict[str, Any]]]


def encode_cursor(index: int) -> str:
    return base64.b64encode(f"v1:{index}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        version, index = text.split(":")
        # A real cursor's index fits Postgres's OFFSET; a forged one must not reach it.
        if version != "v1" or not index.isdigit() or len(index) > 12:
            raise ValueError(text)
        return int(index)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise validation_error(f"invalid cursor {cursor!r}") from None


def _page_size(first: int | None, upper_bound: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if size < 0:
        raise validation_error("first must not be negative")
    if size > MAX_PAGE:
        raise validation_error(f"first must be at most {MAX_PAGE}, got {size}")
    if upper_bound is not None:
        low, high = UPPER_BOUND_PAGE
        if not low <= size <= high:
            raise validation_error(f"with upperBound, first must be between {low} and {high}")
        if upper_bound < 1:
            raise validation_error("upperBound must be positive")
    return size


def _argument_order(info: GraphQLResolveInfo[RequestContext], name: str) -> list[str]:
    """The keys of an input-object argument in the order the client wrote them."""
    for argument in info.field_nodes[0].arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, ObjectValueNode):
            return [field.name.value for field in value.fields]
        if isinstance(value, VariableNode):
            raw = info.context.raw_variables.get(value.name.value)
            return list(raw) if isinstance(raw, dict) else []
    return []


def _wants(info: GraphQLResolveInfo[RequestContext], field_name: str) -> bool:
    for node in info.field_nodes:
        for selection in node.selection_set.selections if node.selection_set else ():
            # A fragment may ask for it; counting when unsure is only slower, never wrong.
            if not isinstance(selection, FieldNode) or selection.name.value == field_name:
                return True
    return False


def connection_resolver(sobject: SObject) -> Resolver:
    async def resolve(
        _parent: object,
        info: GraphQLResolveInfo[RequestContext],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        where: dict[str, Any] | None = None,
        orderBy: dict[str, Any] | None = None,  # noqa: N803 (the API's argument name)
        upperBound: int | None = None,  # noqa: N803
    ) -> dict[str, Any]:
        if last is not None or before is not None:
            raise SandboxError(
                "OperationNotSupported",
                "backward pagination (last/before) is not supported; page with first/after",
            )
        size = _page_size(first, upperBound)
        offset = decode_cursor(after) + 1 if after is not None else 0
        cap = None if upperBound is not None else RECORD_CAP
        shown = size if cap is None else max(0, min(size, cap - offset))

        context: RequestContext = info.context
        params = Params()
        condition = FilterCompiler(params, context.today).where(sobject, where, "t")
        order = order_sql(sobject, orderBy, _argument_order(info, "orderBy"), "t")
        base = f"FROM {sobject.table} t WHERE NOT t.is_deleted AND {condition}"
        filter_values = list(params.values)
        limit, skip = params.add(shown + 1), params.add(offset)
        async with context.pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT t.* {base} ORDER BY {order} LIMIT {limit} OFFSET {skip}", *params.values
            )
            total = None
            if _wants(info, "totalCount"):
                total = await conn.fetchval(f"SELECT count(*) {base}", *filter_values)
        page = rows[:shown]
        more = len(rows) > shown and (cap is None or offset + shown < cap)
        edges = [
            {"cursor": encode_cursor(offset + i), "node": record_node(sobject, dict(row))}
            for i, row in enumerate(page)
        ]
        return {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": more,
                "hasPreviousPage": offset > 0,
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
            "totalCount": total,
        }

    return resolve
