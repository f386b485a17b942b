"""`where` operators, boolean combinators, date operands, parent filters and `orderBy`, each
checked against the same records filtered or sorted in Python."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.crm_sandbox.conftest import CrmClient

OPPORTUNITY_FIELDS = (
    "Id Name { value } Amount { value } StageName { value } CloseDate { value } IsWon { value }"
    " PartnerAccountId { value } SystemModstamp { value }"
)
LEAD_FIELDS = "Id Company { value } Phone { value } LeadSource { value } Status { value }"
Node = dict[str, Any]


async def _nodes(
    crm: CrmClient, name: str, fields: str, where: str = "", order: str = ""
) -> list[Node]:
    arguments = ", ".join(p for p in ("first: 2000", where and f"where: {where}",
                                      order and f"orderBy: {order}") if p)  # fmt: skip
    data = await crm.data(
        f"{{ uiapi {{ query {{ {name}({arguments}) {{ edges {{ node {{ {fields} }} }} }} }} }} }}"
    )
    return [edge["node"] for edge in data["uiapi"]["query"][name]["edges"]]


def _value(node: Node, field: str) -> Any:
    return node[field]["value"]


@pytest.fixture(scope="module")
async def opportunities(crm: CrmClient) -> list[Node]:
    return await _nodes(crm, "Opportunity", OPPORTUNITY_FIELDS)


@pytest.fixture(scope="module")
async def leads(crm: CrmClient) -> list[Node]:
    return await _nodes(crm, "Lead", LEAD_FIELDS)


async def _check(
    crm: CrmClient, name: str, where: str, records: list[Node], keep: Callable[[Node], bool]
) -> None:
    got = {n["Id"] for n in await _nodes(crm, name, "Id", where)}
    expected = {n["Id"] for n in records if keep(n)}
    assert got == expected
    assert 0 < len(expected) < len(records), f"{where} does not discriminate"


def _median_amount(opportunities: list[Node]) -> float:
    amounts = sorted(_value(n, "Amount") for n in opportunities)
    return float(amounts[len(amounts) // 2])


async def test_string_eq_is_case_insensitive(crm: CrmClient, opportunities: list[Node]) -> None:
    name = _value(opportunities[0], "Name")
    await _check(
        crm, "Opportunity", f'{{ Name: {{ eq: "{name.upper()}" }} }}', opportunities,
        lambda n: _value(n, "Name").lower() == name.lower(),
    )  # fmt: skip


async def test_ne_keeps_nulls(crm: CrmClient, leads: list[Node]) -> None:
    phone = next(_value(n, "Phone") for n in leads if _value(n, "Phone"))
    await _check(
        crm, "Lead", f'{{ Phone: {{ ne: "{phone}" }} }}', leads,
        lambda n: _value(n, "Phone") != phone,
    )  # fmt: skip
    assert any(_value(n, "Phone") is None for n in leads)


@pytest.mark.parametrize(
    ("op", "keep"),
    [
        ("lt", lambda a, m: a < m),
        ("gt", lambda a, m: a > m),
        ("lte", lambda a, m: a <= m),
        ("gte", lambda a, m: a >= m),
        ("eq", lambda a, m: a == m),
        ("ne", lambda a, m: a != m),
    ],
)
async def test_comparisons_on_currency(
    crm: CrmClient, opportunities: list[Node], op: str, keep: Callable[[float, float], bool]
) -> None:
    median = _median_amount(opportunities)
    await _check(
        crm, "Opportunity", f"{{ Amount: {{ {op}: {median} }} }}", opportunities,
        lambda n: keep(_value(n, "Amount"), median),
    )  # fmt: skip


async def test_two_operators_on_one_field_are_anded(
    crm: CrmClient, opportunities: list[Node]
) -> None:
    amounts = sorted(_value(n, "Amount") for n in opportunities)
    low, high = amounts[len(amounts) // 4], amounts[3 * len(amounts) // 4]
    await _check(
        crm, "Opportunity", f"{{ Amount: {{ gt: {low}, lt: {high} }} }}", opportunities,
        lambda n: low < _value(n, "Amount") < high,
    )  # fmt: skip


async def test_like_is_a_case_insensitive_pattern(
    crm: CrmClient, opportunities: list[Node]
) -> None:
    await _check(
        crm, "Opportunity", '{ Name: { like: "%A%" } }', opportunities,
        lambda n: "a" in _value(n, "Name").lower(),
    )  # fmt: skip
    await _check(
        crm, "Opportunity", '{ Name: { like: "S%" } }', opportunities,
        lambda n: _value(n, "Name").lower().startswith("s"),
    )  # fmt: skip


async def test_in_and_nin(crm: CrmClient, opportunities: list[Node], leads: list[Node]) -> None:
    stages = ["Closed Won", "closed lost"]
    await _check(
        crm, "Opportunity", '{ StageName: { in: ["Closed Won", "closed lost"] } }', opportunities,
        lambda n: _value(n, "StageName").lower() in [s.lower() for s in stages],
    )  # fmt: skip
    await _check(
        crm, "Opportunity", '{ StageName: { nin: ["Closed Won", "Closed Lost"] } }',
        opportunities, lambda n: _value(n, "StageName") not in ("Closed Won", "Closed Lost"),
    )  # fmt: skip
    ids = [n["Id"] for n in leads[:3]]
    id_list = ", ".join(f'"{i}"' for i in ids)
    await _check(crm, "Lead", f"{{ Id: {{ in: [{id_list}] }} }}", leads, lambda n: n["Id"] in ids)
    # A nin keeps records whose value is null, as SOQL's NOT IN does.
    phones = [_value(n, "Phone") for n in leads if _value(n, "Phone")][:2]
    phone_list = ", ".join(f'"{p}"' for p in phones)
    await _check(
        crm, "Lead", f"{{ Phone: {{ nin: [{phone_list}] }} }}", leads,
        lambda n: _value(n, "Phone") not in phones,
    )  # fmt: skip


async def test_null_operands_and_booleans(
    crm: CrmClient, leads: list[Node], opportunities: list[Node]
) -> None:
    await _check(
        crm, "Lead", "{ Phone: { eq: null } }", leads, lambda n: _value(n, "Phone") is None
    )
    await _check(
        crm, "Lead", "{ Phone: { ne: null } }", leads, lambda n: _value(n, "Phone") is not None
    )
    await _check(
        crm, "Opportunity", "{ IsWon: { eq: true } }", opportunities,
        lambda n: _value(n, "IsWon") is True,
    )  # fmt: skip


async def test_and_or_not(crm: CrmClient, opportunities: list[Node]) -> None:
    median = _median_amount(opportunities)

    def won(n: Node) -> bool:
        return bool(_value(n, "IsWon"))

    def big(n: Node) -> bool:
        return bool(_value(n, "Amount") > median)

    await _check(
        crm, "Opportunity",
        f"{{ and: [{{ IsWon: {{ eq: true }} }}, {{ Amount: {{ gt: {median} }} }}] }}",
        opportunities, lambda n: won(n) and big(n),
    )  # fmt: skip
    await _check(
        crm, "Opportunity",
        f"{{ or: [{{ IsWon: {{ eq: true }} }}, {{ Amount: {{ gt: {median} }} }}] }}",
        opportunities, lambda n: won(n) or big(n),
    )  # fmt: skip
    await _check(
        crm, "Opportunity", f"{{ not: {{ Amount: {{ gt: {median} }} }} }}", opportunities,
        lambda n: not big(n),
    )  # fmt: skip
    await _check(
        crm, "Opportunity",
        f"{{ not: {{ or: [{{ IsWon: {{ eq: true }} }}, {{ Amount: {{ gt: {median} }} }}] }} }}",
        opportunities, lambda n: not (won(n) or big(n)),
    )  # fmt: skip


async def test_wrapped_date_and_datetime_values(crm: CrmClient, opportunities: list[Node]) -> None:
    days = sorted(_value(n, "CloseDate") for n in opportunities)
    middle = days[len(days) // 2]
    await _check(
        crm, "Opportunity", f'{{ CloseDate: {{ gte: {{ value: "{middle}" }} }} }}', opportunities,
        lambda n: _value(n, "CloseDate") >= middle,
    )  # fmt: skip
    stamps = sorted(_value(n, "SystemModstamp") for n in opportunities)
    since = stamps[len(stamps) // 3]
    await _check(
        crm, "Opportunity", f'{{ SystemModstamp: {{ gt: {{ value: "{since}" }} }} }}',
        opportunities, lambda n: _value(n, "SystemModstamp") > since,
    )  # fmt: skip
    await _check(
        crm, "Opportunity", f'{{ CloseDate: {{ eq: {{ value: "{middle}" }} }} }}', opportunities,
        lambda n: _value(n, "CloseDate") == middle,
    )  # fmt: skip


async def test_date_literals(crm: CrmClient, opportunities: list[Node]) -> None:
    today = datetime.now(UTC).date()

    def closes(n: Node) -> date:
        return date.fromisoformat(_value(n, "CloseDate"))

    await _check(
        crm, "Opportunity", "{ CloseDate: { lt: { literal: TODAY } } }", opportunities,
        lambda n: closes(n) < today,
    )  # fmt: skip
    await _check(
        crm, "Opportunity", "{ CloseDate: { gte: { literal: TODAY } } }", opportunities,
        lambda n: closes(n) >= today,
    )  # fmt: skip
    await _check(
        crm, "Opportunity", "{ CloseDate: { ne: { literal: THIS_YEAR } } }", opportunities,
        lambda n: closes(n).year != today.year,
    )  # fmt: skip
    await _check(
        crm, "Opportunity", "{ SystemModstamp: { lt: { literal: LAST_90_DAYS } } }",
        opportunities,
        lambda n: datetime.fromisoformat(_value(n, "SystemModstamp")).date()
        < today.fromordinal(today.toordinal() - 90),
    )  # fmt: skip


async def test_a_date_operand_needs_exactly_one_form(crm: CrmClient) -> None:
    errors = await crm.errors(
        '{ uiapi { query { Opportunity(where: { CloseDate: { gt: { value: "2026-01-01",'
        " literal: TODAY } } }) { totalCount } } } }"
    )
    assert errors[0]["extensions"]["ErrorType"] == "ValidationError"
    assert "exactly one" in errors[0]["message"]


async def test_parent_relationship_filter(crm: CrmClient, opportunities: list[Node]) -> None:
    accounts = await _nodes(crm, "Account", "Id Name { value }", "{ IsPartner: { eq: true } }")
    partner = accounts[0]
    await _check(
        crm, "Opportunity",
        f'{{ PartnerAccount: {{ Name: {{ eq: "{_value(partner, "Name")}" }} }} }}',
        opportunities, lambda n: _value(n, "PartnerAccountId") == partner["Id"],
    )  # fmt: skip


async def test_values_are_bound_never_pasted(crm: CrmClient, leads: list[Node]) -> None:
    hostile = "x' OR '1'='1"
    got = await _nodes(crm, "Lead", "Id", f'{{ Company: {{ eq: "{hostile}" }} }}')
    assert got == []
    assert len(await _nodes(crm, "Lead", "Id")) == len(leads)


def _amounts(nodes: list[Node]) -> list[Decimal]:
    return [Decimal(str(_value(n, "Amount"))) for n in nodes]


async def test_order_by_direction_and_key_order(crm: CrmClient, opportunities: list[Node]) -> None:
    descending = await _nodes(crm, "Opportunity", OPPORTUNITY_FIELDS,
                              order="{ Amount: { order: DESC } }")  # fmt: skip
    assert _amounts(descending) == sorted(_amounts(opportunities), reverse=True)

    won_first = await _nodes(
        crm, "Opportunity", OPPORTUNITY_FIELDS,
        order="{ IsWon: { order: DESC }, CloseDate: { order: ASC } }",
    )  # fmt: skip
    keys = [(not _value(n, "IsWon"), _value(n, "CloseDate")) for n in won_first]
    assert keys == sorted(keys)
    by_date = await _nodes(
        crm, "Opportunity", OPPORTUNITY_FIELDS,
        order="{ CloseDate: { order: ASC }, IsWon: { order: DESC } }",
    )  # fmt: skip
    dates = [_value(n, "CloseDate") for n in by_date]
    assert dates == sorted(dates)
    assert [n["Id"] for n in by_date] != [n["Id"] for n in won_first]


async def test_order_by_key_order_from_variables(crm: CrmClient) -> None:
    query = (
        "query($order: Opportunity_OrderBy) { uiapi { query { Opportunity(first: 2000,"
        " orderBy: $order) { edges { node { CloseDate { value } IsWon { value } } } } } } }"
    )
    data = await crm.data(
        query, {"order": {"IsWon": {"order": "DESC"}, "CloseDate": {"order": "ASC"}}}
    )
    nodes = [e["node"] for e in data["uiapi"]["query"]["Opportunity"]["edges"]]
    keys = [(not _value(n, "IsWon"), _value(n, "CloseDate")) for n in nodes]
    assert keys == sorted(keys)


async def test_nulls_first_by_default_and_last_on_request(
    crm: CrmClient, leads: list[Node]
) -> None:
    nulls = sum(1 for n in leads if _value(n, "Phone") is None)
    assert 0 < nulls < len(leads)
    first = await _nodes(crm, "Lead", LEAD_FIELDS, order="{ Phone: { order: ASC } }")
    assert all(_value(n, "Phone") is None for n in first[:nulls])
    last = await _nodes(crm, "Lead", LEAD_FIELDS,
                        order="{ Phone: { order: DESC, nulls: LAST } }")  # fmt: skip
    assert all(_value(n, "Phone") is None for n in last[-nulls:])
    assert _value(last[0], "Phone") is not None
