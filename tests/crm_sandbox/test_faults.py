"""Fault switches through the admin API: 5xx (next N, or a seeded rate), latency, expired
sessions, the API allowance running out, held requests; and the admin API's own guard."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.crm_sandbox.conftest import CrmClient

COUNT = "{ uiapi { query { Lead { totalCount } } } }"
TWO = "{ uiapi { query { a: Lead { totalCount } b: Account { totalCount } } } }"


@pytest.fixture(autouse=True)
async def clean(writer: CrmClient) -> AsyncIterator[None]:
    await writer.sandbox.admin.reset_faults()
    await writer.sandbox.admin.reset_stats()
    yield
    await writer.sandbox.admin.reset_faults()


async def test_the_admin_api_needs_the_client_secret(writer: CrmClient) -> None:
    calls = [
        ("GET", "/__sandbox/faults"),
        ("POST", "/__sandbox/faults"),
        ("GET", "/__sandbox/stats"),
        ("POST", "/__sandbox/stats/reset"),
    ]
    for headers in ({}, {"X-Sandbox-Secret": "wrong"}):
        for method, path in calls:
            response = await writer.http.request(method, path, headers=headers, json={})
            assert response.status_code == 401
            assert "X-Sandbox-Secret" in response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 2}, {"latency_ms": "slow"}, {"fail_next": 1.5}, {"nope": 1}, [1]],
)
async def test_bad_fault_settings_are_400(writer: CrmClient, body: object) -> None:
    response = await writer.http.post(
        "/__sandbox/faults", json=body,
        headers={"X-Sandbox-Secret": writer.sandbox.client_secret},
    )  # fmt: skip
    assert response.status_code == 400
    assert (await writer.sandbox.admin.faults())["error_rate"] == 0


async def test_fail_next_answers_5xx_then_recovers(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(fail_next=2, error_status=503)
    first, second, third = [await writer.post(COUNT) for _ in range(3)]
    for response in (first, second):
        assert response.status_code == 503
        assert response.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert third.status_code == 200
    assert "errors" not in third.json()
    stats = await writer.sandbox.admin.stats()
    assert (stats["faults_error"], stats["faults_injected"]) == (2, 2)


async def test_the_token_endpoint_fails_too(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(fail_next=1, error_status=500)
    with pytest.raises(httpx.HTTPStatusError) as failure:
        await writer.sandbox.token()
    assert failure.value.response.status_code == 500
    assert await writer.sandbox.token()


async def _statuses(writer: CrmClient, count: int) -> list[int]:
    return [(await writer.post(COUNT)).status_code for _ in range(count)]


async def test_the_error_rate_is_reproducible_with_a_seed(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(error_rate=0.5, error_seed=7)
    first = await _statuses(writer, 20)
    await writer.sandbox.admin.set_faults(error_rate=0.5, error_seed=7)
    again = await _statuses(writer, 20)
    draws = random.Random(7)
    expected = [503 if draws.random() < 0.5 else 200 for _ in range(20)]
    assert first == again == expected
    assert {200, 503} == set(first)


async def test_latency_is_added_to_every_request(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(latency_ms=200)
    started = time.perf_counter()
    response = await writer.post(COUNT)
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.2  # a lower bound only: never flaky
    assert (await writer.sandbox.admin.stats())["faults_latency"] == 1


async def test_expiring_sessions_makes_the_next_call_401(writer: CrmClient) -> None:
    assert (await writer.post(COUNT)).status_code == 200
    assert await writer.sandbox.admin.expire_sessions() >= 1
    expired = await writer.post(COUNT)
    assert expired.status_code == 401
    assert expired.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    writer.token = await writer.sandbox.token()
    assert (await writer.post(COUNT)).status_code == 200


async def test_the_api_allowance_runs_out(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(api_allowance=3)
    one = await writer.post(COUNT)
    two = await writer.post(TWO)  # two subqueries: two calls
    refused = await writer.post(COUNT)
    assert (one.status_code, two.status_code) == (200, 200)
    used, limit = one.headers["Sforce-Limit-Info"].removeprefix("api-usage=").split("/")
    assert int(limit) == int(used) + 2
    assert two.headers["Sforce-Limit-Info"] == f"api-usage={limit}/{limit}"
    assert refused.status_code == 403
    assert refused.json() == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert (await writer.sandbox.admin.stats())["limit_exceeded"] == 1
    await writer.sandbox.admin.set_faults(api_allowance=None)
    assert (await writer.post(COUNT)).status_code == 200


async def _held(writer: CrmClient, count: int) -> None:
    for _ in range(200):
        if (await writer.sandbox.admin.faults())["held_requests"] == count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never {count} held requests")


async def test_held_requests_wait_until_released(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(hang_next=2, hang_seconds=60)
    held = [asyncio.create_task(writer.post(COUNT)) for _ in range(2)]
    await _held(writer, 2)
    assert not any(task.done() for task in held)
    assert (await writer.sandbox.admin.faults())["hang_next"] == 0
    assert await writer.sandbox.admin.release_hung() == 2
    assert [(await task).status_code for task in held] == [200, 200]
    assert (await writer.sandbox.admin.stats())["faults_hang"] == 2


async def test_a_held_request_goes_on_after_its_time(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(hang_next=1, hang_seconds=0.2)
    response = await writer.post(COUNT)
    assert response.status_code == 200
    assert (await writer.sandbox.admin.faults())["held_requests"] == 0


async def test_reset_clears_every_fault(writer: CrmClient) -> None:
    await writer.sandbox.admin.set_faults(fail_next=5, latency_ms=10, api_allowance=0)
    settings = await writer.sandbox.admin.reset_faults()
    assert (settings["fail_next"], settings["latency_ms"], settings["api_allowance"]) == (
        0,
        0,
        None,
    )
    assert (await writer.post(COUNT)).status_code == 200
