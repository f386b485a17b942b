"""Live reads (CRM_SOURCE_<OBJECTS>=live): the CRM-owned fields of listed rows come from the CRM
at request time. The rows' CRM ids are batched into one CRM request per batch (`Id: {in: …}`,
several objects as subqueries of one query); the caller's row scope travels as a filter on
PartnerAccountId, and what comes back is checked against it again, as the store's rows are.

An unreachable CRM falls back to the mirror (the rows as the store has them) and the response
says so in `extensions.stale`; an object never mirrored answers CRM_UNAVAILABLE instead.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from aiodataloader import DataLoader

from gateway.authz.grant import Grant
from gateway.authz.row_check import within_scope
from gateway.crm.client import CrmClient
from gateway.crm.errors import CrmError
from gateway.crm.mapping import CrmMapping, ObjectMapping
from gateway.crm.settings import CrmSettings
from gateway.errors import CrmUnavailableError
from gateway.store import crm_mirror, crm_sync_state
from gateway.store.database import Executor
from gateway.store.deals import DEALS
from gateway.store.leads import LEADS
from gateway.store.partners import PARTNERS
from gateway.store.scope import RowScope
from gateway.store.table import Row, Table

log = logging.getLogger(__name__)
# Where the store's own scope violations are logged (gateway/authz/row_check.py).
leak_log = logging.getLogger("gateway.authz.leak")
# The contract: at most 10 subqueries per request, at most 2,000 records per subquery.
MAX_SUBQUERIES = 10
MAX_FIRST = 2000

Overlay = Callable[[list[Row]], Awaitable[list[Row]]]


@dataclass(frozen=True)
class Link:
    """Where a row's CRM record is (`id_column`), and which local columns it supplies."""

    crm_object: str  # a mapping key: Account, Lead, Opportunity
    id_column: str
    columns: tuple[tuple[str, str], ...]  # (local column, our mapped field)


@dataclass(frozen=True)
class LiveSpec:
    object_type: str  # the grant's object
    table: Table
    links: tuple[Link, ...]  # the first link whose id the row holds is used


SPECS: dict[str, LiveSpec] = {
    "deals": LiveSpec(
        "Deal",
        DEALS,
        (
            # An approved registration is an Opportunity in the CRM; before, only a Lead.
            Link(
                "Opportunity",
                "crm_opportunity_id",
                (
                    ("amount", "amount"),
                    ("currency", "currency"),
                    ("stage", "stage"),
                    ("expected_close_date", "close_date"),
                ),
            ),
            Link("Lead", "crm_lead_id", (("customer_name", "company"),)),
        ),
    ),
    "leads": LiveSpec(
        "Lead",
        LEADS,
        (
            Link(
                "Lead",
                "crm_lead_id",
                (
                    ("first_name", "first_name"),
                    ("last_name", "last_name"),
                    ("email", "email"),
                    ("phone", "phone"),
                    ("company", "company"),
                ),
            ),
        ),
    ),
    "partners": LiveSpec(
        "Partner",
        PARTNERS,
        (Link("Account", "crm_account_id", (("name", "name"), ("website", "website"))),),
    ),
}
_NULLABLE = {"phone"}  # a null from the CRM clears these; elsewhere it keeps the local value


class _Unavailable:
    """A batch the CRM could not answer."""


UNAVAILABLE = _Unavailable()
LiveRecord = dict[str, Any] | None | _Unavailable


class LiveRecordLoader(DataLoader[tuple[str, str], LiveRecord]):
    """(CRM object, Id) -> the record, None where the CRM has none in the caller's scope."""

    def __init__(
        self,
        crm: CrmClient,
        mapping: CrmMapping,
        allowed_accounts: Callable[[], Awaitable[set[str] | None]],
    ) -> None:
        super().__init__()
        self._crm, self._mapping, self._allowed_accounts = crm, mapping, allowed_accounts

    async def batch_load_fn(self, keys: list[tuple[str, str]]) -> list[LiveRecord]:
        allowed = await self._allowed_accounts()
        if allowed is not None and not allowed:
            return [None] * len(keys)
        subqueries: list[tuple[ObjectMapping, list[str]]] = []
        ids_by_object: dict[str, list[str]] = defaultdict(list)
        for crm_object, crm_id in dict.fromkeys(keys):
            ids_by_object[crm_object].append(crm_id)
        for crm_object, ids in ids_by_object.items():
            for start in range(0, len(ids), MAX_FIRST):
                subqueries.append((self._mapping[crm_object], ids[start : start + MAX_FIRST]))
        found: dict[tuple[str, str], dict[str, Any]] = {}
        try:
            for start in range(0, len(subqueries), MAX_SUBQUERIES):
                batch = subqueries[start : start + MAX_SUBQUERIES]
                found |= await self._fetch(batch, allowed)
        except CrmError as exc:
            log.warning("live CRM read failed, using the mirror: %s", exc)
            return [UNAVAILABLE] * len(keys)
        return [found.get(key) for key in keys]

    async def _fetch(
        self, batch: Sequence[tuple[ObjectMapping, list[str]]], allowed: set[str] | None
    ) -> dict[tuple[str, str], dict[str, Any]]:
        declarations: list[str] = []
        selections: list[str] = []
        variables: dict[str, Any] = {}
        for n, (mapping, ids) in enumerate(batch):
            name = mapping.crm_object
            declarations.append(f"$w{n}: {name}_Filter, $f{n}: Int")
            fields = " ".join(f"{crm} {{ value }}" for crm in mapping.fields.values())
            selections.append(
                f"r{n}: {name}(first: $f{n}, where: $w{n}) "
                f"{{ edges {{ node {{ Id SystemModstamp {{ value }} {fields} }} }} }}"
            )
            variables[f"w{n}"] = _scoped_where(mapping, ids, allowed)
            variables[f"f{n}"] = len(ids)
        document = (
            f"query Live({', '.join(declarations)}) {{ uiapi {{ query {{ "
            f"{' '.join(selections)} }} }} }}"
        )
        data = await self._crm.execute(document, variables)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for n, (mapping, _) in enumerate(batch):
            connection = (data.get("uiapi") or {}).get("query", {}).get(f"r{n}") or {}
            for edge in connection.get("edges") or []:
                record = mapping.decode(edge["node"])
                if _admitted(mapping, record, allowed):
                    found[(mapping.key, record["crm_id"])] = record
        return found


def _scope_field(mapping: ObjectMapping) -> str | None:
    """The CRM field a partner scope filters on: the account itself, or PartnerAccountId."""
    if mapping.key == "Account":
        return "Id"
    return mapping.crm_field("partner_account_id")


def _scoped_where(
    mapping: ObjectMapping, ids: list[str], allowed: set[str] | None
) -> dict[str, Any]:
    where: dict[str, Any] = {"Id": {"in": ids}}
    if allowed is None:
        return where
    field = _scope_field(mapping)
    assert field is not None  # LiveReads stays on the mirror when it cannot scope
    return {"and": [where, {field: {"in": sorted(allowed)}}]}


def _admitted(mapping: ObjectMapping, record: dict[str, Any], allowed: set[str] | None) -> bool:
    """The store's second check, on the CRM's answer: a record outside the scope is withheld."""
    if allowed is None:
        return True
    owner = record["crm_id"] if mapping.key == "Account" else record.get("partner_account_id")
    if owner in allowed:
        return True
    leak_log.error(
        "withheld CRM %s %s outside the caller's scope: the CRM filter is broken",
        mapping.key,
        record["crm_id"],
    )
    return False


class LiveReads:
    """One per request: the live overlays the settings ask for, and what fell back to the mirror
    (`stale`: object type -> the mirror's age in seconds, for `extensions.stale`)."""

    def __init__(
        self,
        crm: CrmClient | None,
        settings: CrmSettings,
        mapping: CrmMapping,
        db: Executor,
        grant: Grant,
    ) -> None:
        self._crm, self._settings, self._mapping = crm, settings, mapping
        self._db, self._grant = db, grant
        self._loaders: dict[str, LiveRecordLoader] = {}
        self.stale: dict[str, float] = {}

    def overlay(self, source: str) -> Overlay | None:
        """For `deals`, `leads` or `partners`: None unless configured live (and a CRM is)."""
        if self._crm is None or self._settings.source(source) != "live":
            return None
        spec = SPECS[source]
        scope = self._grant.row_scope(spec.object_type)
        if scope.partner_ids is not None and any(
            _scope_field(self._mapping[link.crm_object]) is None for link in spec.links
        ):
            return None  # the org's mapping has no PartnerAccountId: the scope stays in SQL

        async def apply(rows: list[Row]) -> list[Row]:
            return await self._apply(source, spec, scope, rows)

        return apply

    def _loader(self, source: str, scope: RowScope) -> LiveRecordLoader:
        loader = self._loaders.get(source)
        if loader is None:
            assert self._crm is not None
            accounts: set[str] | None = None

            async def allowed() -> set[str] | None:
                nonlocal accounts
                if scope.partner_ids is None:
                    return None
                if accounts is None:
                    accounts = await crm_mirror.partner_account_ids(self._db, scope.partner_ids)
                return accounts

            loader = self._loaders[source] = LiveRecordLoader(self._crm, self._mapping, allowed)
        return loader

    async def _apply(
        self, source: str, spec: LiveSpec, scope: RowScope, rows: list[Row]
    ) -> list[Row]:
        wanted = [(row, _link_of(spec, row)) for row in rows]
        keys = [(link.crm_object, row[link.id_column]) for row, link in wanted if link]
        if not keys:
            return rows
        records = await self._loader(source, scope).load_many(keys)
        if any(record is UNAVAILABLE for record in records):
            await self._fall_back(spec)
            return rows
        by_key = dict(zip(keys, records, strict=True))
        merged: list[Row] = []
        for row, link in wanted:
            if link is None:
                merged.append(row)  # not in the CRM (yet): the store's row is all there is
                continue
            record = by_key[(link.crm_object, row[link.id_column])]
            if isinstance(record, dict):
                merged.append(_merge(row, link, record, self._mapping[link.crm_object]))
            elif scope.partner_ids is None:
                merged.append(row)  # gone from the CRM: the registration itself stays ours
            # else: the CRM does not place it in the caller's scope, so neither do we
        return within_scope(spec.table, scope, merged)

    async def _fall_back(self, spec: LiveSpec) -> None:
        objects = sorted({link.crm_object for link in spec.links})
        age = await crm_sync_state.mirror_age_seconds(self._db, objects)
        if age is None:
            raise CrmUnavailableError(
                f"The CRM is unreachable and {spec.object_type} data has no mirror to fall "
                "back on yet; try again later"
            )
        self.stale[spec.object_type] = round(age, 3)


def _link_of(spec: LiveSpec, row: Row) -> Link | None:
    return next((link for link in spec.links if row[link.id_column]), None)


def _merge(row: Row, link: Link, record: dict[str, Any], mapping: ObjectMapping) -> Row:
    merged = dict(row)
    for column, field in link.columns:
        if field not in mapping.fields:
            continue
        value = _local_value(column, record.get(field), mapping)
        if value is not None or column in _NULLABLE:
            merged[column] = value
    return merged


def _local_value(column: str, value: Any, mapping: ObjectMapping) -> Any:
    if value is None:
        return None
    if column == "amount":
        return Decimal(str(value)).quantize(Decimal("0.01"))
    if column == "expected_close_date":
        return date.fromisoformat(str(value))
    if column == "stage":
        return mapping.stages.get(str(value))  # an unmapped stage keeps the local one
    if column == "currency":
        return str(value).upper()[:3]
    return value
