"""A bounded fuzz run against the live server: operations generated from our own schema by
hypothesis-graphql (valid ones, and invalid ones with one schema violation each), sent as a
partner rep and as the vendor admin. No answer may be a 5xx, carry an error without a stable
`extensions.code` or an INTERNAL_SERVER_ERROR, or contain SQL or a Python traceback.

The run is fixed in size and derandomized (the same operations every run): 160 valid and 40
invalid operations in all. Mutations are left out: they would change the shared database.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from graphql import GraphQLSchema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes, queries

from gateway.schema.schema import build_schema
from tests.fuzz.conftest import CALLERS, Clients
from tests.support.hygiene import checked_body, error_codes

SCHEMA: GraphQLSchema = build_schema()._schema
# Federation's `_entities` takes `_Any` representations; tests/federation covers it.
FIELDS = [name for name in SCHEMA.query_type.fields if name != "_entities"]  # type: ignore[union-attr]


def _text_or(valid: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Mostly well-formed values, sometimes any text: both must be answered cleanly."""
    return st.one_of(valid, valid, st.text(max_size=30)).map(nodes.String)


CUSTOM_SCALARS = {
    "DateTime": _text_or(st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())),
    "Date": _text_or(st.dates().map(lambda d: d.isoformat())),
    "Decimal": _text_or(st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)),
}


def _operations(mode: Mode) -> st.SearchStrategy[Any]:
    return queries(SCHEMA, fields=FIELDS, custom_scalars=CUSTOM_SCALARS, mode=mode)


def _fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,  # the same operations every run: a CI failure reproduces locally
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _codes(http: Clients, email: str, query: str) -> list[str]:
    """The error codes of the answer to `query` as `email`, after the checks every answer gets."""
    client, headers = http[email]
    response = client.post(
        "/graphql",
        json={"query": query},
        headers={**headers, "accept": "application/graphql-response+json"},
    )
    assert response.status_code < 500, (query, response.text[:2000])
    body = checked_body(response)
    codes = error_codes(body)
    assert "INTERNAL_SERVER_ERROR" not in codes, (query, body)
    return codes


@pytest.mark.parametrize("email", CALLERS)
@_fuzz_settings(80)
@given(query=_operations(Mode.POSITIVE))
def test_valid_operations(http: Clients, email: str, query: str) -> None:
    # Valid against the schema: refused only by limits, policy or the values' meaning.
    assert "GRAPHQL_PARSE_FAILED" not in _codes(http, email, query), query


@pytest.mark.parametrize("email", CALLERS)
@_fuzz_settings(20)
@given(query=_operations(Mode.NEGATIVE))
def test_invalid_operations(http: Clients, email: str, query: str) -> None:
    # One schema violation each: never answered as if it were valid.
    assert _codes(http, email, query), query
