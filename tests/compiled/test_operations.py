"""Every shipped operation, and hand-picked edge cases, answered identically on both paths.

Identically: the same HTTP status, the same JSON text (so the same keys in the same order, the
same errors with their messages, locations, paths and codes; the errors sorted, since their order
follows which query returns first, see Answer.text) and the same number of statements.
Each query is first shown to have a compiled plan, so the comparison is never vacuous.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gateway.compiled.executor import compiled_plan
from gateway.schema.schema import build_schema
from tests.compiled.conftest import Paths

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [*ROOT.glob("bench/operations/*.graphql"), *ROOT.glob("examples/operations/*.graphql")]
)
SCHEMA = build_schema()._schema

# Who sends each shipped operation (the examples say so in an `# as:` line; the bench's are
# the vendor admin's, and B also the rep's: scenario E).
BENCH_CALLERS = ("admin@vendor.example", "rep@acme.example")


def _gid(type_name: str, row_id: int) -> str:
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def _callers(path: Path) -> tuple[str, ...]:
    found = re.search(r"^# as: (\S+)", path.read_text(), re.MULTILINE)
    return (found.group(1),) if found else BENCH_CALLERS


def _variables(path: Path) -> dict[str, Any]:
    if "$id" in TEXTS[path]:
        return {"id": _gid("Deal", 3)}
    return {}


def _assert_same(interpreted: Any, compiled: Any) -> None:
    assert compiled.status == interpreted.status
    assert compiled.text == interpreted.text
    assert compiled.statements == interpreted.statements


TEXTS = {path: path.read_text() for path in SHIPPED}
SHIPPED_QUERIES = [
    pytest.param(path, caller, id=f"{path.stem}-{caller}")
    for path in SHIPPED
    if "mutation " not in path.read_text()
    for caller in _callers(path)
]


@pytest.mark.parametrize(("path", "caller"), SHIPPED_QUERIES)
async def test_shipped_operations(
    both_paths: Callable[[str], Paths], path: Path, caller: str
) -> None:
    query, variables = TEXTS[path], _variables(path)
    assert compiled_plan(SCHEMA, query, variables) is not None
    interpreted, compiled = await both_paths(caller).ask(query, variables)
    assert interpreted.status == 200 and "data" in interpreted.body
    _assert_same(interpreted, compiled)


def test_mutations_keep_strawberry_execution() -> None:
    query = (ROOT / "bench/operations/d_register_deal.graphql").read_text()
    variables = {
        "input": {
            "customerName": "x", "customerDomain": "x.example", "region": "EMEA",
            "products": ["P"], "amount": "1", "currency": "EUR", "expectedCloseDate": "2030-01-01",
        }
    }
    assert compiled_plan(SCHEMA, query, variables) is None


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { queryType { name } } }",
        "{ __type(name: \"Deal\") { name } }",
        "{ deals(first: 1) { nodes { id @include(if: true) } } }",
        "query Q($skip: Boolean!) { deals(first: 1) { nodes { id @skip(if: $skip) } } }",
        "subscription { dealStatusChanged { status } }",
    ],
)
def test_what_the_compiler_leaves_to_strawberry(query: str) -> None:
    assert compiled_plan(SCHEMA, query, {"skip": False}) is None


EDGE_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # Denied fields, flat and nested, through fragments and aliases.
    (
        "rep@acme.example",
        """query Q { deals(first: 5) { totalCount nodes { __typename id internalNotes
            ...D partner { slug internalRating r: contractValue } } } }
          fragment D on Deal { discountPct customerName owner { email phone } }""",
        {},
    ),
    (
        "admin@acme.example",
        """{ partner(slug: "acme") { slug users(first: 3) { nodes { email certifications {
            isCurrent course { code } } enrollments { status progressPct } } } } }""",
        {},
    ),
    # Another partner's deal, a malformed id, and one of a type the caller reads no rows of.
    (
        "rep@acme.example",
        "query Q($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } "
        "c: node(id: \"bm9wZQ==\") { id } }",
        {"a": _gid("Deal", 9000), "b": _gid("Partner", 2)},
    ),
    # Every node type through inline fragments.
    (
        "admin@vendor.example",
        """query Q($p: ID!, $d: ID!) { n1: node(id: $d) { __typename ... on Deal { status
            hasConflict } ... on Partner { channelManager { email } } }
            n2: node(id: $p) { __typename ... on Deal { status } ... on Partner { slug
            channelManager { email name role } } } }""",
        {"p": _gid("Partner", 1), "d": _gid("Deal", 1)},
    ),
    # `first` over the maximum: a non-null field's error nulls the whole data.
    ("admin@vendor.example", "{ deals(first: 1000) { totalCount } }", {}),
    # Over the maximum in a nested list: null propagates to the nullable parent only.
    (
        "admin@vendor.example",
        '{ partner(slug: "acme") { slug deals(first: 500) { totalCount } } '
        "courses(first: 2) { nodes { code } } }",
        {},
    ),
    # Paging with a cursor, filters, ordering, edges and page info.
    (
        "admin@vendor.example",
        """{ deals(first: 3, filter: {statuses: [WON]}, orderBy: {field: AMOUNT, direction: DESC})
            { edges { cursor node { amount } } pageInfo { hasNextPage endCursor startCursor
            hasPreviousPage } } }""",
        {},
    ),
    ("admin@vendor.example", '{ deals(first: 2, after: "garbage") { nodes { id } } }', {}),
    # Leads: a partner's view hides score; the analyst's hides contacts.
    (
        "analyst@vendor.example",
        "{ leads(first: 4) { nodes { email phone score status partner { slug } assignee { email } "
        "convertedDeal { id } } } }",
        {},
    ),
    (
        "admin@acme.example",
        "{ leads(first: 4) { nodes { email score } } partner(slug: \"acme\") { leads(first: 2) "
        "{ totalCount nodes { company } } } }",
        {},
    ),
    # Ordering by a field the caller may not read is refused.
    (
        "rep@acme.example",
        "{ partners(first: 2, orderBy: {field: NAME}) { nodes { slug deals(first: 2) "
        "{ nodes { id } } } } leads(first: 2, orderBy: {field: SCORE}) { totalCount } }",
        {},
    ),
    # Fields whose resolvers build Strawberry objects: called on the row's object.
    (
        "admin@acme.example",
        "{ tiers { level name minWonRevenue } partner(slug: \"acme\") { tierProgress { percent "
        "currentTier { level } nextTier { name } } apiKeys { name scopes } } "
        "pipeline(groupBy: [STAGE]) { keys { stage } count amount } }",
        {},
    ),
    # A resolver that reads more of its Info than the context (the schema, to print it).
    ("admin@vendor.example", "{ _service { sdl } }", {}),
    ("rep@acme.example", "{ _service { sdl } }", {}),
    # Denials in two branches that wait on different queries (their errors' order is a race).
    (
        "rep@acme.example",
        '{ partner(slug: "acme") { slug apiKeys { name } } deals(first: 3) { nodes { conflicts '
        "{ id } hasConflict } } }",
        {},
    ),
    (
        "admin@vendor.example",
        "{ courses(first: 2) { nodes { code level hours enrollments(first: 2) { totalCount "
        "nodes { status user { email } course { title } } } } } }",
        {},
    ),
]


@pytest.mark.parametrize(("caller", "query", "variables"), EDGE_CASES)
async def test_edge_cases(
    both_paths: Callable[[str], Paths], caller: str, query: str, variables: dict[str, Any]
) -> None:
    assert compiled_plan(SCHEMA, query, variables) is not None
    interpreted, compiled = await both_paths(caller).ask(query, variables)
    _assert_same(interpreted, compiled)
