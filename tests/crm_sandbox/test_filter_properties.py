"""Random `where` trees (every operator, and/or/not, several fields at one level) answer exactly
the records a Python evaluation of the same tree keeps."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from gateway.crm_sandbox.objects import STAGES
from tests.support.crm_sandbox import API, RunningSandbox

Where = dict[str, Any]
Node = dict[str, Any]
QUERY = (
    "query($where: Opportunity_Filter) { uiapi { query { Opportunity(first: 2000,"
    " where: $where) { edges { node { Id Name { value } Amount { value } StageName { value }"
    " IsWon { value } CloseDate { value } } } } } } }"
)
COMPARISONS = ("eq", "ne", "lt", "gt", "lte", "gte")


class Sandbox:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.token = token

    def nodes(self, where: Where | None) -> list[Node]:
        response = self.http.post(
            f"{API}/graphql",
            json={"query": QUERY, "variables": {"where": where}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body = response.json()
        assert "errors" not in body, body
        return [
            {k: v["value"] if isinstance(v, dict) else v for k, v in e["node"].items()}
            for e in body["data"]["uiapi"]["query"]["Opportunity"]["edges"]
        ]


@pytest.fixture(scope="module")
def sandbox(read_sandbox: RunningSandbox) -> Iterator[Sandbox]:
    """Synchronous HTTP, so hypothesis drives a plain function; the sandbox has its own loop."""
    with httpx.Client(base_url=read_sandbox.url, timeout=30) as http:
        token = http.post(
            "/services/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": read_sandbox.client_id,
                  "client_secret": read_sandbox.client_secret},
        ).json()["access_token"]  # fmt: skip
        yield Sandbox(http, token)


def _compare(op: str, left: Any, right: Any) -> bool:
    return bool({
        "eq": left == right, "ne": left != right, "lt": left < right, "gt": left > right,
        "lte": left <= right, "gte": left >= right,
    }[op])  # fmt: skip


amounts = st.integers(5_000, 300_000)
stages = st.sampled_from(STAGES).flatmap(lambda s: st.sampled_from([s, s.upper(), s.lower()]))
days = st.dates().map(lambda d: d.isoformat()).filter(lambda d: "2023" <= d <= "2028")
leaves: st.SearchStrategy[Where] = st.one_of(
    st.builds(lambda op, v: {"Amount": {op: v}}, st.sampled_from(COMPARISONS), amounts),
    st.builds(lambda lo, hi: {"Amount": {"gt": lo, "lt": hi}}, amounts, amounts),
    st.builds(lambda op, v: {"StageName": {op: v}}, st.sampled_from(("eq", "ne")), stages),
    st.builds(
        lambda op, vs: {"StageName": {op: vs}},
        st.sampled_from(("in", "nin")),
        st.lists(stages, max_size=3),
    ),  # fmt: skip
    st.builds(lambda op, v: {"IsWon": {op: v}}, st.sampled_from(("eq", "ne")), st.booleans()),
    st.builds(lambda s: {"Name": {"like": f"%{s}%"}}, st.sampled_from("aeiorstnl")),
    st.builds(lambda op, d: {"CloseDate": {op: {"value": d}}}, st.sampled_from(COMPARISONS), days),
)


def _merged(parts: list[Where]) -> Where:
    """Several fields at one level (ANDed); a field given twice keeps its last operators."""
    merged: Where = {}
    for part in parts:
        merged.update(part)
    return merged


wheres: st.SearchStrategy[Where] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"and": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"or": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
        st.builds(_merged, st.lists(inner, min_size=2, max_size=3)),
    ),
    max_leaves=6,
)


def keeps(where: Where, node: Node) -> bool:
    """The contract's semantics, evaluated in Python."""
    for key, condition in where.items():
        if key == "and" and not all(keeps(sub, node) for sub in condition):
            return False
        if key == "or" and not any(keeps(sub, node) for sub in condition):
            return False
        if key == "not" and keeps(condition, node):
            return False
        if key not in ("and", "or", "not") and not _field_keeps(key, condition, node[key]):
            return False
    return True


def _field_keeps(field: str, operators: dict[str, Any], value: Any) -> bool:
    for op, operand in operators.items():
        if field == "Amount":
            kept = _compare(op, Decimal(str(value)), Decimal(operand))
        elif field == "StageName":
            folded = value.lower()
            if op in ("in", "nin"):
                kept = (folded in [o.lower() for o in operand]) == (op == "in")
            else:
                kept = _compare(op, folded, operand.lower())
        elif field == "IsWon":
            kept = _compare(op, value, operand)
        elif field == "Name":
            kept = operand.strip("%").lower() in value.lower()
        else:  # CloseDate: ISO dates compare as strings
            kept = _compare(op, value, operand["value"])
        if not kept:
            return False
    return True


@pytest.fixture(scope="module")
def records(sandbox: Sandbox) -> list[Node]:
    return sandbox.nodes(None)


@settings(max_examples=60, deadline=None)
@given(where=wheres)
def test_random_filters_match_a_python_evaluation(
    sandbox: Sandbox, records: list[Node], where: Where
) -> None:
    note(f"where: {where}")
    got = {node["Id"] for node in sandbox.nodes(where)}
    assert got == {node["Id"] for node in records if keeps(where, node)}
