"""REST replication endpoints: `sobjects/{Object}/deleted/` and `.../updated/` with the exact
shapes of a real org; deleted records reach back 15 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.crm_sandbox.objects import OBJECTS
from gateway.crm_sandbox.responses import limit_exceeded, not_found, rest_error
from gateway.crm_sandbox.state import sandbox_of
from gateway.crm_sandbox.values import parse_datetime

DELETED_RETENTION = timedelta(days=15)


def rest_datetime(value: datetime) -> str:
    """The REST API's datetime form: 2026-11-28T07:28:00.000+0000."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def _window(request: Request) -> tuple[datetime, datetime] | Response:
    try:
        start = parse_datetime(request.query_params["start"])
        end = parse_datetime(request.query_params["end"])
    except KeyError:
        return rest_error(400, "MALFORMED_QUERY", "Both start and end are required.")
    except ValueError:
        return rest_error(
            400, "MALFORMED_QUERY", "start and end must be ISO-8601 datetimes (URL-encoded)."
        )
    if end < start:
        return rest_error(400, "INVALID_REPLICATION_DATE", "end must not be before start.")
    return start, end


async def replication_endpoint(request: Request) -> Response:
    sandbox = sandbox_of(request)
    sobject = OBJECTS.get(request.path_params["object"])
    kind = request.path_params["kind"]
    if sobject is None or kind not in ("deleted", "updated"):
        return not_found()
    sandbox.stats.count(f"rest_{kind}")
    window = _window(request)
    if isinstance(window, Response):
        return window
    if not sandbox.usage.allow(1):
        sandbox.stats.count("limit_exceeded")
        return limit_exceeded()
    start, end = window
    now = datetime.now(UTC)
    latest = min(end, now)
    async with sandbox.database.acquire() as conn:
        if kind == "updated":
            ids = await conn.fetch(
                f'SELECT "Id" FROM {sobject.table} WHERE NOT is_deleted '
                '  AND "SystemModstamp" >= $1 AND "SystemModstamp" <= $2 '
                'ORDER BY "SystemModstamp", "Id"',
                start,
                latest,
            )
            return JSONResponse(
                {"ids": [r["Id"] for r in ids], "latestDateCovered": rest_datetime(latest)}
            )
        earliest = now - DELETED_RETENTION
        rows = await conn.fetch(
            f'SELECT "Id", deleted_at FROM {sobject.table} WHERE is_deleted '
            "  AND deleted_at >= greatest($1, $3::timestamptz) AND deleted_at <= $2 "
            'ORDER BY deleted_at, "Id"',
            start,
            latest,
            earliest,
        )
    return JSONResponse(
        {
            "deletedRecords": [
                {"id": r["Id"], "deletedDate": rest_datetime(r["deleted_at"])} for r in rows
            ],
            "earliestDateAvailable": rest_datetime(earliest),
            "latestDateCovered": rest_datetime(latest),
        }
    )
