"""One table of hostile requests, each with the answer it must get: a status and a stable
`extensions.code`, never a 5xx, a stack trace or a database message.

Operation limits one by one (depth, aliases, cost, tokens, length, root fields, introspection,
the `__schema` name bypass) are tested in tests/limits/test_operation_limits.py, the body cap and
batching in tests/limits/test_request_limits.py; here they meet the rest of what a hostile
partner sends. Injection strings in every argument are in test_injection.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.attacks import hostile
from tests.support.graphql import GraphQLClient
from tests.support.hygiene import checked_body, error_codes

REP = "rep@acme.example"
GRAPHQL_RESPONSE = "application/graphql-response+json"


@dataclass(frozen=True)
class Attack:
    name: str
    content: bytes
    status: int
    code: str | None  # None: served, with data and no error
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _q(query: str, variables: dict[str, object] | None = None) -> bytes:
    return hostile.body(query, variables)


TIERS = "{ tiers { name } }"
SLUG_QUERY = "query ($s: String!) { partner(slug: $s) { name } }"
SLUGS_QUERY = "query ($s: [String!]) { partners(first: 5, filter: {slugs: $s}) { totalCount } }"

ATTACKS = [
    # Nesting and repetition: refused before execution (or before parsing finishes).
    Attack("deep nesting, 12 levels", _q(hostile.nested(12)), 400, "GRAPHQL_VALIDATION_FAILED"),
    Attack("deep nesting, 3,000 levels", _q(hostile.nested(3000)), 400, "GRAPHQL_PARSE_FAILED"),
    Attack("alias bomb, 1,000 aliases", _q(hostile.aliases(1000)), 400, "QUERY_TOO_LARGE"),
    # Over the length limit: refused without being parsed at all.
    Attack("900 kB comment", _q("#" + "x" * 900_000 + "\n" + TIERS), 400, "QUERY_TOO_LARGE"),
    Attack("900 kB of spaces", _q(" " * 900_000 + TIERS), 400, "QUERY_TOO_LARGE"),
    Attack(
        "900 kB of tokens",
        _q(hostile.aliases(40_000)[:900_000] + " }"),
        400,
        "QUERY_TOO_LARGE",
    ),
    Attack("fragment cycle", _q(hostile.fragment_cycle()), 400, "GRAPHQL_VALIDATION_FAILED"),
    Attack(
        "fragment spread bomb, 10^8 fields",
        _q(hostile.fragment_bomb(levels=8, fan_out=10)),
        400,
        "OPERATION_TOO_COMPLEX",
    ),
    Attack(
        "aliased fragment bomb",
        _q(hostile.fragment_alias_bomb(levels=6, fan_out=6)),
        400,
        "OPERATION_TOO_COMPLEX",
    ),
    Attack(
        "directive flood, one directive 100 times",
        _q(hostile.directive_flood(100)),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    # Within the length but over the token budget: the parser itself stops at the budget.
    Attack(
        "directive flood, 800 unknown directives",
        _q(hostile.unknown_directives(800)),
        400,
        "OPERATION_TOO_COMPLEX",
    ),
    Attack(
        "directive flood, 300 unknown directives",
        _q(hostile.unknown_directives(300)),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Attack(
        "150 unused variables",
        _q(hostile.many_variables(150, used=False)),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Attack(
        "3,000 variables in use",
        _q(hostile.many_variables(3000, used=True)),
        400,
        "QUERY_TOO_LARGE",
    ),
    # Sizes: bounded by the 1 MB body, served as data or refused with a code.
    Attack(
        "900 kB string argument",
        _q(SLUG_QUERY, {"s": "x" * 900_000}),
        200,
        None,
    ),
    Attack("100,000-item list argument", _q(SLUGS_QUERY, {"s": ["x"] * 100_000}), 200, None),
    Attack("oversized variables (2 MB)", _q(SLUG_QUERY, {"s": "x" * 2_000_000}), 413,
           "REQUEST_TOO_LARGE"),
    Attack(
        "50,000 undeclared variables",
        _q(TIERS, {f"v{i}": i for i in range(50_000)}),
        200,
        None,
    ),
    # Bodies that are not a GraphQL request.
    Attack("malformed JSON", b'{"query": "{ tiers { name } }"', 400, "BAD_REQUEST"),
    Attack("invalid UTF-8 in the body", b'{"query": "{ tiers { name } }\xff\xfe"}', 400,
           "BAD_REQUEST"),
    Attack(
        "invalid UTF-8 in a variable",
        b'{"query": "query ($s: String!) { partner(slug: $s) { name } }", '
        b'"variables": {"s": "\xc3\x28"}}',
        400,
        "BAD_REQUEST",
    ),
    Attack("JSON that is not an object", b'"{ tiers { name } }"', 400, "BAD_REQUEST"),
    Attack("query that is not a string", b'{"query": 42}', 400, "BAD_REQUEST"),
    Attack("variables that are not an object", b'{"query": "{ tiers { name } }", '
           b'"variables": [1]}', 400, "BAD_REQUEST"),
    Attack("empty body", b"", 400, "BAD_REQUEST"),
    Attack("text/plain body", _q(TIERS), 415, "UNSUPPORTED_MEDIA_TYPE", content_type="text/plain"),
    Attack(
        "form-encoded body",
        b"query=%7B+tiers+%7B+name+%7D+%7D",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        content_type="application/x-www-form-urlencoded",
    ),
    Attack("XML body", b"<query>{ tiers { name } }</query>", 415, "UNSUPPORTED_MEDIA_TYPE",
           content_type="application/xml"),
    Attack(
        "JSON in another charset",
        _q(TIERS),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        content_type="application/json; charset=latin-1",
    ),
    # Text tricks: NUL bytes, look-alike and invisible characters in names.
    Attack("NUL in the query text", _q(TIERS + "\x00"), 400, "GRAPHQL_PARSE_FAILED"),
    Attack("NUL in a string argument", _q(SLUG_QUERY, {"s": "acme\x00"}), 200, "BAD_USER_INPUT"),
    Attack(
        "Cyrillic look-alike in a field name",
        _q("{ tiеrs { name } }"),  # noqa: RUF001 - the point of the test
        400,
        "GRAPHQL_PARSE_FAILED",
    ),
    Attack("zero-width space in a name", _q("{ ti\u200bers { name } }"), 400,
           "GRAPHQL_PARSE_FAILED"),
    Attack(
        "right-to-left override in an operation name",
        _q("query \u202eevil { tiers { name } }"),
        400,
        "GRAPHQL_PARSE_FAILED",
    ),
    Attack("byte-order mark before the query", _q("\ufeff" + TIERS), 200, None),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
async def test_hostile_request_is_refused_with_its_code(
    attacker: Callable[[str], GraphQLClient], attack: Attack
) -> None:
    client = attacker(REP)
    response = await client.http.post(
        client.path,
        content=attack.content,
        headers={
            **client.headers,
            "content-type": attack.content_type,
            "accept": GRAPHQL_RESPONSE,
            **attack.headers,
        },
    )
    body = checked_body(response)
    assert response.status_code == attack.status, body
    codes = error_codes(body)
    if attack.code is None:
        assert codes == [], body
        assert body["data"], body
    else:
        assert attack.code in codes, body
        if response.status_code != 200:  # refused before execution: nothing was resolved
            assert body.get("data") is None, body
