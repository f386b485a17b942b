"""GraphQL over HTTP: media types, status codes and what is refused before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gateway.http.negotiation import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    UnsupportedBody,
    check_request_content_type,
    negotiate,
)
from tests.support.graphql import GraphQLClient

NEW = {"accept": GRAPHQL_RESPONSE_JSON}
OLD = {"accept": JSON}
# Eleven levels: over the partner limit of 10, so refused before execution.
TOO_DEEP = (
    "{ deals(first: 1) { nodes { partner { deals(first: 1) { nodes { partner { "
    "deals(first: 1) { nodes { partner { deals(first: 1) { nodes { id } } } } } } } } } } } }"
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),  # no Accept: the spec's rule for older clients
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, {JSON};q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, {JSON}", JSON),
        (f"{JSON}, */*", JSON),
        (f"{JSON};q=0, */*", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8", GRAPHQL_RESPONSE_JSON),
        (f"{JSON}; charset=iso-8859-1", None),  # we answer in UTF-8 only
        ("text/html", None),
        ("multipart/mixed;subscriptionSpec=1.0", None),
        (f"{JSON};q=0", None),
    ],
)
def test_accept_negotiation(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "application/x-www-form-urlencoded", f"{JSON}; charset=latin-1"],
)
def test_unreadable_bodies(content_type: str | None) -> None:
    with pytest.raises(UnsupportedBody):
        check_request_content_type(content_type)


@pytest.mark.parametrize("content_type", [JSON, f"{JSON}; charset=utf-8", "Application/JSON"])
def test_readable_bodies(content_type: str) -> None:
    check_request_content_type(content_type)


async def post(
    client: GraphQLClient, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.http.post(
        "/graphql", json=body, headers={**client.headers, **(headers or {})}
    )


def only_error(response: httpx.Response) -> dict[str, Any]:
    (error,) = response.json()["errors"]
    assert isinstance(error, dict)
    return error


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ notAField }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query Q($id: ID!) { node(id: $id) { id } }", "variables": {"id": None}},
            "BAD_USER_INPUT",
        ),
    ],
)
async def test_request_errors_are_400_without_data_for_the_new_media_type(
    client: GraphQLClient, body: dict[str, Any], code: str
) -> None:
    new = await post(client, body, NEW)
    assert new.status_code == 400, new.text
    assert new.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    assert "data" not in new.json()
    assert only_error(new)["extensions"]["code"] == code
    # Older clients keep the 200 they were written for.
    old = await post(client, body, OLD)
    assert old.status_code == 200, old.text
    assert old.headers["content-type"] == f"{JSON}; charset=utf-8"
    assert only_error(old)["extensions"]["code"] == code


async def test_operation_limits_refuse_with_400_for_the_new_media_type(
    as_user: Callable[[str], GraphQLClient],
) -> None:
    rep = as_user("rep@acme.example")
    response = await post(rep, {"query": TOO_DEEP}, NEW)
    assert response.status_code == 400, response.text
    assert "data" not in response.json()
    error = only_error(response)
    assert error["extensions"]["code"] == "OPERATION_TOO_COMPLEX"
    assert error["extensions"]["limit"]["name"] == "depth"


async def test_execution_errors_keep_200_and_their_data(
    as_user: Callable[[str], GraphQLClient],
) -> None:
    rep = as_user("rep@acme.example")
    response = await post(rep, {"query": "{ deals(first: 1) { nodes { internalNotes } } }"}, NEW)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"]["deals"]["nodes"][0] == {"internalNotes": None}
    assert only_error(response)["extensions"]["code"] == "FORBIDDEN"


async def test_queries_over_get(client: GraphQLClient) -> None:
    response = await client.http.get(
        "/graphql",
        params={"query": "query T($n: Int!) { tiers { level } deals(first: $n) { totalCount } }",
                "variables": '{"n": 1}'},
        headers={**client.headers, **NEW},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    assert response.json()["data"]["deals"]["totalCount"] > 0


async def test_mutations_over_get_are_405_with_allow(client: GraphQLClient) -> None:
    for accept in (NEW, OLD):
        response = await client.http.get(
            "/graphql",
            params={"query": 'mutation { rejectDeal(input: {id: "x", reason: "y"}) { userErrors '
                    "{ code } } }"},
            headers={**client.headers, **accept},
        )
        assert response.status_code == 405, response.text
        assert response.headers["allow"] == "POST"
        assert only_error(response)["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_unacceptable_accept_is_406(client: GraphQLClient) -> None:
    response = await post(client, {"query": "{ tiers { level } }"}, {"accept": "text/csv"})
    assert response.status_code == 406, response.text
    assert response.headers["content-type"].startswith(JSON)
    assert only_error(response)["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    "content_type", ["text/plain", f"{JSON}; charset=latin-1", "application/graphql"]
)
async def test_unsupported_content_types_are_415(client: GraphQLClient, content_type: str) -> None:
    response = await client.http.post(
        "/graphql",
        content=b'{"query": "{ tiers { level } }"}',
        headers={**client.headers, **NEW, "content-type": content_type},
    )
    assert response.status_code == 415, response.text
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    assert only_error(response)["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_a_utf8_charset_is_read(client: GraphQLClient) -> None:
    response = await client.http.post(
        "/graphql",
        content='{"query": "{ __type(name: \\"Run🏃\\") { name } }"}'.encode(),
        headers={**client.headers, "content-type": f"{JSON}; charset=UTF-8"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__type": None}}


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"5", "JSON object"),
        (b"null", "JSON object"),
        (b'{"query": "{ tiers { level } }", "operationName": 0}', "operationName"),
        (b'{"query": "{ tiers { level } }", "variables": "x"}', "variables"),
        (b'{"query": "\xff\xfe"}', "JSON"),  # not UTF-8
        (b"", "JSON"),
    ],
)
async def test_malformed_requests_are_400_with_a_code(
    client: GraphQLClient, content: bytes, fragment: str
) -> None:
    response = await client.http.post(
        "/graphql",
        content=content,
        headers={**client.headers, **NEW, "content-type": JSON},
    )
    assert response.status_code == 400, response.text
    error = only_error(response)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert fragment in error["message"]


async def test_credentials_are_still_checked_first(anonymous: GraphQLClient) -> None:
    response = await post(anonymous, {"query": "{ tiers { level } }"}, NEW)
    assert response.status_code == 401
    assert "www-authenticate" in response.headers
