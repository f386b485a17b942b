"""Operation limits over HTTP: hostile operations refused before execution, ordinary ones served."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.graphql import GraphQLClient

REP = "rep@acme.example"
ADMIN = "admin@vendor.example"

THREE_LEVELS = (
    "{ partners(first: 100) { nodes { users(first: 100) { nodes {"
    " deals(first: 100) { nodes { id } } } } } } }"
)


def _deep(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"partner {{ deals(first: 1) {{ nodes {{ {inner} }} }} }}"
    return f"{{ deals(first: 1) {{ nodes {{ {inner} }} }} }}"


def _alias_bomb(count: int) -> str:
    return "{ " + " ".join(f"a{i}: tiers {{ name }}" for i in range(count)) + " }"


# Each hostile input, the code it is refused with, and the limit named (None: no limit entry).
ATTACKS: list[tuple[str, str, str, str | None]] = [
    ("deep nesting", _deep(5), "OPERATION_TOO_COMPLEX", "depth"),
    ("alias bomb", _alias_bomb(40), "OPERATION_TOO_COMPLEX", "aliases"),
    (
        "alias bomb in fragments",
        "{ ...A ...B } fragment A on Query { "
        + " ".join(f"a{i}: tiers {{ name }}" for i in range(20))
        + " } fragment B on Query { "
        + " ".join(f"b{i}: tiers {{ name }}" for i in range(20))
        + " }",
        "OPERATION_TOO_COMPLEX",
        "aliases",
    ),
    ("100 x 100 x 100", THREE_LEVELS, "OPERATION_TOO_COMPLEX", "cost"),
    ("16,000 characters", "{ tiers { name } }" + " " * 16_000, "QUERY_TOO_LARGE", "query_length"),
    (
        "too many tokens",
        "{ " + "... on Query { __typename } " * 400 + "}",
        "OPERATION_TOO_COMPLEX",
        "tokens",
    ),
    (
        "too many root fields",
        "{ "
        + " ".join(f"t{i}: tiers {{ name }}" if i else "tiers { name }" for i in range(12))
        + " }",
        "OPERATION_TOO_COMPLEX",
        None,
    ),
    ("operation named __schema", "query __schema " + THREE_LEVELS, "OPERATION_TOO_COMPLEX", "cost"),
    (
        "fragment named __schema",
        "query Q { partners(first: 100) { nodes { ...__schema } } } "
        "fragment __schema on Partner { users(first: 100) { nodes {"
        " deals(first: 100) { nodes { id } } } } }",
        "OPERATION_TOO_COMPLEX",
        "cost",
    ),
    (
        "deep fragment named __type",
        "query __type { deals(first: 1) { nodes { ...__type } } } fragment __type on Deal "
        + _deep(5)[len("{ deals(first: 1) { nodes ") : -len(" } }")],
        "OPERATION_TOO_COMPLEX",
        "depth",
    ),
    ("introspection", "{ __schema { types { name } } }", "INTROSPECTION_DISABLED", None),
    (
        "introspection by __type",
        '{ __type(name: "Deal") { name } }',
        "INTROSPECTION_DISABLED",
        None,
    ),
]


@pytest.mark.parametrize(
    ("query", "code", "limit"),
    [pytest.param(q, c, lim, id=name) for name, q, c, lim in ATTACKS],
)
async def test_partner_attack_is_refused_before_execution(
    as_user: Callable[[str], GraphQLClient], query: str, code: str, limit: str | None
) -> None:
    body = await as_user(REP).execute(query)
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    if limit is not None:
        assert error["extensions"]["limit"]["name"] == limit
        assert error["extensions"]["limit"]["measured"] > error["extensions"]["limit"]["max"]


async def test_ten_by_ten_passes(as_user: Callable[[str], GraphQLClient]) -> None:
    data = await as_user(REP).data(
        "{ partners(first: 10) { nodes { deals(first: 10) { nodes { id } } } } }"
    )
    assert data["partners"]["nodes"]


async def test_root_fields_limit_named(as_user: Callable[[str], GraphQLClient]) -> None:
    query = "{ " + " ".join(f"t{i}: tiers {{ name }}" for i in range(12)) + " }"
    body = await as_user(REP).execute(query)
    assert body["errors"][0]["extensions"]["limit"]["name"] in {"root_fields", "aliases"}


async def test_renaming_aliases_are_not_a_bomb(as_user: Callable[[str], GraphQLClient]) -> None:
    fields = " ".join(
        f"f{i}: {name}"
        for i, name in enumerate(
            [
                "id",
                "customerName",
                "customerDomain",
                "region",
                "amount",
                "currency",
                "stage",
                "status",
                "registeredAt",
                "createdAt",
                "updatedAt",
                "hasConflict",
                "products",
                "expectedCloseDate",
                "decidedAt",
                "closedAt",
            ]
        )
    )
    await as_user(REP).data(f"{{ deals(first: 2) {{ nodes {{ {fields} }} }} }}")


async def test_introspection_allowed_for_vendor(as_user: Callable[[str], GraphQLClient]) -> None:
    data = await as_user(ADMIN).data("{ __schema { queryType { name } } }")
    assert data["__schema"]["queryType"]["name"] == "Query"


async def test_graphiql_introspection_passes_for_vendor(
    as_user: Callable[[str], GraphQLClient],
) -> None:
    from graphql import get_introspection_query

    data = await as_user(ADMIN).data(get_introspection_query(descriptions=True))
    assert data["__schema"]["types"]


async def test_vendor_gets_looser_limits(as_user: Callable[[str], GraphQLClient]) -> None:
    await as_user(ADMIN).data(_deep(4))


async def test_typename_is_fine_for_partners(as_user: Callable[[str], GraphQLClient]) -> None:
    assert await as_user(REP).data("{ __typename }") == {"__typename": "Query"}


async def test_a_cost_from_variables_is_measured_per_request(
    as_user: Callable[[str], GraphQLClient],
) -> None:
    """A text's measure is kept between requests, except what its variables decide."""
    query = (
        "query Q($n: Int!) { partners(first: $n) { nodes { users(first: $n) { nodes {"
        " deals(first: $n) { nodes { id } } } } } } }"
    )
    rep = as_user(REP)
    assert (await rep.data(query, {"n": 2}))["partners"]["nodes"]
    refused = await rep.execute(query, {"n": 100})
    assert refused["errors"][0]["extensions"]["limit"]["name"] == "cost"
    limit = refused["errors"][0]["extensions"]["limit"]
    assert limit["measured"] > limit["max"]
    assert (await rep.data(query, {"n": 2}))["partners"]["nodes"]


async def test_a_kept_measure_meets_each_callers_limits(
    as_user: Callable[[str], GraphQLClient],
) -> None:
    query = _deep(5)
    assert "errors" not in await as_user(ADMIN).execute(query)
    body = await as_user(REP).execute(query)
    assert body["errors"][0]["extensions"]["limit"]["name"] == "depth"
