"""Operation limits count `_entities` representations: a flood of them is refused before any
statement runs, and what lies under `_entities` costs as many times as there are of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from graphql import OperationDefinitionNode, parse

from gateway.limits.measure import Measure, measure
from gateway.limits.settings import VENDOR_LIMITS, OperationLimits
from gateway.schema.node import to_global_id
from gateway.schema.schema import build_schema
from tests.support.graphql import GraphQLClient
from tests.support.statements import settled_statement_count

AsUser = Callable[[str], GraphQLClient]
SCHEMA = build_schema()._schema
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"


def _measure(query: str, variables: dict[str, object] | None = None) -> Measure:
    [operation] = parse(query).definitions
    assert isinstance(operation, OperationDefinitionNode)
    return measure(SCHEMA, operation, {}, variables, 100)


def _deals(count: int) -> list[dict[str, str]]:
    return [{"__typename": "Deal", "id": to_global_id("Deal", i + 1)} for i in range(count)]


def test_representations_are_counted_and_multiply_the_cost_under_them() -> None:
    query = (
        "query($r: [_Any!]!) "
        "{ _entities(representations: $r) { ... on Deal { partner { name } } } }"
    )
    m = _measure(query, {"r": _deals(30)})
    assert (m.representations, m.cost) == (30, 1 + 30)
    inline = '{ a: _entities(representations: [{__typename: "Deal", id: "x"}, {}]) { __typename }'
    inline += ' b: _entities(representations: {__typename: "Lead", id: "y"}) { __typename } }'
    assert _measure(inline).representations == 2 + 1


@pytest.mark.parametrize(
    ("email", "limits"),
    [("admin@vendor.example", VENDOR_LIMITS), ("rep@acme.example", OperationLimits())],
)
async def test_ten_thousand_representations_are_refused_before_execution(
    as_user: AsUser, email: str, limits: OperationLimits
) -> None:
    assert limits.max_representations < 10_000
    before = await settled_statement_count()
    body = await as_user(email).execute(ENTITIES, {"r": _deals(10_000)})
    statements = await settled_statement_count() - before
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "OPERATION_TOO_COMPLEX",
        "limit": {
            "name": "representations",
            "max": limits.max_representations,
            "measured": 10_000,
        },
    }
    assert statements == 1  # who is asking; no entity was loaded


async def test_a_partner_may_send_up_to_the_limit(as_user: AsUser) -> None:
    allowed = OperationLimits().max_representations
    data = await as_user("rep@acme.example").data(ENTITIES, {"r": _deals(allowed)})
    assert len(data["_entities"]) == allowed
