"""The CRM mirror's writes: one statement per page upserts the records (by CRM id) and updates
their local counterparts; deletes and the sweep after a full resync mark records deleted.

Records come in as our field names (gateway/crm/mapping.py); a field the org's mapping leaves
out is never written, so it cannot blank a local value.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from gateway.store.database import Executor

# Our field -> its SQL type, per mirrored object (the jsonb_to_recordset column list).
FIELD_TYPES: dict[str, dict[str, str]] = {
    "Account": {
        "name": "text",
        "website": "text",
        "industry": "text",
        "billing_country": "text",
        "is_partner": "boolean",
    },
    "Lead": {
        "first_name": "text",
        "last_name": "text",
        "email": "text",
        "phone": "text",
        "company": "text",
        "website": "text",
        "status": "text",
        "lead_source": "text",
        "partner_account_id": "text",
        "is_converted": "boolean",
        "converted_opportunity_id": "text",
    },
    "Opportunity": {
        "name": "text",
        "account_id": "text",
        "partner_account_id": "text",
        "amount": "numeric",
        "currency": "text",
        "stage": "text",
        "close_date": "date",
        "is_closed": "boolean",
        "is_won": "boolean",
    },
}
MIRROR_TABLES = {"Account": "crm_accounts", "Lead": "crm_leads", "Opportunity": "crm_opportunities"}


@dataclass(frozen=True)
class Projection:
    """Local rows a mirrored record updates: `table.match = crm_id`, column <- SQL over `i.*`."""

    table: str
    match: str
    assignments: tuple[tuple[str, str, str], ...]  # (column, needed field, expression)


# Only what the CRM owns: names and contact details, and an opportunity's money, stage and
# close date. Workflow state (status, owner, protection, region) stays the gateway's.
PROJECTIONS: dict[str, tuple[Projection, ...]] = {
    "Account": (
        Projection(
            "partners",
            "crm_account_id",
            (
                ("name", "name", "coalesce(i.name, t.name)"),
                ("website", "website", "coalesce(i.website, t.website)"),
            ),
        ),
    ),
    "Lead": (
        Projection(
            "leads",
            "crm_lead_id",
            (
                ("first_name", "first_name", "coalesce(i.first_name, t.first_name)"),
                ("last_name", "last_name", "coalesce(i.last_name, t.last_name)"),
                ("email", "email", "coalesce(i.email, t.email)"),
                ("phone", "phone", "i.phone"),
                ("company", "company", "coalesce(i.company, t.company)"),
            ),
        ),
        Projection(
            "deals",
            "crm_lead_id",
            (
                (
                    "customer_name",
                    "company",
                    "coalesce(left(nullif(i.company, ''), 200), t.customer_name)",
                ),
                # A registration converted in the CRM learns its opportunity (unless another deal
                # already holds that id: the column is unique).
                (
                    "crm_opportunity_id",
                    "converted_opportunity_id",
                    "coalesce(t.crm_opportunity_id, (SELECT i.converted_opportunity_id "
                    "WHERE NOT EXISTS (SELECT 1 FROM deals o "
                    "WHERE o.crm_opportunity_id = i.converted_opportunity_id)))",
                ),
            ),
        ),
    ),
    "Opportunity": (
        Projection(
            "deals",
            "crm_opportunity_id",
            (
                ("amount", "amount", "coalesce(i.amount, t.amount)"),
                ("currency", "currency", "coalesce(upper(left(i.currency, 3)), t.currency)"),
                ("stage", "stage", "coalesce($2::jsonb ->> i.stage, t.stage)"),
                (
                    "expected_close_date",
                    "close_date",
                    "coalesce(i.close_date, t.expected_close_date)",
                ),
            ),
        ),
    ),
}


@dataclass(frozen=True)
class PageWritten:
    mirrored: int
    linked: int  # local rows whose values changed


def _incoming(object_key: str, mapped: Collection[str]) -> str:
    columns = [("crm_id", "text"), ("system_modstamp", "timestamptz")]
    columns += [(f, t) for f, t in FIELD_TYPES[object_key].items() if f in mapped]
    listed = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    return f"SELECT * FROM jsonb_to_recordset($1::jsonb) AS i({listed})"


def _value(field: str, mapped: Collection[str]) -> str:
    return f"i.{field}" if field in mapped else "NULL"


def _mirror_insert(object_key: str, mapped: Collection[str]) -> str:
    def v(field: str) -> str:
        return _value(field, mapped)

    if object_key == "Account":
        values = {
            "name": f"coalesce({v('name')}, '')",
            "website": v("website"),
            "industry": v("industry"),
            "billing_country": v("billing_country"),
            "is_partner": f"coalesce({v('is_partner')}, false)",
        }
    elif object_key == "Lead":
        values = {
            **{
                f: v(f)
                for f in (
                    "first_name",
                    "email",
                    "phone",
                    "website",
                    "status",
                    "lead_source",
                    "partner_account_id",
                    "converted_opportunity_id",
                )
            },
            "last_name": f"coalesce({v('last_name')}, '')",
            "company": f"coalesce({v('company')}, '')",
            "is_converted": f"coalesce({v('is_converted')}, false)",
        }
    else:
        values = {
            "name": f"coalesce({v('name')}, '')",
            "account_name": f"coalesce(a.name, {v('name')}, '')",
            "customer_domain": "coalesce(a.domain, '')",
            "products": "coalesce(d.products, '{}')",
            "amount": v("amount"),
            "stage": f"coalesce({v('stage')}, '')",
            "is_closed": f"coalesce({v('is_closed')}, false)",
            "partner_id": "p.id",
            "close_date": v("close_date"),
            "account_crm_id": v("account_id"),
            "partner_account_crm_id": v("partner_account_id"),
            "currency": v("currency"),
            "is_won": f"coalesce({v('is_won')}, false)",
            "updated_at": "now()",
        }
    values |= {"system_modstamp": "i.system_modstamp", "deleted_at": "NULL", "synced_at": "now()"}
    table = MIRROR_TABLES[object_key]
    columns = ", ".join(["crm_id", *values])
    selected = ", ".join(["i.crm_id", *values.values()])
    joins = ""
    if object_key == "Opportunity":
        joins = (
            f" LEFT JOIN crm_accounts a ON a.crm_id = {v('account_id')}"
            f" LEFT JOIN partners p ON p.crm_account_id = {v('partner_account_id')}"
            " LEFT JOIN deals d ON d.crm_opportunity_id = i.crm_id"
        )
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in values)
    return (
        f"INSERT INTO {table} AS m ({columns}) SELECT {selected} FROM incoming i{joins} "
        f"ON CONFLICT (crm_id) DO UPDATE SET {updates} RETURNING 1"
    )


def _projection_update(projection: Projection, mapped: Collection[str]) -> str | None:
    used = [(c, expr) for c, field, expr in projection.assignments if field in mapped]
    if not used:
        return None
    sets = ", ".join(f"{column} = {expr}" for column, expr in used)
    before = ", ".join(f"t.{column}" for column, _ in used)
    after = ", ".join(expr for _, expr in used)
    # Only rows whose values differ: an unchanged record must not bump updated_at (partners'
    # incremental pulls would fetch it again for nothing).
    return (
        f"UPDATE {projection.table} t SET {sets} FROM incoming i "
        f"WHERE t.{projection.match} = i.crm_id "
        f"AND ROW({before}, NULL) IS DISTINCT FROM ROW({after}, NULL) RETURNING 1"
    )


def upsert_statement(object_key: str, mapped: Collection[str]) -> str:
    """One statement: the mirror upsert and every projection, as data-modifying CTEs."""
    parts = [
        f"incoming AS ({_incoming(object_key, mapped)})",
        f"mirrored AS ({_mirror_insert(object_key, mapped)})",
    ]
    linked: list[str] = []
    for n, projection in enumerate(PROJECTIONS[object_key]):
        update = _projection_update(projection, mapped)
        if update is not None:
            parts.append(f"linked_{n} AS ({update})")
            linked.append(f"(SELECT count(*) FROM linked_{n})")
    total_linked = " + ".join(linked) or "0"
    return (
        f"WITH {', '.join(parts)} "
        f"SELECT (SELECT count(*) FROM mirrored) AS mirrored, {total_linked} AS linked"
    )


async def write_page(
    conn: Executor,
    object_key: str,
    records: Sequence[Mapping[str, Any]],
    mapped: Collection[str],
    stages: Mapping[str, str],
) -> PageWritten:
    """Upsert a page of records; call inside the page's transaction."""
    sql = upsert_statement(object_key, mapped)
    args: list[Any] = [orjson.dumps(list(records), default=str).decode()]
    if object_key == "Opportunity":
        args.append(orjson.dumps(dict(stages)).decode())
    row = await conn.fetchrow(sql, *args)
    return PageWritten(mirrored=int(row["mirrored"]), linked=int(row["linked"]))


async def mark_deleted(conn: Executor, object_key: str, crm_ids: Sequence[str]) -> int:
    """Records the CRM reports deleted. Local partners, deals and leads are never deleted (they
    carry the programme's history); a deleted opportunity stops counting as open."""
    table = MIRROR_TABLES[object_key]
    closing = ", is_closed = true, updated_at = now()" if object_key == "Opportunity" else ""
    status = await conn.execute(
        f"UPDATE {table} SET deleted_at = now(){closing} "
        "WHERE crm_id = ANY($1::text[]) AND deleted_at IS NULL",
        list(crm_ids),
    )
    return int(status.split()[-1])


async def sweep_unseen(conn: Executor, object_key: str, full_started_at: datetime) -> int:
    """After a full resync: what it did not see again no longer exists in the CRM."""
    table = MIRROR_TABLES[object_key]
    closing = ", is_closed = true, updated_at = now()" if object_key == "Opportunity" else ""
    status = await conn.execute(
        f"UPDATE {table} SET deleted_at = now(){closing} "
        "WHERE deleted_at IS NULL AND synced_at < $1",
        full_started_at,
    )
    return int(status.split()[-1])


async def count_mirrored(conn: Executor) -> dict[str, int]:
    """Live (not deleted) records per object."""
    selects = " UNION ALL ".join(
        f"SELECT '{key}' AS object, count(*) AS n FROM {table} WHERE deleted_at IS NULL"
        for key, table in MIRROR_TABLES.items()
    )
    return {row["object"]: int(row["n"]) for row in await conn.fetch(selects)}


async def partner_account_ids(db: Executor, partner_ids: Collection[int]) -> set[str]:
    """The CRM Account Ids of these partners: a row scope, in the CRM's terms."""
    rows = await db.fetch(
        "SELECT crm_account_id FROM partners WHERE id = ANY($1::bigint[]) "
        "AND crm_account_id IS NOT NULL",
        sorted(partner_ids),
    )
    return {row["crm_account_id"] for row in rows}
