"""Error shapes and status codes: GraphQL errors with HTTP 200 and `extensions.ErrorType`,
404 for any other path or API version, 400 for a body that is not a GraphQL request."""

from __future__ import annotations

import pytest

from tests.crm_sandbox.conftest import CrmClient

NOT_FOUND = [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]


async def test_invalid_syntax(crm: CrmClient) -> None:
    response = await crm.post("{ uiapi { query { Lead(first: 1) { ")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"ErrorType": "InvalidSyntax"}
    assert body["errors"][0]["locations"][0]["line"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "{ uiapi { query { Lead { edges { node { Nope { value } } } } } } }",
        "{ uiapi { query { Lead(where: { Phone: { between: 1 } }) { totalCount } } } }",
        '{ uiapi { query { Opportunity(where: { CloseDate: { gt: { value: "soon" } } })'
        " { totalCount } } } }",
        '{ uiapi { query { Opportunity(where: { Amount: { gt: "many" } }) { totalCount } } } }',
        '{ uiapi { query { Lead(first: "ten") { totalCount } } } }',
    ],
    ids=["unknown field", "unknown operator", "bad date", "bad currency", "bad int"],
)
async def test_validation_errors(crm: CrmClient, query: str) -> None:
    response = await crm.post(query)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["ErrorType"] for e in body["errors"]] == ["ValidationError"] * len(
        body["errors"]
    )


async def test_bad_variable_values_are_validation_errors(crm: CrmClient) -> None:
    errors = await crm.errors(
        "query($since: DateTime) { uiapi { query {"
        " Lead(where: { SystemModstamp: { gt: { value: $since } } }) { totalCount } } } }",
        {"since": "yesterday"},
    )
    assert errors[0]["extensions"]["ErrorType"] == "ValidationError"
    assert "since" in errors[0]["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/services/data/v65.0/graphql"),
        ("POST", "/services/data/v66.0/graphq"),
        ("GET", "/services/data/v66.0/sobjects/Contact/deleted/"),
        ("GET", "/services/data/v66.0/sobjects/Lead/describe/"),
        ("GET", "/"),
    ],
)
async def test_any_other_path_or_version_is_404(crm: CrmClient, method: str, path: str) -> None:
    response = await crm.http.request(
        method, path, json={"query": "{ __typename }"},
        headers={"Authorization": f"Bearer {crm.token}"},
    )  # fmt: skip
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"query": 5}'])
async def test_a_body_that_is_not_a_request_is_400(crm: CrmClient, body: bytes) -> None:
    response = await crm.http.post(
        "/services/data/v66.0/graphql", content=body,
        headers={"Authorization": f"Bearer {crm.token}", "content-type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


async def test_unknown_operation_name(crm: CrmClient) -> None:
    response = await crm.http.post(
        "/services/data/v66.0/graphql",
        json={"query": "query A { uiapi { query { Lead { totalCount } } } }",
              "operationName": "B"},
        headers={"Authorization": f"Bearer {crm.token}"},
    )  # fmt: skip
    assert response.json()["errors"][0]["extensions"]["ErrorType"] == "ValidationError"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/services/data/v66.0/graphql", "POST"),
        ("GET", "/services/oauth2/token", "POST"),
        ("POST", "/services/data/v66.0/sobjects/Lead/deleted/", "GET, HEAD"),
    ],
)
async def test_a_wrong_method_is_405(crm: CrmClient, method: str, path: str, allowed: str) -> None:
    response = await crm.http.request(method, path)
    assert response.status_code == 405
    assert response.json() == [
        {
            "message": f"HTTP Method '{method}' not allowed. Allowed are {allowed}",
            "errorCode": "METHOD_NOT_ALLOWED",
        }
    ]
