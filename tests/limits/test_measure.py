"""The measure counts structure, never names, and does not loop on fragment cycles."""

from __future__ import annotations

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gateway.limits.measure import Measure, count_tokens, measure
from gateway.schema.schema import build_schema

SCHEMA = build_schema()._schema


def _measure(query: str) -> Measure:
    document = parse(query)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return measure(SCHEMA, operation, fragments, {}, 100)


def test_depth_counts_from_the_root_fields() -> None:
    assert _measure("{ tiers { name } }").depth == 1
    assert _measure("{ __typename }").depth == 0


def test_cost_multiplies_by_first() -> None:
    ten = _measure("{ partners(first: 10) { nodes { deals(first: 10) { nodes { id } } } } }")
    hundred = _measure("{ partners(first: 100) { nodes { deals(first: 100) { nodes { id } } } } }")
    # partners, nodes: 1 + 10; deals, nodes under each partner: 10 + 10 x 10 (or 100 x 100)
    assert ten.cost == 1 + 10 + 10 + 100
    assert hundred.cost == 1 + 100 + 100 + 10_000


def test_first_from_variables_and_defaults() -> None:
    document = parse("query($n: Int!) { deals(first: $n) { nodes { id } } }")
    [operation] = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert measure(SCHEMA, operation, {}, {"n": 7}, 100).cost == 1 + 7
    assert _measure("{ deals { nodes { id } } }").cost == 1 + 20  # the schema's default page


def test_names_do_not_matter() -> None:
    plain = _measure(
        "query Q { partners(first: 9) { nodes { ...F } } } "
        "fragment F on Partner { deals(first: 9) { nodes { owner { email } } } }"
    )
    named = _measure(
        "query __schema { partners(first: 9) { nodes { ...__type } } } "
        "fragment __type on Partner { deals(first: 9) { nodes { owner { email } } } }"
    )
    assert (plain.depth, plain.cost, plain.aliases) == (named.depth, named.cost, named.aliases)
    assert not named.introspection


def test_fragment_cycle_does_not_loop() -> None:
    # Validation rejects this before the limits see it; the measure must still end.
    m = _measure(
        "{ partners(first: 1) { nodes { ...A } } } "
        "fragment A on Partner { deals(first: 1) { nodes { partner { ...A } } } }"
    )
    assert m.depth >= 3


def test_repeated_fields_are_aliases_renamed_ones_are_not() -> None:
    assert _measure("{ deals(first: 1) { nodes { a: id b: amount } } }").aliases == 0
    assert _measure("{ a: tiers { name } b: tiers { name } c: tiers { name } }").aliases == 2


def test_tokens_stop_counting_past_the_limit() -> None:
    assert count_tokens("{ tiers { name } }", 100) == 6
    assert count_tokens("{ " + "a " * 1000 + "}", 10) == 11
