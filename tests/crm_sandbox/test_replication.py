"""REST `deleted/` and `updated/`: the exact shapes, the window, the 15-day reach, the limit
header, and the error answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.crm_sandbox.conftest import CrmClient

REST_DATETIME = "%Y-%m-%dT%H:%M:%S.%f%z"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _parse(text: str) -> datetime:
    return datetime.strptime(text, REST_DATETIME)


async def _create_lead(writer: CrmClient, company: str) -> str:
    data = await writer.data(
        'mutation($c: String) { uiapi { LeadCreate(input: { Lead: { LastName: "R",'
        " Company: $c } }) { Record { Id } } } }",
        {"c": company},
    )
    lead_id: str = data["uiapi"]["LeadCreate"]["Record"]["Id"]
    return lead_id


async def _delete_lead(writer: CrmClient, lead_id: str) -> None:
    await writer.data(
        "mutation($id: IdOrRef!) { uiapi { LeadDelete(input: { Id: $id }) { Id } } }",
        {"id": lead_id},
    )


async def test_deleted_lists_deletes_in_the_window(writer: CrmClient) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    kept, gone = await _create_lead(writer, "Kept"), await _create_lead(writer, "Gone")
    await _delete_lead(writer, gone)
    end = datetime.now(UTC) + timedelta(seconds=1)
    response = await writer.rest("sobjects/Lead/deleted/", start=_iso(start), end=_iso(end))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}
    assert [r["id"] for r in body["deletedRecords"]] == [gone]
    deleted_at = _parse(body["deletedRecords"][0]["deletedDate"])
    assert start <= deleted_at <= end
    earliest = _parse(body["earliestDateAvailable"])
    assert abs(datetime.now(UTC) - earliest - timedelta(days=15)) < timedelta(hours=1)
    assert _parse(body["latestDateCovered"]) <= datetime.now(UTC)
    assert kept not in [r["id"] for r in body["deletedRecords"]]

    before = await writer.rest(
        "sobjects/Lead/deleted/", start=_iso(start - timedelta(days=1)), end=_iso(start)
    )
    assert before.json()["deletedRecords"] == []


async def test_deletes_older_than_15_days_are_gone(writer: CrmClient) -> None:
    old = await _create_lead(writer, "Old")
    await _delete_lead(writer, old)
    conn = await asyncpg.connect(writer.sandbox.database_url)
    try:
        await conn.execute(
            "UPDATE lead SET deleted_at = now() - interval '16 days' WHERE \"Id\" = $1", old
        )
    finally:
        await conn.close()
    now = datetime.now(UTC)
    body = (
        await writer.rest(
            "sobjects/Lead/deleted/", start=_iso(now - timedelta(days=30)), end=_iso(now)
        )
    ).json()
    assert old not in [r["id"] for r in body["deletedRecords"]]


async def test_updated_lists_changed_records_not_deleted_ones(writer: CrmClient) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    changed, gone = await _create_lead(writer, "Changed"), await _create_lead(writer, "Gone2")
    await _delete_lead(writer, gone)
    response = await writer.rest(
        "sobjects/Lead/updated", start=_iso(start), end=_iso(datetime.now(UTC) + timedelta(1))
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"ids", "latestDateCovered"}
    assert changed in body["ids"]
    assert gone not in body["ids"]
    assert _parse(body["latestDateCovered"]) <= datetime.now(UTC)


async def test_rest_answers_carry_the_limit_header(writer: CrmClient) -> None:
    now = datetime.now(UTC)
    first = await writer.rest("sobjects/Account/updated/", start=_iso(now), end=_iso(now))
    second = await writer.rest("sobjects/Account/updated/", start=_iso(now), end=_iso(now))
    used = [
        int(r.headers["Sforce-Limit-Info"].split("=")[1].split("/")[0]) for r in (first, second)
    ]
    assert used[1] == used[0] + 1
    assert first.headers["Sforce-Limit-Info"].startswith("api-usage=")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2026-01-01T00:00:00Z"}, "MALFORMED_QUERY"),
        ({"start": "yesterday", "end": "2026-01-01T00:00:00Z"}, "MALFORMED_QUERY"),
        (
            {"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
            "INVALID_REPLICATION_DATE",
        ),
    ],
)
async def test_bad_windows_are_400(writer: CrmClient, params: dict[str, str], code: str) -> None:
    response = await writer.rest("sobjects/Lead/deleted/", **params)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == code


async def test_replication_needs_a_session(writer: CrmClient) -> None:
    response = await writer.http.get(
        "/services/data/v66.0/sobjects/Lead/updated/",
        params={"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"},
    )
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


async def test_replication_calls_are_counted(writer: CrmClient) -> None:
    await writer.sandbox.admin.reset_stats()
    now = _iso(datetime.now(UTC))
    await writer.rest("sobjects/Lead/deleted/", start=now, end=now)
    await writer.rest("sobjects/Opportunity/updated/", start=now, end=now)
    await writer.rest("sobjects/Opportunity/updated/", start=now, end=now)
    stats = await writer.sandbox.admin.stats()
    assert (stats["rest_deleted"], stats["rest_updated"]) == (1, 2)
