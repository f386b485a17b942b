"""Every way a credential can fail, over HTTP: 401, a challenge, a clear code, no data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from gateway.auth.jwt_tokens import mint_token
from tests.support.auth import TEST_AUTH
from tests.support.graphql import GraphQLClient

QUERY = "{ deals(first: 1) { totalCount } }"


async def _refused(anonymous: GraphQLClient, headers: dict[str, str], code: str) -> None:
    response = await anonymous.as_(headers).post(QUERY)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer realm="partner-gateway"')
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == code
    assert "data" not in body


async def test_no_credentials(anonymous: GraphQLClient) -> None:
    response = await anonymous.post(QUERY)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="partner-gateway"'
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_graphiql_page_and_probes_stay_open(anonymous: GraphQLClient) -> None:
    page = await anonymous.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    for path in ("/healthz", "/metrics"):
        assert (await anonymous.http.get(path)).status_code == 200


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer not.a.jwt", "INVALID_TOKEN"),
        ("Bearer ", "INVALID_TOKEN"),
        ("Basic dXNlcjpwYXNz", "INVALID_TOKEN"),
    ],
)
async def test_malformed_tokens(anonymous: GraphQLClient, header: str, code: str) -> None:
    await _refused(anonymous, {"authorization": header}, code)


async def test_expired_token(anonymous: GraphQLClient) -> None:
    token = mint_token(
        TEST_AUTH,
        "rep@acme.example",
        ["partner_rep"],
        "acme",
        timedelta(minutes=5),
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    await _refused(anonymous, {"authorization": f"Bearer {token}"}, "TOKEN_EXPIRED")


async def test_token_signed_with_another_secret(anonymous: GraphQLClient) -> None:
    forged_settings = type(TEST_AUTH)(jwt_secret="another-secret-entirely-" + "y" * 32)
    token = mint_token(
        forged_settings, "admin@vendor.example", ["vendor_admin"], None, timedelta(hours=1)
    )
    await _refused(anonymous, {"authorization": f"Bearer {token}"}, "INVALID_TOKEN")


async def test_token_for_an_unknown_person(anonymous: GraphQLClient) -> None:
    token = mint_token(
        TEST_AUTH, "ghost@nowhere.example", ["vendor_admin"], None, timedelta(hours=1)
    )
    await _refused(anonymous, {"authorization": f"Bearer {token}"}, "UNKNOWN_ACCOUNT")


async def test_token_claiming_more_than_the_database_gives(anonymous: GraphQLClient) -> None:
    token = mint_token(TEST_AUTH, "rep@acme.example", ["vendor_admin"], None, timedelta(hours=1))
    await _refused(anonymous, {"authorization": f"Bearer {token}"}, "INVALID_TOKEN")


async def test_bad_api_keys(anonymous: GraphQLClient) -> None:
    await _refused(anonymous, {"x-api-key": "not-a-key"}, "INVALID_API_KEY")
    await _refused(anonymous, {"x-api-key": "pgw_abcdefabcdef_" + "A" * 43}, "INVALID_API_KEY")


async def test_both_credentials_at_once(
    anonymous: GraphQLClient, tokens: Callable[[str], str]
) -> None:
    headers = {
        "authorization": f"Bearer {tokens('rep@acme.example')}",
        "x-api-key": "pgw_abcdefabcdef_" + "A" * 43,
    }
    await _refused(anonymous, headers, "CONFLICTING_CREDENTIALS")
