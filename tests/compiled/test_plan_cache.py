"""Plans are compiled once per operation text, and the cache keeps no request alive."""

from __future__ import annotations

import gc
import weakref

from graphql import parse

from gateway.compiled.executor import CompiledExecutor, plan_for
from gateway.schema.schema import build_schema

SCHEMA = build_schema()._schema
QUERY = "query Q($n: Int!) { deals(first: $n) { nodes { id owner { email } } } }"


def _executor(query: str, variables: dict[str, object]) -> CompiledExecutor:
    built = CompiledExecutor.build(SCHEMA, parse(query), raw_variable_values=variables)
    assert isinstance(built, CompiledExecutor)
    return built


def test_one_plan_per_text_whatever_the_variables() -> None:
    first = plan_for(_executor(QUERY, {"n": 1}))
    again = plan_for(_executor(QUERY, {"n": 50}))
    other = plan_for(_executor(QUERY.replace("email", "firstName"), {"n": 1}))
    assert first is not None and other is not None
    assert again is first
    assert other is not first


def test_the_cache_keeps_no_executor() -> None:
    executor = _executor(QUERY.replace("id ", "id customerName "), {"n": 1})
    assert plan_for(executor) is not None
    gone = weakref.ref(executor)
    del executor
    gc.collect()
    assert gone() is None
