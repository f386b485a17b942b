"""Reading records: the node shape, forward paging with cursors, totalCount, and soft deletes."""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.crm_sandbox.conftest import CrmClient

PAGE = """
query Page($first: Int, $after: String) {
  uiapi { query {
    Opportunity(first: $first, after: $after,
                orderBy: { SystemModstamp: { order: ASC }, Id: { order: ASC } }) {
      edges { cursor node {
        Id Name { value } Amount { value displayValue } StageName { value displayValue }
        CloseDate { value displayValue } AccountId { value } PartnerAccountId { value }
        SystemModstamp { value }
      } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  } }
}
"""


def _connection(data: dict[str, Any], name: str) -> dict[str, Any]:
    connection: dict[str, Any] = data["uiapi"]["query"][name]
    return connection


async def _database_ids(crm: CrmClient, sql: str) -> list[str]:
    conn = await asyncpg.connect(crm.sandbox.database_url)
    try:
        return [row["Id"] for row in await conn.fetch(sql)]
    finally:
        await conn.close()


async def test_paging_walks_every_record_once_in_order(crm: CrmClient) -> None:
    expected = await _database_ids(
        crm,
        'SELECT "Id" FROM opportunity WHERE NOT is_deleted '
        'ORDER BY "SystemModstamp", "Id" COLLATE "C"',
    )
    assert len(expected) > 40  # several pages of 15
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        connection = _connection(await crm.data(PAGE, {"first": 15, "after": after}), "Opportunity")
        pages += 1
        assert connection["totalCount"] == len(expected)
        seen += [edge["node"]["Id"] for edge in connection["edges"]]
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == expected
    assert pages == -(-len(expected) // 15)


async def test_nodes_carry_value_and_display_value(crm: CrmClient) -> None:
    edges = _connection(await crm.data(PAGE, {"first": 5}), "Opportunity")["edges"]
    node = edges[0]["node"]
    assert isinstance(node["Id"], str) and node["Id"].startswith("006") and len(node["Id"]) == 18
    amount = node["Amount"]
    assert isinstance(amount["value"], float)
    assert amount["displayValue"].endswith(f"{amount['value']:,.2f}")
    year, month, day = node["CloseDate"]["value"].split("-")
    assert node["CloseDate"]["displayValue"] == f"{int(month)}/{int(day)}/{year}"
    assert node["StageName"]["displayValue"] == node["StageName"]["value"]
    assert node["SystemModstamp"]["value"].endswith("Z")
    assert node["AccountId"]["value"].startswith("001")


async def test_null_values_have_null_display_values(crm: CrmClient) -> None:
    data = await crm.data(
        "{ uiapi { query { Lead(first: 1, where: { Phone: { eq: null } }) {"
        " edges { node { Phone { value displayValue } } } } } } }"
    )
    node = _connection(data, "Lead")["edges"][0]["node"]
    assert node["Phone"] == {"value": None, "displayValue": None}


async def test_default_page_is_ten(crm: CrmClient) -> None:
    data = await crm.data(
        "{ uiapi { query { Lead { edges { cursor } pageInfo { hasNextPage } } } } }"
    )
    assert len(_connection(data, "Lead")["edges"]) == 10
    assert _connection(data, "Lead")["pageInfo"]["hasNextPage"] is True


async def test_several_objects_in_one_request(crm: CrmClient) -> None:
    data = await crm.data(
        "{ uiapi { query { Account { totalCount } Lead { totalCount }"
        " partners: Account(where: { IsPartner: { eq: true } }) { totalCount } } } }"
    )
    query = data["uiapi"]["query"]
    assert query["partners"]["totalCount"] == 3  # READ_PLAN's partners
    assert query["Account"]["totalCount"] > query["partners"]["totalCount"]
    assert query["Lead"]["totalCount"] > 0


async def test_deleted_records_are_never_returned(writer: CrmClient) -> None:
    data = await writer.data(
        "{ uiapi { query { Lead(first: 1) { totalCount edges { node { Id } } } } } }"
    )
    before = _connection(data, "Lead")
    victim = before["edges"][0]["node"]["Id"]
    await writer.data(
        "mutation($id: IdOrRef!) { uiapi { LeadDelete(input: { Id: $id }) { Id } } }",
        {"id": victim},
    )
    after = await writer.data(
        "query($id: ID) { uiapi { query {"
        " Lead(where: { Id: { eq: $id } }) { totalCount }"
        " all: Lead { totalCount } } } }",
        {"id": victim},
    )
    assert after["uiapi"]["query"]["Lead"]["totalCount"] == 0
    assert after["uiapi"]["query"]["all"]["totalCount"] == before["totalCount"] - 1
