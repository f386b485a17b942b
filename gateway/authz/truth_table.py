"""The policy's truth tables in `policies/tests/`: who may read which field, do which action, and
see which rows. Each cell is checked against Casbin itself and against the grant we compute.

Columns are `role@domain` (vendor roles use `*`); rows are `Type.field` (reads), `Type:action`,
or `Type` (row scopes). A schema field without a row fails the check, so nothing slips in
unreviewed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gateway.authz.grant import Permissions
from gateway.authz.permissions import ACTION_OBJECTS, ACTIONS, VENDOR_ROLES, compute_permissions
from gateway.authz.policy import ROLES, Policy
from gateway.authz.universe import POLICY_OBJECTS, SERVICE_OBJECT, FieldRef

# Tiers are programme-wide reference data, and the federation SDL is the schema itself:
# readable or not, they have no rows to scope.
SCOPED_OBJECTS = tuple(obj for obj in POLICY_OBJECTS if obj not in ("Tier", SERVICE_OBJECT))

READS = "reads.csv"
ACTIONS_FILE = "actions.csv"
SCOPES = "scopes.csv"

# Partner roles are tabled for a partner with an override (acme) and one without (globex).
PARTNER_DOMAINS = ("acme", "globex")


@dataclass(frozen=True)
class Column:
    role: str
    domain: str

    @property
    def header(self) -> str:
        return f"{self.role}@{self.domain}"


def columns() -> list[Column]:
    found: list[Column] = []
    for role in sorted(ROLES):
        domains = ("*",) if role in VENDOR_ROLES else PARTNER_DOMAINS
        found.extend(Column(role, domain) for domain in domains)
    return found


def _decide_read(policy: Policy, column: Column, field: FieldRef) -> str:
    def allowed(obj: str) -> bool:
        return policy.enforce(column.role, column.domain, obj, "read")[0]

    ok = allowed(field.key) and (field.target is None or allowed(field.target))
    return "allow" if ok else "deny"


def current_tables(policy: Policy, fields: tuple[FieldRef, ...]) -> dict[str, list[list[str]]]:
    """What Casbin decides today, laid out as the three tables (for writing after review)."""
    cols = columns()
    header = ["subject", *(c.header for c in cols)]
    reads = [header] + [
        [field.key, *(_decide_read(policy, c, field) for c in cols)] for field in fields
    ]
    actions = [header] + [
        [
            f"{obj}:{act}",
            *("allow" if policy.enforce(c.role, c.domain, obj, act)[0] else "deny" for c in cols),
        ]
        for obj in ACTION_OBJECTS
        for act in ("read", *ACTIONS)
    ]
    scopes = [header] + [
        [
            obj,
            *(
                compute_permissions(
                    policy, fields, frozenset({c.role}), c.domain, None
                ).scope_kinds.get(obj, "none")
                for c in cols
            ),
        ]
        for obj in SCOPED_OBJECTS
    ]
    return {READS: reads, ACTIONS_FILE: actions, SCOPES: scopes}


def write_tables(directory: Path, tables: dict[str, list[list[str]]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (directory / name).open("w", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)


def _read(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["subject"]: row for row in rows}


def check(policy: Policy, fields: tuple[FieldRef, ...], directory: Path) -> list[str]:
    """Every disagreement between the tables, Casbin and our grant; empty when all agree."""
    problems: list[str] = []
    reads, actions, scopes = (
        _read(directory / READS),
        _read(directory / ACTIONS_FILE),
        _read(directory / SCOPES),
    )
    cols = columns()
    computed = {
        c.header: compute_permissions(policy, fields, frozenset({c.role}), c.domain, None)
        for c in cols
    }
    for field in fields:
        row = reads.get(field.key)
        if row is None:
            problems.append(f"{READS}: no row for schema field {field.key}")
            continue
        for c in cols:
            problems += _compare(
                f"{READS} {field.key} {c.header}",
                row.get(c.header),
                _decide_read(policy, c, field),
                "allow" if _grant_reads(computed[c.header], field) else "deny",
            )
    for obj in ACTION_OBJECTS:
        for act in ("read", *ACTIONS):
            key = f"{obj}:{act}"
            row = actions.get(key)
            if row is None:
                problems.append(f"{ACTIONS_FILE}: no row for {key}")
                continue
            for c in cols:
                by_casbin = "allow" if policy.enforce(c.role, c.domain, obj, act)[0] else "deny"
                perms = computed[c.header]
                ours = (obj, act) in perms.actions
                if act == "read" and obj in POLICY_OBJECTS:
                    ours = ours and obj in perms.readable_objects
                problems += _compare(
                    f"{ACTIONS_FILE} {key} {c.header}",
                    row.get(c.header),
                    by_casbin,
                    "allow" if ours else "deny",
                )
    for obj in SCOPED_OBJECTS:
        row = scopes.get(obj)
        if row is None:
            problems.append(f"{SCOPES}: no row for {obj}")
            continue
        for c in cols:
            kind = computed[c.header].scope_kinds.get(obj, "none")
            problems += _compare(f"{SCOPES} {obj} {c.header}", row.get(c.header), kind, kind)
    return problems


def _grant_reads(permissions: Permissions, field: FieldRef) -> bool:
    return field.field_name in permissions.readable_fields.get(field.type_name, frozenset())


def _compare(where: str, expected: str | None, casbin: str, ours: str) -> Iterable[str]:
    if not expected:
        return [f"{where}: no decision in the table"]
    found = []
    if expected != casbin:
        found.append(f"{where}: table says {expected}, Casbin says {casbin}")
    if expected != ours:
        found.append(f"{where}: table says {expected}, the grant says {ours}")
    return found
