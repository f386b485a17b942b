"""The tests' own account of who may see what, and a checker of responses against it.

Independent of the gateway's code on purpose: rows come from raw SQL over the seeded database,
row visibility follows the roles of the PRM domain reference ("Who asks": vendor staff see all,
channel managers their partners, partner admins their own organisation, reps their own records),
and field decisions come from the policy's truth table (policies/tests/reads.csv). A bug shared
by the gateway and this file would have to be written twice.
"""

from __future__ import annotations

import base64
import binascii
import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import asyncpg
from graphql import GraphQLSchema, get_named_type

from tests.support.operations import Field, Operation, Selection

FORBIDDEN = "FORBIDDEN"
READS_TABLE = Path(__file__).parents[2] / "policies" / "tests" / "reads.csv"

# Each object type with rows: its table, and the columns the oracle reasons with.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Partner": ("partners", ("slug", "channel_manager_id")),
    "PartnerUser": ("partner_users", ("partner_id",)),
    "VendorUser": ("vendor_users", ()),
    "Deal": ("deals", ("partner_id", "owner_id")),
    "Lead": ("leads", ("assigned_partner_id", "assigned_user_id", "converted_deal_id")),
    "Course": ("courses", ()),
    "Enrollment": ("enrollments", ("user_id", "course_id")),
    "Certification": ("certifications", ("user_id", "course_id")),
}

# To-one relations: (type, field) -> (target type, the parent's column holding the target's id).
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("Partner", "channelManager"): ("VendorUser", "channel_manager_id"),
    ("PartnerUser", "partner"): ("Partner", "partner_id"),
    ("Deal", "partner"): ("Partner", "partner_id"),
    ("Deal", "owner"): ("PartnerUser", "owner_id"),
    ("Lead", "partner"): ("Partner", "assigned_partner_id"),
    ("Lead", "assignee"): ("PartnerUser", "assigned_user_id"),
    ("Lead", "convertedDeal"): ("Deal", "converted_deal_id"),
    ("Enrollment", "user"): ("PartnerUser", "user_id"),
    ("Enrollment", "course"): ("Course", "course_id"),
    ("Certification", "user"): ("PartnerUser", "user_id"),
    ("Certification", "course"): ("Course", "course_id"),
}

# To-many relations: (type, field) -> (child type, the child's column holding the parent's id).
CHILDREN: dict[tuple[str, str], tuple[str, str]] = {
    ("Partner", "deals"): ("Deal", "partner_id"),
    ("Partner", "leads"): ("Lead", "assigned_partner_id"),
    ("Partner", "users"): ("PartnerUser", "partner_id"),
    ("PartnerUser", "deals"): ("Deal", "owner_id"),
    ("PartnerUser", "enrollments"): ("Enrollment", "user_id"),
    ("PartnerUser", "certifications"): ("Certification", "user_id"),
    ("Course", "enrollments"): ("Enrollment", "course_id"),
}

# What a root may answer for the oracle to judge it: rows of its types (or a connection of them,
# or any of them through `node`) and tiers, which have no rows but have guarded fields.
JUDGED_TYPES = frozenset(TABLES) | {"Node", "Tier"}

Row = Mapping[str, Any]
ResponsePath = tuple[str | int, ...]


@dataclass(frozen=True)
class Caller:
    email: str
    role: str
    partner_slug: str | None = None
    partner_id: int | None = None
    user_id: int | None = None  # partner_users.id
    vendor_user_id: int | None = None

    @property
    def column(self) -> str:
        """The caller's column in reads.csv; partners other than acme have no overrides, so
        globex's column stands for them all."""
        if self.partner_slug is None:
            return f"{self.role}@*"
        return f"{self.role}@{'acme' if self.partner_slug == 'acme' else 'globex'}"


async def load_callers(conn: asyncpg.Connection) -> list[Caller]:
    """Every person who can sign in: active vendor staff, active users of partners not
    suspended."""
    vendor = await conn.fetch("SELECT id, email, role FROM vendor_users WHERE active ORDER BY id")
    partner = await conn.fetch(
        "SELECT u.id, u.email, u.role, p.id AS partner_id, p.slug FROM partner_users u "
        "JOIN partners p ON p.id = u.partner_id "
        "WHERE u.active AND p.status <> 'SUSPENDED' ORDER BY u.id"
    )
    return [Caller(r["email"], r["role"], vendor_user_id=r["id"]) for r in vendor] + [
        Caller(r["email"], r["role"], r["slug"], r["partner_id"], r["id"]) for r in partner
    ]


@dataclass(frozen=True)
class Snapshot:
    """The columns of every row that decide visibility and relations, by type and id."""

    rows: Mapping[str, Mapping[int, Row]]

    @classmethod
    async def load(cls, conn: asyncpg.Connection) -> Snapshot:
        rows: dict[str, dict[int, Row]] = {}
        for type_name, (table, columns) in TABLES.items():
            found = await conn.fetch(f"SELECT {', '.join(('id', *columns))} FROM {table}")
            rows[type_name] = {r["id"]: dict(r) for r in found}
        return cls(rows)

    def ids(self, type_name: str, **where: Iterable[Any]) -> frozenset[int]:
        """Ids of the rows whose columns hold one of the given values."""
        sets = {column: set(values) for column, values in where.items()}
        return frozenset(
            row_id
            for row_id, row in self.rows[type_name].items()
            if all(row[column] in values for column, values in sets.items())
        )

    @cached_property
    def _children(self) -> dict[tuple[str, str], dict[int, frozenset[int]]]:
        index: dict[tuple[str, str], dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        for child_type, column in CHILDREN.values():
            for row_id, row in self.rows[child_type].items():
                index[child_type, column][row[column]].add(row_id)
        return {k: {p: frozenset(c) for p, c in v.items()} for k, v in index.items()}

    def children(self, child_type: str, column: str, parent_id: int) -> frozenset[int]:
        return self._children.get((child_type, column), {}).get(parent_id, frozenset())


def judged_roots(schema: GraphQLSchema) -> list[str]:
    """The Query fields the oracle can judge (not aggregates, nor the audit trail)."""
    assert schema.query_type is not None
    return [
        name
        for name, f in schema.query_type.fields.items()
        if get_named_type(f.type).name.removesuffix("Connection") in JUDGED_TYPES
    ]


class ReadsTable:
    """policies/tests/reads.csv: `Type.field` x `role@domain` -> allow or deny."""

    def __init__(self, path: Path = READS_TABLE) -> None:
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        self.decisions = {row["subject"]: row for row in rows}
        self.types = {subject.partition(".")[0] for subject in self.decisions}

    def allows(self, column: str, type_name: str, field_name: str) -> bool:
        """Whether the caller's column allows reading the field; types the policy does not cover
        (connections, edges, page info) are not guarded."""
        if type_name not in self.types or field_name == "__typename":
            return True
        row = self.decisions.get(f"{type_name}.{field_name}")
        if row is None:
            raise LookupError(f"reads.csv has no row for {type_name}.{field_name}")
        return row[column] == "allow"

    def denied(self, column: str) -> frozenset[str]:
        """Every `Type.field` the column denies."""
        return frozenset(s for s, row in self.decisions.items() if row[column] == "deny")


class Oracle:
    def __init__(self, snapshot: Snapshot, reads: ReadsTable) -> None:
        self.snapshot = snapshot
        self.reads = reads
        self._visible: dict[Caller, Mapping[str, frozenset[int]]] = {}

    def visible(self, caller: Caller) -> Mapping[str, frozenset[int]]:
        """The ids of each type the caller may see."""
        if caller not in self._visible:
            self._visible[caller] = self._compute_visible(caller)
        return self._visible[caller]

    def _compute_visible(self, caller: Caller) -> Mapping[str, frozenset[int]]:
        s = self.snapshot
        everything = {type_name: frozenset(rows) for type_name, rows in s.rows.items()}
        if caller.role in ("vendor_admin", "analyst"):
            return everything
        if caller.role == "partner_rep":
            me = [caller.user_id]
            return everything | {
                "Partner": s.ids("Partner", id=[caller.partner_id]),
                "PartnerUser": s.ids("PartnerUser", id=me),
                "Deal": s.ids("Deal", owner_id=me),
                "Lead": s.ids("Lead", assigned_user_id=me),
                "Enrollment": s.ids("Enrollment", user_id=me),
                "Certification": s.ids("Certification", user_id=me),
            }
        if caller.role == "channel_manager":
            partners = s.ids("Partner", channel_manager_id=[caller.vendor_user_id])
        elif caller.role == "partner_admin":
            partners = s.ids("Partner", id=[caller.partner_id])
        else:
            raise LookupError(f"the oracle knows no role {caller.role!r}")
        users = s.ids("PartnerUser", partner_id=partners)
        return everything | {
            "Partner": partners,
            "PartnerUser": users,
            "Deal": s.ids("Deal", partner_id=partners),
            "Lead": s.ids("Lead", assigned_partner_id=partners),
            # Training rows belong to a partner through their user.
            "Enrollment": s.ids("Enrollment", user_id=users),
            "Certification": s.ids("Certification", user_id=users),
        }


def decode_global_id(global_id: object) -> tuple[str, int] | None:
    """The README's opaque ids: base64("Type:id"); None when it is not one."""
    try:
        type_name, _, raw = base64.b64decode(str(global_id), validate=True).decode().partition(":")
        return type_name, int(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Expect:
    """What the rows under one field may be.

    `ids`: the database ids allowed there (None: any row the caller may see). `single`: a
    to-one field, which holds the one id in `ids`, or null when `ids` is empty. `exact`: an
    unfiltered list, which must hold all of `ids` (up to `first`) and count exactly them."""

    ids: frozenset[int] | None = None
    type_name: str | None = None
    single: bool = False
    exact: bool = False


ANY = Expect()


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)  # empty when the response is right
    checked: Counter[str] = field(default_factory=Counter)  # what was checked, for coverage


def check_response(
    body: Mapping[str, Any], operation: Operation, caller: Caller, oracle: Oracle
) -> Verdict:
    """Everything wrong with a response to `operation` for `caller`."""
    walk = _Walk(oracle, caller)
    data = body.get("data")
    if not isinstance(data, dict):
        return Verdict([f"no data in the response: {body}"])
    walk.walk_object(data, "Query", None, operation.selection, (), ANY)
    errors = body.get("errors") or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code != FORBIDDEN:
            walk.problems.append(f"an error other than FORBIDDEN: {error}")
    actual = Counter(tuple(e.get("path") or ()) for e in errors)
    expected = Counter(walk.forbidden)
    for path in expected - actual:
        walk.problems.append(f"no FORBIDDEN error at {list(path)}")
    for path in actual - expected:
        walk.problems.append(f"an unexpected error at {list(path)}")
    return Verdict(walk.problems, walk.checked)


@dataclass
class _Walk:
    """Walks a response together with the selection that produced it."""

    oracle: Oracle
    caller: Caller
    problems: list[str] = field(default_factory=list)
    forbidden: list[ResponsePath] = field(default_factory=list)  # where FORBIDDEN errors must be
    checked: Counter[str] = field(default_factory=Counter)

    @property
    def visible(self) -> Mapping[str, frozenset[int]]:
        return self.oracle.visible(self.caller)

    def walk_object(
        self,
        value: Mapping[str, Any],
        static_type: str,
        row_id: int | None,
        selection: Selection,
        path: ResponsePath,
        expect: Expect,
    ) -> None:
        """One object; `row_id` is its database id when it is a row (else None)."""
        fields = list(selection.effective(static_type))
        for f in fields:
            if f.key not in value:
                self.problems.append(f"{list(path)}: the response lacks {f.key}")
                continue
            self.walk_field(value[f.key], static_type, row_id, f, (*path, f.key), expect)

    def walk_field(
        self,
        value: Any,
        parent_type: str,
        parent_id: int | None,
        f: Field,
        path: ResponsePath,
        inherited: Expect,
    ) -> None:
        if not self.oracle.reads.allows(self.caller.column, parent_type, f.name):
            if value is not None:
                self.problems.append(f"{list(path)}: denied {parent_type}.{f.name} = {value!r}")
            self.forbidden.append(path)
            self.checked[f"denied {parent_type}.{f.name}"] += 1
            return
        if f.selection is None:
            return
        expect = self.expectation(parent_type, parent_id, f, inherited)
        if value is None:
            if expect.single and expect.ids:
                self.problems.append(
                    f"{list(path)}: null, but the caller may see {expect.type_name} "
                    f"{sorted(expect.ids)}"
                )
            return
        if isinstance(value, list):
            items = [self.walk_item(v, f, (*path, i), expect) for i, v in enumerate(value)]
            found = {row_id for row_id in items if row_id is not None}
            if expect.exact and expect.ids is not None and found != expect.ids:
                self.problems.append(
                    f"{list(path)}: ids {sorted(found)}, expected {sorted(expect.ids)}"
                )
            return
        self.walk_item(value, f, path, expect)

    def expectation(
        self, parent_type: str, parent_id: int | None, f: Field, inherited: Expect
    ) -> Expect:
        """What the objects under field `f` of a `parent_type` object may be."""
        if parent_type == "Query":
            return self.root_expectation(f)
        if parent_id is None:  # a connection or an edge passes its expectation to its nodes
            return inherited
        parent = self.oracle.snapshot.rows[parent_type][parent_id]
        if (parent_type, f.name) in REFERENCES:
            target, column = REFERENCES[parent_type, f.name]
            ids = frozenset({parent[column]}) & self.visible[target]
            self.checked["to-one relations"] += 1
            return Expect(ids, target, single=True)
        if (parent_type, f.name) in CHILDREN:
            child, column = CHILDREN[parent_type, f.name]
            ids = self.oracle.snapshot.children(child, column, parent_id) & self.visible[child]
            self.checked["to-many relations"] += 1
            return Expect(ids, child, exact=True)
        return ANY  # a relation the oracle does not know: only visibility is checked

    def root_expectation(self, f: Field) -> Expect:
        expect = self.root_lookup(f)
        if expect.single:
            seen = "the caller's" if expect.ids else "not the caller's (or missing)"
            self.checked[f"{f.name}(): a row {seen}"] += 1
        return expect

    def root_lookup(self, f: Field) -> Expect:
        if f.name == "node":
            decoded = decode_global_id(f.value_of("id"))
            if decoded is None or decoded[0] not in self.visible:
                return Expect(frozenset(), single=True)
            type_name, row_id = decoded
            return Expect(frozenset({row_id}) & self.visible[type_name], type_name, single=True)
        if f.name == "partner":
            slug = str(f.value_of("slug"))
            ids = self.oracle.snapshot.ids("Partner", slug=[slug]) & self.visible["Partner"]
            return Expect(ids, "Partner", single=True)
        return Expect(exact=True)  # a root list: every visible row of its type

    def walk_item(self, value: Any, f: Field, path: ResponsePath, expect: Expect) -> int | None:
        """One object under field `f`; its database id when it is a row."""
        assert f.selection is not None
        typename = self.typename(value, f.selection, path)
        if typename is None:
            return None
        if typename.endswith("Connection"):
            self.connection(value, typename, f, path, expect)
            return None
        row_id = self.identify(value, typename, f.selection, path, expect)
        self.walk_object(value, typename, row_id, f.selection, path, expect)
        return row_id

    def typename(self, value: Any, selection: Selection, path: ResponsePath) -> str | None:
        keys = [f.key for f in selection.fields if f.name == "__typename"]
        if not isinstance(value, dict) or not keys:
            self.problems.append(f"{list(path)}: not an object with __typename: {value!r}")
            return None
        return str(value[keys[0]])

    def identify(
        self,
        value: Mapping[str, Any],
        typename: str,
        selection: Selection,
        path: ResponsePath,
        expect: Expect,
    ) -> int | None:
        """The database id of a row object, after checking the caller may see it."""
        if typename not in self.visible:
            return None  # not a row: a connection's edge, page info, a tier
        id_keys = [f.key for f in selection.effective(typename) if f.name == "id"]
        decoded = decode_global_id(value.get(id_keys[0])) if id_keys else None
        if decoded is None or decoded[0] != typename:
            self.problems.append(f"{list(path)}: {typename} without a valid id: {value}")
            return None
        row_id = decoded[1]
        if row_id not in self.visible[typename]:
            self.problems.append(f"{list(path)}: {typename} {row_id} is not the caller's to see")
        elif expect.type_name is not None and expect.type_name != typename:
            self.problems.append(f"{list(path)}: a {typename}, expected a {expect.type_name}")
        elif expect.ids is not None and row_id not in expect.ids:
            self.problems.append(f"{list(path)}: {typename} {row_id} does not belong here")
        self.checked[f"rows {typename}"] += 1
        return row_id

    def connection(
        self, value: Mapping[str, Any], typename: str, f: Field, path: ResponsePath, expect: Expect
    ) -> None:
        """A page of rows: its items are checked against `expect`, its counts against the rows
        the caller may see there."""
        assert f.selection is not None
        node_type = typename.removesuffix("Connection")
        if node_type not in self.visible:  # not rows the oracle knows: only fields are checked
            self.walk_object(value, typename, None, f.selection, path, ANY)
            return
        ids = expect.ids if expect.ids is not None else self.visible[node_type]
        within = Expect(ids, node_type)
        self.walk_object(value, typename, None, f.selection, path, within)
        exact = expect.exact and f.value_of("filter") is None
        first = f.value_of("first")
        for c in f.selection.effective(typename):
            got = value.get(c.key)
            if c.name == "totalCount" and isinstance(got, int):
                if got > len(ids) or (exact and got != len(ids)):
                    self.problems.append(
                        f"{list((*path, c.key))}: totalCount {got}, the caller may see {len(ids)}"
                    )
            if c.name in ("nodes", "edges") and exact and isinstance(first, int):
                if isinstance(got, list) and len(got) != min(first, len(ids)):
                    self.problems.append(
                        f"{list((*path, c.key))}: {len(got)} items, expected "
                        f"{min(first, len(ids))} of {len(ids)} visible"
                    )
