"""Batched requests (BATCH_MAX_OPERATIONS): each operation runs as a request of its own, in order.

Off by default: tests/limits/test_request_limits.py keeps the refusal (BATCHING_DISABLED).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.app import create_app
from gateway.auth.jwt_tokens import mint_token
from gateway.config import ConfigError, Settings
from gateway.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON
from gateway.schema.node import from_global_id, to_global_id
from gateway.seed import SeedPlan
from gateway.store.identities import fetch_by_email
from tests.support.auth import TEST_AUTH
from tests.support.gateway_process import gateway_process
from tests.support.postgres import seeded_database

# Its own small database: the ordering test writes courses.
BATCH_PLAN = SeedPlan(partners=3, deals_per_partner=8, leads_per_partner=1, seed=11)
CAP = 4
TYPENAME = {"query": "{ __typename }"}
# Eleven levels: over the partner limit of 10, so refused before execution.
TOO_DEEP = (
    "{ deals(first: 1) { nodes { partner { deals(first: 1) { nodes { partner { "
    "deals(first: 1) { nodes { partner { deals(first: 1) { nodes { id } } } } } } } } } } } }"
)

Serve = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]
Headers = Callable[[str], dict[str, str]]


@pytest.fixture(scope="module")
async def batch_dsn(server_dsn: str) -> AsyncIterator[str]:
    async with seeded_database(server_dsn, BATCH_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def db(batch_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(batch_dsn)
    yield conn
    await conn.close()


@pytest.fixture(scope="module")
async def as_(db: asyncpg.Connection) -> Headers:
    """`as_("rep@acme.example")`: the headers of that seeded person's bearer token."""
    people = [
        r["email"]
        for r in await db.fetch(
            "SELECT email FROM vendor_users UNION ALL SELECT email FROM partner_users"
        )
    ]
    accounts = {email: (await fetch_by_email(db, email))[0] for email in people}

    def headers(email: str) -> dict[str, str]:
        account = accounts[email]
        token = mint_token(
            TEST_AUTH, email, [account.role], account.partner_slug, timedelta(hours=1)
        )
        return {"authorization": f"Bearer {token}"}

    return headers


@pytest.fixture(scope="module")
def serve(settings: Settings, batch_dsn: str) -> Serve:
    """`async with serve(batch_max_operations=3) as http:` a gateway of its own, in-process."""

    @asynccontextmanager
    async def running(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(replace(settings, **changes), batch_dsn)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://gateway.test"
            ) as http:
                yield http

    return running


@pytest.fixture(scope="module")
async def http(serve: Serve) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(batch_max_operations=CAP) as client:
        yield client


async def send(
    http: httpx.AsyncClient, headers: dict[str, str], body: Any, accept: str | None = None
) -> httpx.Response:
    extra = {"accept": accept} if accept else {}
    return await http.post("/graphql", json=body, headers={**headers, **extra})


def code(answer: dict[str, Any]) -> str:
    codes: set[str] = {error["extensions"]["code"] for error in answer["errors"]}
    assert len(codes) == 1, answer
    return codes.pop()


# --- the setting ------------------------------------------------------------------------------


def test_the_setting_is_off_unless_given(tmp_path: Path) -> None:
    assert Settings.from_env({"DATA_DIR": str(tmp_path)}).batch_max_operations == 0
    given = Settings.from_env({"DATA_DIR": str(tmp_path), "BATCH_MAX_OPERATIONS": "5"})
    assert given.batch_max_operations == 5


@pytest.mark.parametrize(
    ("raw", "message"),
    [("-1", "BATCH_MAX_OPERATIONS must be at least 0"), ("many", "must be an integer")],
)
def test_a_bad_setting_is_refused_clearly(raw: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"DATA_DIR": str(tmp_path), "BATCH_MAX_OPERATIONS": raw})


async def test_zero_refuses_batches(serve: Serve, as_: Headers) -> None:
    async with serve(batch_max_operations=0) as off:
        response = await send(off, as_("rep@acme.example"), [TYPENAME])
    assert response.status_code == 400
    assert code(response.json()) == "BATCHING_DISABLED"


# --- each operation answers as it would alone -------------------------------------------------


@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE_JSON])
async def test_each_slot_is_what_the_operation_answers_alone(
    http: httpx.AsyncClient, as_: Headers, accept: str
) -> None:
    rep = as_("rep@acme.example")
    operations: list[dict[str, Any]] = [
        {"query": "{ deals(first: 3) { nodes { id customerName } } }"},
        {"query": TOO_DEEP},  # an operation limit, measured per operation
        {"query": "{ deals("},  # unparsable
        {"query": "query($n: Int!) { deals(first: $n) { totalCount } }", "variables": {}},
    ]
    alone = [await send(http, rep, operation, accept) for operation in operations]
    batched = await send(http, rep, operations, accept)

    assert batched.status_code == 200
    assert batched.headers["content-type"] == f"{accept}; charset=utf-8"
    assert batched.json() == [response.json() for response in alone]
    answers = batched.json()
    assert len(answers[0]["data"]["deals"]["nodes"]) == 3 and "errors" not in answers[0]
    assert [code(a) for a in answers[1:]] == [
        "OPERATION_TOO_COMPLEX",
        "GRAPHQL_PARSE_FAILED",
        "BAD_USER_INPUT",
    ]
    if accept == GRAPHQL_RESPONSE_JSON:
        # Alone these were 4xx with no `data`; in the batch their slots say so by that absence.
        assert [r.status_code for r in alone] == [200, 400, 400, 400]
        assert all("data" not in answer for answer in answers[1:])
    else:
        assert [r.status_code for r in alone] == [200, 200, 200, 200]


async def test_mutations_run_in_order(http: httpx.AsyncClient, as_: Headers) -> None:
    course_code = f"BATCH-{uuid.uuid4().hex[:8].upper()}"
    create = {
        "query": "mutation($input: CreateCourseInput!) { createCourse(input: $input) { "
        "course { code } userErrors { code } } }",
        "variables": {
            "input": {
                "code": course_code,
                "title": "Batching",
                "level": "PROFESSIONAL",
                "hours": "1.5",
                "validityMonths": 12,
            }
        },
    }
    catalogue = {"query": "{ courses(first: 100) { nodes { code } } }"}
    response = await send(http, as_("cm@vendor.example"), [catalogue, create, create, catalogue])

    assert response.status_code == 200
    before, first, second, after = response.json()
    assert course_code not in {n["code"] for n in before["data"]["courses"]["nodes"]}
    assert first["data"]["createCourse"] == {"course": {"code": course_code}, "userErrors": []}
    assert second["data"]["createCourse"] == {
        "course": None,
        "userErrors": [{"code": "ALREADY_EXISTS"}],
    }
    assert course_code in {n["code"] for n in after["data"]["courses"]["nodes"]}


async def test_automatic_persisted_queries_per_operation(
    http: httpx.AsyncClient, as_: Headers
) -> None:
    alias = f"batched_{uuid.uuid4().hex}"
    query = f"{{ {alias}: __typename }}"
    digest = hashlib.sha256(query.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    by_hash = {"extensions": persisted}
    response = await send(
        http,
        as_("rep@acme.example"),
        [by_hash, {"query": query, "extensions": persisted}, by_hash],
    )

    unknown, registered, known = response.json()
    assert code(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    assert registered == known == {"data": {alias: "Query"}}


async def test_an_element_that_is_no_object_fails_in_its_slot(
    http: httpx.AsyncClient, as_: Headers
) -> None:
    response = await send(http, as_("rep@acme.example"), [1, TYPENAME, "{ __typename }"])

    assert response.status_code == 200
    first, second, third = response.json()
    assert code(first) == code(third) == "BAD_REQUEST"
    assert "not a JSON object" in first["errors"][0]["message"]
    assert second == {"data": {"__typename": "Query"}}


# --- the batch refused as a whole -------------------------------------------------------------


async def test_over_the_cap_or_empty_is_400(http: httpx.AsyncClient, as_: Headers) -> None:
    rep = as_("rep@acme.example")
    over = await send(http, rep, [TYPENAME] * (CAP + 1), GRAPHQL_RESPONSE_JSON)
    assert over.status_code == 400
    assert over.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    (error,) = over.json()["errors"]
    assert error["extensions"] == {"code": "BATCH_TOO_LARGE", "max": CAP, "received": CAP + 1}

    empty = await send(http, rep, [])
    assert empty.status_code == 400
    assert code(empty.json()) == "BATCH_EMPTY"


async def test_bad_credentials_answer_once_for_the_batch(http: httpx.AsyncClient) -> None:
    response = await send(http, {"authorization": "Bearer not-a-token"}, [1, TYPENAME, TYPENAME])
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert code(response.json()) == "INVALID_TOKEN"


async def test_unserveable_accept_or_body_type_answer_once(
    http: httpx.AsyncClient, as_: Headers
) -> None:
    rep = as_("rep@acme.example")
    not_acceptable = await send(http, rep, [TYPENAME, TYPENAME], "text/html")
    assert not_acceptable.status_code == 406
    assert code(not_acceptable.json()) == "NOT_ACCEPTABLE"

    unsupported = await http.post(
        "/graphql",
        content=b'[{"query": "{ __typename }"}]',
        headers={**rep, "content-type": "text/plain"},
    )
    assert unsupported.status_code == 415
    assert code(unsupported.json()) == "UNSUPPORTED_MEDIA_TYPE"


async def test_malformed_array_is_a_bad_request(http: httpx.AsyncClient, as_: Headers) -> None:
    response = await http.post(
        "/graphql",
        content=b'[{"query": "{ __typename }"},',
        headers={**as_("rep@acme.example"), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert code(response.json()) == "BAD_REQUEST"


async def test_the_body_cap_counts_the_whole_array(http: httpx.AsyncClient, as_: Headers) -> None:
    # Each operation is well under 1 MB; the array is over it.
    padded = {"query": "{ __typename }", "variables": {"padding": "x" * 600_000}}
    response = await send(http, as_("rep@acme.example"), [padded, padded])
    assert response.status_code == 413
    assert code(response.json()) == "REQUEST_TOO_LARGE"


async def test_get_is_never_batched(http: httpx.AsyncClient, as_: Headers) -> None:
    response = await http.get(
        "/graphql",
        params={"query": '[{"query": "{ __typename }"}]'},
        headers={**as_("rep@acme.example"), "accept": JSON},
    )
    assert response.status_code == 200
    assert code(response.json()) == "GRAPHQL_PARSE_FAILED"


# --- budgets and grants ------------------------------------------------------------------------


async def test_each_operation_spends_the_rate_limit(serve: Serve, as_: Headers) -> None:
    rep = as_("rep@acme.example")
    async with serve(batch_max_operations=5, rate_limit_per_user="3/minute") as limited:
        # Refused batches run nothing, so they spend nothing.
        assert (await send(limited, rep, [TYPENAME] * 6)).status_code == 400
        assert (await send(limited, rep, [])).status_code == 400
        # Neither does an element that is no operation: three of the four operations fit.
        response = await send(limited, rep, [TYPENAME, 1, TYPENAME, TYPENAME, TYPENAME])
        assert response.status_code == 200
        answers = response.json()
        assert answers[0] == answers[2] == answers[3] == {"data": {"__typename": "Query"}}
        assert code(answers[1]) == "BAD_REQUEST"
        assert code(answers[4]) == "RATE_LIMITED"
        assert 1 <= answers[4]["errors"][0]["extensions"]["retryAfter"] <= 60
        alone = await send(limited, rep, TYPENAME)
        assert alone.status_code == 429


async def test_a_partner_sees_only_its_own_rows_through_a_batch(
    http: httpx.AsyncClient, as_: Headers, db: asyncpg.Connection
) -> None:
    globex_deal = await db.fetchval(
        "SELECT min(d.id) FROM deals d JOIN partners p ON p.id = d.partner_id "
        "WHERE p.slug = 'globex'"
    )
    globex = await db.fetchval("SELECT id FROM partners WHERE slug = 'globex'")
    acme_deals = {
        r[0]
        for r in await db.fetch(
            "SELECT d.id FROM deals d JOIN partners p ON p.id = d.partner_id WHERE p.slug = 'acme'"
        )
    }
    operations = [
        {"query": "{ deals(first: 100) { nodes { id partner { slug } } } }"},
        {
            "query": "query($id: ID!) { node(id: $id) { id } }",
            "variables": {"id": to_global_id("Deal", globex_deal)},
        },
        {"query": '{ partner(slug: "globex") { id } }'},
        {
            "query": "query($p: ID!) { deals(filter: {partnerIds: [$p]}) { totalCount } }",
            "variables": {"p": to_global_id("Partner", globex)},
        },
    ]
    response = await send(http, as_("admin@acme.example"), operations)

    own, other_deal, other_partner, filtered = response.json()
    nodes = own["data"]["deals"]["nodes"]
    assert nodes and {from_global_id(n["id"])[1] for n in nodes} == acme_deals
    assert {n["partner"]["slug"] for n in nodes} == {"acme"}
    assert other_deal == {"data": {"node": None}}
    assert other_partner == {"data": {"partner": None}}
    assert filtered == {"data": {"deals": {"totalCount": 0}}}


# --- over a real socket -------------------------------------------------------------------------


async def test_the_live_server_reads_the_setting(batch_dsn: str, as_: Headers) -> None:
    admin = as_("admin@vendor.example")
    async with (
        gateway_process(batch_dsn, BATCH_MAX_OPERATIONS="2") as gateway,
        httpx.AsyncClient(base_url=gateway.base_url) as live,
    ):
        answered = await send(live, admin, [TYPENAME, {"query": "{ tiers { name } }"}])
        over = await send(live, admin, [TYPENAME] * 3)
    assert answered.status_code == 200
    assert answered.headers["x-request-id"]
    typename, tiers = answered.json()
    assert typename == {"data": {"__typename": "Query"}}
    assert tiers["data"]["tiers"] and "errors" not in tiers
    assert over.status_code == 400
    assert code(over.json()) == "BATCH_TOO_LARGE"
