"""The authorization property tests' random operations, from random callers of every role,
answered identically by both paths: the same `data` (as JSON text, so in the same key order) and
the same errors, with their messages, paths and codes.

Two things are compared as sets rather than sequences, because Strawberry's execution does not
fix them either: the order of errors met in different branches that wait on different queries
(whichever query returns first reports first), and the statement count of operations reaching
one loader from two depths (7 or 8 statements for the same text, depending on whether the two
loads fall into one batch). The shipped operations' exact error order and statement counts are
pinned in test_operations.py.

The generator (tests/support/operations.py) favours rows the caller may see and always selects
the fields their role may not read, so denials, nulls and fragments are exercised throughout.
Both gateways serve the suite's seeded data over real HTTP from threads; the test is a plain
function so that hypothesis drives it. `COMPILED_EXAMPLES` sets how many operations run.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from gateway.app import create_app
from gateway.auth.jwt_tokens import mint_token
from gateway.compiled.executor import compiled_plan
from gateway.config import Settings
from gateway.limits.settings import LimitSettings
from gateway.schema.schema import build_schema
from tests.support.auth import TEST_AUTH
from tests.support.browser import app_in_thread
from tests.support.operations import World, operations
from tests.support.oracle import Caller, Oracle, ReadsTable, Snapshot, judged_roots, load_callers

TOKEN_TTL = timedelta(hours=1)
EXAMPLES = int(os.environ.get("COMPILED_EXAMPLES", "100"))
SCHEMA = build_schema()._schema

# Random operations are bigger than any portal's (costs up to ~21,000 seen); the limits have
# their own tests.
RAISED_LIMITS = LimitSettings.from_env(
    {"LIMIT_MAX_ALIASES": "40", "LIMIT_MAX_TOKENS": "3000", "LIMIT_MAX_COST": "200000"}
)


@dataclass(frozen=True)
class Setting:
    callers: list[Caller]
    worlds: dict[Caller, World]


async def _load(dsn: str) -> Setting:
    conn = await asyncpg.connect(dsn)
    try:
        snapshot = await Snapshot.load(conn)
        callers = await load_callers(conn)
        products = [r[0] for r in await conn.fetch("SELECT DISTINCT unnest(products) FROM deals")]
        prefixes = [r[0] for r in await conn.fetch("SELECT lower(left(name, 3)) FROM partners")]
    finally:
        await conn.close()
    oracle, reads = Oracle(snapshot, ReadsTable()), ReadsTable()
    slugs = snapshot.rows["Partner"]
    # Every role, a few people each (personas first): the pool the callers are drawn from.
    chosen: dict[str, list[Caller]] = {}
    for caller in callers:
        if len(chosen.setdefault(caller.role, [])) < 3:
            chosen[caller.role].append(caller)
    picked = [caller for group in chosen.values() for caller in group]
    worlds = {}
    for caller in picked:
        visible = oracle.visible(caller)
        worlds[caller] = World(
            row_ids={t: sorted(rows) for t, rows in snapshot.rows.items()},
            favoured_ids={t: sorted(ids) for t, ids in visible.items()},
            partner_slugs=sorted(row["slug"] for row in slugs.values()),
            favoured_slugs=sorted(slugs[i]["slug"] for i in visible["Partner"]),
            product_codes=sorted(products),
            name_prefixes=sorted(set(prefixes)),
            always_select=reads.denied(caller.column),
        )
    return Setting(picked, worlds)


@pytest.fixture(scope="module")
async def setting(seeded_dsn: str) -> Setting:
    return await _load(seeded_dsn)


@pytest.fixture(scope="module")
def servers(seeded_dsn: str, settings: Settings) -> Iterator[tuple[str, str]]:
    """(interpreted, compiled) base URLs."""
    base = replace(
        settings, rate_limit_per_user=None, rate_limit_per_api_key=None, limits=RAISED_LIMITS
    )
    off = create_app(replace(base, compiled_execution=False), seeded_dsn)
    on = create_app(replace(base, compiled_execution=True), seeded_dsn)
    with app_in_thread(off) as interpreted, app_in_thread(on) as compiled:
        yield interpreted, compiled


def _ask(http: httpx.Client, url: str, token: str, body: dict[str, Any]) -> tuple[str, list[str]]:
    """The data as JSON text, and the errors as sorted JSON texts."""
    response = http.post(f"{url}/graphql", json=body, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    answer = response.json()
    errors = sorted(json.dumps(error) for error in answer.get("errors", []))
    return json.dumps(answer.get("data")), errors


async def test_random_operations_answer_the_same(
    setting: Setting, servers: tuple[str, str]
) -> None:
    # The servers run in threads on their own loops; this thread only waits on sockets.
    await asyncio.to_thread(_property, setting, servers)


def _property(setting: Setting, servers: tuple[str, str]) -> None:
    interpreted_url, compiled_url = servers
    roots = judged_roots(SCHEMA)
    compiled_count = 0

    with httpx.Client(timeout=60) as http:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            # Shrinking these operations takes minutes; the failing one is printed as drawn.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        )
        @given(data=st.data())
        def one_operation(data: st.DataObject) -> None:
            nonlocal compiled_count
            caller = data.draw(st.sampled_from(setting.callers), label="caller")
            operation = data.draw(
                operations(SCHEMA, setting.worlds[caller], roots), label="operation"
            )
            document, variables = operation.render()
            if compiled_plan(SCHEMA, document, variables) is not None:
                compiled_count += 1
            token = mint_token(
                TEST_AUTH, caller.email, [caller.role], caller.partner_slug, TOKEN_TTL
            )
            body = {"query": document, "variables": variables}
            interpreted, interpreted_errors = _ask(http, interpreted_url, token, body)
            compiled, compiled_errors = _ask(http, compiled_url, token, body)
            note(f"interpreted: {interpreted[:5000]} {interpreted_errors[:20]}")
            note(f"compiled:    {compiled[:5000]} {compiled_errors[:20]}")
            assert compiled == interpreted
            assert compiled_errors == interpreted_errors

        one_operation()
    # Most random operations have a plan: the comparison is not between two fallbacks.
    assert compiled_count >= EXAMPLES * 0.6, compiled_count
