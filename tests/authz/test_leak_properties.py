"""Property: whatever valid operation anyone sends, the answer holds only the rows the caller may
see and only the fields the policy lets them read.

Hypothesis draws a caller (every persona, and any other partner user) and a random valid operation
over the schema (tests/support/operations.py), sends it over real HTTP to `partner-gateway serve`
running in a subprocess on the suite's seeded data, and checks the response against an oracle made
of raw SQL and the policy's truth table (tests/support/oracle.py). `LEAK_TEST_EXAMPLES=5000` runs
more operations than the default 300; `pytest -s` shows how many ran, and `leak-operations.json`
in the test's tmp dir keeps that count and what the operations covered.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from gateway.auth.jwt_tokens import mint_token
from gateway.schema.schema import build_schema
from gateway.seed.personas import (
    ADMIN_LOCAL_PART,
    FIXED_PARTNERS,
    REP_LOCAL_PART,
    VENDOR_PERSONAS,
)
from tests.conftest import TEST_PLAN
from tests.support.auth import TEST_AUTH
from tests.support.browser import free_port
from tests.support.operations import Field, Operation, Selection, World, operations, select
from tests.support.operations import to_global_id as global_id
from tests.support.oracle import (
    Caller,
    Oracle,
    ReadsTable,
    Snapshot,
    Verdict,
    check_response,
    judged_roots,
    load_callers,
)
from tests.support.postgres import seeded_database

EXAMPLES = int(os.environ.get("LEAK_TEST_EXAMPLES", "300"))
TOKEN_TTL = timedelta(hours=1)
PERSONAS = tuple(p.email for p in VENDOR_PERSONAS) + tuple(
    f"{local}@{partner.domain}"
    for partner in FIXED_PARTNERS
    for local in (ADMIN_LOCAL_PART, REP_LOCAL_PART)
)


@dataclass
class LeakSetup:
    """Everything the property needs from the database, read once, before any request."""

    oracle: Oracle
    callers: list[Caller]
    world: World
    _worlds: dict[Caller, World]

    def world_for(self, caller: Caller) -> World:
        """The shared world, favouring the rows this caller can see and the fields they may not
        read (cached: sorting thousands of ids for every example costs more than a request)."""
        if caller not in self._worlds:
            visible = self.oracle.visible(caller)
            slugs = self.oracle.snapshot.rows["Partner"]
            self._worlds[caller] = World(
                row_ids=self.world.row_ids,
                favoured_ids={t: sorted(ids) for t, ids in visible.items()},
                partner_slugs=self.world.partner_slugs,
                favoured_slugs=sorted(slugs[i]["slug"] for i in visible["Partner"]),
                product_codes=self.world.product_codes,
                name_prefixes=self.world.name_prefixes,
                always_select=self.oracle.reads.denied(caller.column),
            )
        return self._worlds[caller]

    def caller(self, email: str) -> Caller:
        return next(c for c in self.callers if c.email == email)


@pytest.fixture(scope="session")
async def leak_dsn(server_dsn: str) -> AsyncIterator[str]:
    """A private database with the suite's seeded data (TEST_PLAN). Not the shared `seeded_dsn`:
    every in-process server of the suite runs the scheduled jobs, and the lead recall job moves
    leads between partners, while the oracle's snapshot must stay true for the whole run."""
    async with seeded_database(server_dsn, TEST_PLAN) as dsn:
        yield dsn


@pytest.fixture(scope="session")
async def leak_setup(leak_dsn: str) -> LeakSetup:
    conn = await asyncpg.connect(leak_dsn)
    try:
        snapshot = await Snapshot.load(conn)
        callers = await load_callers(conn)
        products = await conn.fetch("SELECT DISTINCT unnest(products) FROM deals ORDER BY 1")
        prefixes = await conn.fetch(
            "SELECT lower(left(customer_name, 2)) FROM deals UNION "
            "SELECT lower(left(company, 2)) FROM leads UNION "
            "SELECT lower(left(name, 3)) FROM partners ORDER BY 1"
        )
    finally:
        await conn.close()
    world = World(
        row_ids={t: sorted(rows) for t, rows in snapshot.rows.items()},
        favoured_ids={},
        partner_slugs=sorted(row["slug"] for row in snapshot.rows["Partner"].values()),
        favoured_slugs=(),
        product_codes=[r[0] for r in products],
        name_prefixes=[r[0] for r in prefixes],
    )
    return LeakSetup(Oracle(snapshot, ReadsTable()), callers, world, {})


@dataclass(frozen=True)
class Gateway:
    url: str
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size

    def withheld_rows(self, since: int) -> list[str]:
        """What the gateway's second, in-process scope check logged after `since` (README: "a
        violation is withheld and logged as an error"). A row reaches it only through a wrong
        SQL scope, which the response alone would never show."""
        with self.log.open("rb") as handle:
            handle.seek(since)
            text = handle.read().decode(errors="replace")
        return [line for line in text.splitlines() if "gateway.authz.leak" in line]


@pytest.fixture(scope="session")
def gateway(leak_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """`python -m gateway serve` on a free port for the whole session (sync, so the hypothesis
    test can be a plain function), its scheduled jobs off so that the data stays as seeded; its
    log goes to a file so a chatty server never blocks."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("leak-gateway") / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": leak_dsn,
        "JOBS_INTERVAL_SECONDS": "0",
        # Random operations are bigger than any portal's (up to ~24 repeated aliases, ~1,500
        # tokens, a cost seen up to ~21,000 with nested lists at their page caps); this test is
        # about who sees what, and the limits have their own tests (tests/limits/).
        "LIMIT_MAX_ALIASES": "40",
        "LIMIT_MAX_TOKENS": "3000",
        "LIMIT_MAX_COST": "200000",
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        "JWT_SECRET": TEST_AUTH.jwt_secret,
    }
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve"], env=env, stdout=log, stderr=log
        )
        try:
            _wait_until_ready(base, process, log_path)
            yield Gateway(base, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(f"the server did not become ready within 20 seconds:\n{log_path.read_text()}")


def _post(
    http: httpx.Client, caller: Caller, operation: Operation
) -> tuple[httpx.Response, dict[str, Any]]:
    document, variables = operation.render()
    token = mint_token(TEST_AUTH, caller.email, [caller.role], caller.partner_slug, TOKEN_TTL)
    response = http.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json() if response.status_code == 200 else {}
    return response, body


def test_no_operation_reveals_what_the_caller_may_not_see(
    gateway: Gateway,
    leak_setup: LeakSetup,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    schema = build_schema()._schema
    roots = judged_roots(schema)
    callers = st.one_of(*(st.sampled_from(group) for group in _caller_groups(leak_setup)))
    ran = 0
    per_operation: Counter[str] = Counter()  # operations that exercised each feature
    checked: Counter[str] = Counter()  # rows, relations and denied fields checked in all
    started = time.monotonic()

    with httpx.Client(base_url=gateway.url, timeout=60) as http:

        @settings(max_examples=EXAMPLES, deadline=None, print_blob=True)
        @given(data=st.data())
        def one_operation(data: st.DataObject) -> None:
            nonlocal ran
            caller = data.draw(callers, label="caller")
            world = leak_setup.world_for(caller)
            operation = data.draw(operations(schema, world, roots), label="operation")
            log_mark = gateway.log_size()
            response, body = _post(http, caller, operation)
            ran += 1
            assert response.status_code == 200, response.text
            note(f"response: {json.dumps(body)[:20_000]}")
            verdict = check_response(body, operation, caller, leak_setup.oracle)
            per_operation.update(_coverage(operation, caller, verdict))
            checked.update(verdict.checked)
            problems = verdict.problems + gateway.withheld_rows(since=log_mark)
            assert not problems, "\n".join(problems)

        try:
            one_operation()
        finally:  # a failing run's count matters too: it includes the shrinking
            elapsed = time.monotonic() - started
            summary = {
                "operations": ran,
                "seconds": round(elapsed, 1),
                "operations that exercised": dict(sorted(per_operation.items())),
                "checked in all": dict(sorted(checked.items())),
            }
            (tmp_path / "leak-operations.json").write_text(json.dumps(summary, indent=2))
            record_property("leak_operations", ran)
            print(f"\nleak properties: {ran} operations in {elapsed:.1f}s, summary in {tmp_path}")


def _caller_groups(leak_setup: LeakSetup) -> list[list[Caller]]:
    """Callers by role, personas apart from the other partner users: drawing a group first
    gives every role a fair share, whatever the number of people holding it."""
    groups: dict[tuple[str, bool], list[Caller]] = {}
    for caller in leak_setup.callers:
        groups.setdefault((caller.role, caller.email in PERSONAS), []).append(caller)
    assert sum(len(g) for (_, persona), g in groups.items() if persona) == len(PERSONAS)
    return [groups[key] for key in sorted(groups)]


def _coverage(operation: Operation, caller: Caller, verdict: Verdict) -> set[str]:
    """What one operation exercised; per role, so the odds of catching a leak of one field to
    one role can be read off the summary."""
    document, variables = operation.render()
    features = {
        f"caller {caller.email if caller.email in PERSONAS else 'another partner user'}",
        *(f"root {root.name}" for root in operation.selection.fields),
        *(f"{caller.role}: {k}" for k in verdict.checked if k.startswith(("rows ", "denied "))),
    }
    for feature, present in (
        ("variables", bool(variables)),
        ("named fragments", "\nfragment " in document),
        ("inline fragments", "... on " in document),
        ("filters", "filter:" in document),
        ("orderBy", "orderBy:" in document),
    ):
        if present:
            features.add(feature)
    return features


# ---- the checker can fail ---------------------------------------------------------------------
# A checker that accepted everything would make the property pass. These take a real response it
# accepts, plant one kind of leak in it at a time, and require the checker to report it.


@dataclass
class Honest:
    """A real response the checker accepts, and what it was the answer to."""

    caller: Caller
    operation: Operation
    body: dict[str, Any]
    other_deal: str  # the global id of another partner's deal


def _row(*extra: Field) -> Selection:
    return select(Field("__typename"), Field("id"), *extra)


@pytest.fixture(scope="module")
def honest(gateway: Gateway, leak_setup: LeakSetup) -> Honest:
    caller = leak_setup.caller("rep@acme.example")
    deals = leak_setup.oracle.snapshot.rows["Deal"]
    own = min(leak_setup.oracle.visible(caller)["Deal"])
    other = min(i for i, row in deals.items() if row["partner_id"] != caller.partner_id)
    operation = Operation(
        select(
            Field(
                "deals",
                args={"first": 2},
                selection=select(
                    Field("__typename"),
                    Field("totalCount"),
                    Field("nodes", selection=_row(Field("internalNotes"))),
                ),
            ),
            Field("node", args={"id": global_id("Deal", own)}, selection=_row()),
            Field("node", "other", {"id": global_id("Deal", other)}, _row()),
        )
    )
    with httpx.Client(base_url=gateway.url) as http:
        response, body = _post(http, caller, operation)
    assert response.status_code == 200
    assert check_response(body, operation, caller, leak_setup.oracle).problems == []
    return Honest(caller, operation, body, global_id("Deal", other))


Mutation = Callable[[dict[str, Any], str], None]  # (body, another partner's deal id)


def _set(path: tuple[str | int, ...], value: Callable[[str], object]) -> Mutation:
    def mutate(body: dict[str, Any], other_deal: str) -> None:
        target: Any = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value(other_deal)

    return mutate


NODES = ("data", "deals", "nodes")
MUTATIONS: Mapping[str, tuple[Mutation, str]] = {
    "another partner's deal in a list": (_set((*NODES, 0, "id"), str), "not the caller's"),
    "a denied field with a value": (_set((*NODES, 0, "internalNotes"), lambda _: "x"), "denied"),
    "a denied field without its error": (lambda b, _: b["errors"].pop(), "no FORBIDDEN error"),
    "an error of another kind": (
        lambda b, _: b["errors"][0]["extensions"].update(code="INTERNAL_SERVER_ERROR"),
        "other than FORBIDDEN",
    ),
    "a count of rows not the caller's": (
        _set(("data", "deals", "totalCount"), lambda _: 10_000),
        "totalCount",
    ),
    "node(id:) answering another partner's row": (
        _set(("data", "other"), lambda deal: {"__typename": "Deal", "id": deal}),
        "not the caller's",
    ),
    "node(id:) hiding the caller's own row": (_set(("data", "node"), lambda _: None), "null, but"),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_checker_catches(mutation: str, honest: Honest, leak_setup: LeakSetup) -> None:
    mutate, expected = MUTATIONS[mutation]
    body = copy.deepcopy(honest.body)
    mutate(body, honest.other_deal)
    problems = check_response(body, honest.operation, honest.caller, leak_setup.oracle).problems
    assert any(expected in problem for problem in problems), problems
