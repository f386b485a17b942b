"""The shipped policy, its truth tables, Casbin and our grant all agree, cell by cell."""

from __future__ import annotations

import csv
from pathlib import Path

from graphql import GraphQLNonNull, GraphQLObjectType

from gateway.authz.policy import DEFAULT_POLICY_DIR, Policy
from gateway.authz.truth_table import ACTIONS_FILE, READS, check, columns
from gateway.authz.universe import FieldRef
from gateway.schema.schema import build_schema


def test_the_truth_tables_hold(policy: Policy, fields: tuple[FieldRef, ...]) -> None:
    assert check(policy, fields, DEFAULT_POLICY_DIR / "tests") == []


def test_a_new_schema_field_without_a_row_fails(
    policy: Policy, fields: tuple[FieldRef, ...]
) -> None:
    unreviewed = (*fields, FieldRef("Deal", "marginPct", None))
    problems = check(policy, unreviewed, DEFAULT_POLICY_DIR / "tests")
    assert problems == ["reads.csv: no row for schema field Deal.marginPct"]


def test_a_blank_cell_fails(
    policy: Policy, fields: tuple[FieldRef, ...], policy_copy: Path
) -> None:
    path = policy_copy / "tests" / READS
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][3] = ""
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    problems = check(policy, fields, policy_copy / "tests")
    assert len(problems) == 1 and "no decision in the table" in problems[0]


def test_a_flipped_cell_fails(
    policy: Policy, fields: tuple[FieldRef, ...], policy_copy: Path
) -> None:
    path = policy_copy / "tests" / READS
    text = path.read_text()
    header = text.splitlines()[0].split(",")
    column = header.index("partner_rep@globex")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == "Deal.internalNotes":
            cells[column] = "allow"
            lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    problems = check(policy, fields, policy_copy / "tests")
    assert problems == [
        "reads.csv Deal.internalNotes partner_rep@globex: table says allow, Casbin says deny",
        "reads.csv Deal.internalNotes partner_rep@globex: table says allow, the grant says deny",
    ]


def test_every_field_some_role_may_not_read_is_nullable(fields: tuple[FieldRef, ...]) -> None:
    """Only roles that may read the object count: no object reaches the others at all (the
    audit trail, say), so none of its fields ever answers null for them."""
    schema = build_schema()._schema
    with (DEFAULT_POLICY_DIR / "tests" / READS).open() as handle:
        rows = {row["subject"]: row for row in csv.DictReader(handle)}
    with (DEFAULT_POLICY_DIR / "tests" / ACTIONS_FILE).open() as handle:
        actions = {row["subject"]: row for row in csv.DictReader(handle)}
    headers = [c.header for c in columns()]
    for field in fields:
        readers = [h for h in headers if actions[f"{field.type_name}:read"][h] == "allow"]
        denied_somewhere = any(rows[field.key][h] == "deny" for h in readers)
        graphql_type = schema.type_map[field.type_name]
        assert isinstance(graphql_type, GraphQLObjectType)
        graphql_field = graphql_type.fields[field.field_name]
        if denied_somewhere:
            assert not isinstance(graphql_field.type, GraphQLNonNull), field.key


def test_known_decisions(policy: Policy) -> None:
    """The product's headline rules, stated by hand so a regenerated table cannot hide them."""
    assert not policy.enforce("partner_rep", "acme", "Deal.internalNotes", "read")[0]
    assert not policy.enforce("partner_admin", "acme", "Partner.contractValue", "read")[0]
    assert policy.enforce("partner_rep", "acme", "Lead.score", "read")[0]
    assert not policy.enforce("partner_rep", "globex", "Lead.score", "read")[0]
    assert not policy.enforce("analyst", "*", "Lead.email", "read")[0]
    assert not policy.enforce("analyst", "*", "Deal", "approve")[0]
    assert policy.enforce("channel_manager", "*", "Deal", "approve")[0]
    assert not policy.enforce("partner_admin", "acme", "Deal", "approve")[0]
    assert policy.enforce("partner_system", "acme", "Deal", "create")[0]
