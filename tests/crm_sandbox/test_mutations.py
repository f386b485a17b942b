"""`uiapi(input: {allOrNone})` mutations: create, update, delete, aliases and references,
all-or-none rollback versus independent results, and a real org's write checks."""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.crm_sandbox.conftest import CrmClient

CREATE_LEAD = """
mutation Register($input: LeadCreateInput!) {
  uiapi(input: { allOrNone: true }) {
    LeadCreate(input: $input) { Record { Id SystemModstamp { value } LastName { value }
      Status { value } IsConverted { value } } }
  }
}
"""


def _lead(registration: str, **fields: Any) -> dict[str, Any]:
    return {"Lead": {"LastName": "Okafor", "Company": "Northwind", "LeadSource": "Partner",
                     "Gateway_Registration_Id__c": registration, **fields}}  # fmt: skip


async def _count(writer: CrmClient, sql: str, *args: Any) -> int:
    conn = await asyncpg.connect(writer.sandbox.database_url)
    try:
        count: int = await conn.fetchval(sql, *args)
        return count
    finally:
        await conn.close()


async def _lead_by_registration(writer: CrmClient, registration: str) -> list[dict[str, Any]]:
    data = await writer.data(
        "query($r: String) { uiapi { query { Lead(where: {"
        " Gateway_Registration_Id__c: { eq: $r } }) { edges { node { Id Company { value } } } }"
        " } } }",
        {"r": registration},
    )
    return [edge["node"] for edge in data["uiapi"]["query"]["Lead"]["edges"]]


async def test_create_returns_the_record_and_fills_defaults(writer: CrmClient) -> None:
    data = await writer.data(CREATE_LEAD, {"input": _lead("reg-1")})
    record = data["uiapi"]["LeadCreate"]["Record"]
    assert record["Id"].startswith("00Q") and len(record["Id"]) == 18
    assert record["LastName"] == {"value": "Okafor"}
    assert record["Status"] == {"value": "Open - Not Contacted"}
    assert record["IsConverted"] == {"value": False}
    assert record["SystemModstamp"]["value"].endswith("Z")
    assert [n["Id"] for n in await _lead_by_registration(writer, "reg-1")] == [record["Id"]]


async def test_update_changes_fields_and_moves_the_modstamp(writer: CrmClient) -> None:
    created = (await writer.data(CREATE_LEAD, {"input": _lead("reg-2")}))["uiapi"]["LeadCreate"]
    data = await writer.data(
        "mutation($id: IdOrRef!) { uiapi { LeadUpdate(input: { Id: $id, Lead: {"
        ' Status: "Working - Contacted", Phone: "+1 555 0100" } }) {'
        " Record { Id Status { value } Phone { value } SystemModstamp { value } } } } }",
        {"id": created["Record"]["Id"]},
    )
    record = data["uiapi"]["LeadUpdate"]["Record"]
    assert record["Status"]["value"] == "Working - Contacted"
    assert record["Phone"]["value"] == "+1 555 0100"
    assert record["SystemModstamp"]["value"] >= created["Record"]["SystemModstamp"]["value"]


async def test_opportunity_flags_follow_the_stage(writer: CrmClient) -> None:
    account = (await writer.data(
        'mutation { uiapi { AccountCreate(input: { Account: { Name: "Contoso" } }) {'
        " Record { Id } } } }"
    ))["uiapi"]["AccountCreate"]["Record"]["Id"]  # fmt: skip
    data = await writer.data(
        "mutation($account: IdOrRef) { uiapi {"
        ' o: OpportunityCreate(input: { Opportunity: { Name: "Contoso", AccountId: $account,'
        ' StageName: "Prospecting", CloseDate: "2027-03-31", Amount: 125000.5 } }) {'
        " Record { Id IsClosed { value } Amount { value displayValue } } }"
        ' w: OpportunityUpdate(input: { Id: "@{o}", Opportunity: { StageName: "Closed Won" } })'
        " { Record { IsClosed { value } IsWon { value } CloseDate { value } } } } }",
        {"account": account},
    )
    created, won = data["uiapi"]["o"]["Record"], data["uiapi"]["w"]["Record"]
    assert created["IsClosed"] == {"value": False}
    assert created["Amount"] == {"value": 125000.5, "displayValue": "USD 125,000.50"}
    assert (won["IsClosed"], won["IsWon"]) == ({"value": True}, {"value": True})
    assert won["CloseDate"] == {"value": "2027-03-31"}


async def test_delete_answers_the_id_and_a_second_delete_fails(writer: CrmClient) -> None:
    created = (await writer.data(CREATE_LEAD, {"input": _lead("reg-3")}))["uiapi"]["LeadCreate"]
    delete = "mutation($id: IdOrRef!) { uiapi { LeadDelete(input: { Id: $id }) { Id } } }"
    lead_id = created["Record"]["Id"]
    assert await writer.data(delete, {"id": lead_id}) == {"uiapi": {"LeadDelete": {"Id": lead_id}}}
    errors = await writer.errors(delete, {"id": lead_id})
    assert errors[0]["extensions"]["ErrorType"] == "DataFetchingException"
    assert errors[0]["path"] == ["uiapi", "LeadDelete"]


async def test_update_of_an_unknown_id_is_a_data_fetching_exception(writer: CrmClient) -> None:
    errors = await writer.errors(
        'mutation { uiapi { OpportunityUpdate(input: { Id: "006000000000000AAA",'
        ' Opportunity: { StageName: "Closed Lost" } }) { Record { Id } } } }'
    )
    assert errors[0]["extensions"]["ErrorType"] == "DataFetchingException"


ALIASED = """
mutation($allOrNone: Boolean) {
  uiapi(input: { allOrNone: $allOrNone }) {
    first: LeadCreate(input: { Lead: { LastName: "A", Company: "Alpha",
      Gateway_Registration_Id__c: "batch-1" } }) { Record { Id } }
    broken: LeadCreate(input: { Lead: { LastName: "B" } }) { Record { Id } }
    third: LeadCreate(input: { Lead: { LastName: "C", Company: "Gamma",
      Gateway_Registration_Id__c: "batch-3" } }) { Record { Id } }
  }
}
"""


async def test_all_or_none_rolls_every_operation_back(writer: CrmClient) -> None:
    before = await _count(writer, "SELECT count(*) FROM lead")
    body = (await writer.post(ALIASED, {"allOrNone": True})).json()
    assert body["data"] == {"uiapi": {"first": None, "broken": None, "third": None}}
    kinds = {tuple(e["path"]): e["extensions"]["ErrorType"] for e in body["errors"]}
    assert kinds == {
        ("uiapi", "first"): "ExecutionAborted",
        ("uiapi", "broken"): "ValidationError",
        ("uiapi", "third"): "ExecutionAborted",
    }
    assert "LastName" not in body["errors"][1]["message"]  # the missing one is Company
    assert "Company" in next(e["message"] for e in body["errors"] if e["path"][1] == "broken")
    assert await _count(writer, "SELECT count(*) FROM lead") == before


async def test_without_all_or_none_each_result_stands_alone(writer: CrmClient) -> None:
    before = await _count(writer, "SELECT count(*) FROM lead")
    body = (await writer.post(ALIASED, {"allOrNone": False})).json()
    assert body["data"]["uiapi"]["first"]["Record"]["Id"].startswith("00Q")
    assert body["data"]["uiapi"]["broken"] is None
    assert body["data"]["uiapi"]["third"]["Record"]["Id"].startswith("00Q")
    assert [e["path"] for e in body["errors"]] == [["uiapi", "broken"]]
    assert await _count(writer, "SELECT count(*) FROM lead") == before + 2


async def test_the_external_id_is_unique(writer: CrmClient) -> None:
    await writer.data(CREATE_LEAD, {"input": _lead("reg-dup")})
    errors = await writer.errors(CREATE_LEAD, {"input": _lead("reg-dup", Company="Other")})
    assert errors[0]["extensions"]["ErrorType"] == "ValidationError"
    assert "DUPLICATE_VALUE" in errors[0]["message"]
    assert [n["Company"]["value"] for n in await _lead_by_registration(writer, "reg-dup")] == [
        "Northwind"
    ]


async def test_restricted_picklists_and_references_are_checked(writer: CrmClient) -> None:
    bad_status = await writer.errors(CREATE_LEAD, {"input": _lead("reg-p", Status="Maybe")})
    assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in bad_status[0]["message"]
    bad_partner = await writer.errors(
        CREATE_LEAD, {"input": _lead("reg-r", PartnerAccountId="001000000000000XYZ")}
    )
    assert "INVALID_CROSS_REFERENCE_KEY" in bad_partner[0]["message"]
    for errors in (bad_status, bad_partner):
        assert errors[0]["extensions"]["ErrorType"] == "ValidationError"
    assert await _lead_by_registration(writer, "reg-p") == []
    assert await _lead_by_registration(writer, "reg-r") == []


async def test_unknown_input_fields_and_references_are_validation_errors(
    writer: CrmClient,
) -> None:
    unknown_field = await writer.errors(CREATE_LEAD, {"input": _lead("reg-u", Nickname="x")})
    assert unknown_field[0]["extensions"]["ErrorType"] == "ValidationError"
    dangling = await writer.errors(
        'mutation { uiapi { LeadUpdate(input: { Id: "@{nothing}", Lead: { Phone: "1" } }) {'
        " Record { Id } } } }"
    )
    assert dangling[0]["extensions"]["ErrorType"] == "ValidationError"


async def test_mutations_are_counted(writer: CrmClient) -> None:
    await writer.sandbox.admin.reset_stats()
    await writer.post(ALIASED, {"allOrNone": True})
    stats = await writer.sandbox.admin.stats()
    assert (stats["graphql_mutation_requests"], stats["mutations"]) == (1, 3)
    assert stats["graphql_query_requests"] == 0


async def test_text_lengths_and_email_format_are_checked(writer: CrmClient) -> None:
    too_long = await writer.errors(CREATE_LEAD, {"input": _lead("reg-long", LastName="x" * 81)})
    assert "STRING_TOO_LONG" in too_long[0]["message"]
    bad_email = await writer.errors(CREATE_LEAD, {"input": _lead("reg-mail", Email="not mail")})
    assert "INVALID_EMAIL_ADDRESS" in bad_email[0]["message"]
    for errors in (too_long, bad_email):
        assert errors[0]["extensions"]["ErrorType"] == "ValidationError"
    fits = await writer.data(CREATE_LEAD, {"input": _lead("reg-fits", LastName="x" * 80)})
    assert fits["uiapi"]["LeadCreate"]["Record"]["LastName"] == {"value": "x" * 80}
