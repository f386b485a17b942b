"""Injection strings in every text argument and filter are data, never SQL: each answers exactly
what a harmless string that matches nothing answers (same data, same error codes), so no SQL
error surfaces and no extra row appears. A NUL character may add a BAD_USER_INPUT, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gateway.schema.schema import build_schema
from tests.attacks.slots import Slot, slots
from tests.support.graphql import GraphQLClient
from tests.support.hygiene import checked_body, error_codes

HARMLESS = "no-such-value-7f3a"
INJECTIONS = [
    "' OR 1=1 --",
    "acme' OR 'a'='a",
    "'; DROP TABLE deals; --",
    '") OR true; --',
    "$$ OR true $$",
    "*/ OR 1=1 /*",
    "%",
    "_",
    "\\",
    "x' UNION SELECT email, null FROM partner_users --",
]
NUL = "acme\x00' OR 1=1 --"
# The vendor admin sees every row (an extra one would show); the rep is held to their own.
CALLERS = ["admin@vendor.example", "rep@acme.example"]
SLOTS = slots(build_schema()._schema)


def _answer(body: dict[str, Any]) -> tuple[Any, list[str]]:
    return body.get("data"), sorted(error_codes(body))


@pytest.mark.parametrize("slot", SLOTS, ids=[s.name for s in SLOTS])
async def test_injection_strings_are_data(
    attacker: Callable[[str], GraphQLClient], slot: Slot
) -> None:
    assert len(SLOTS) >= 40  # the schema walk found the filters (it would find none if broken)
    for email in CALLERS:
        client = attacker(email)

        async def ask(text: str, client: GraphQLClient = client) -> dict[str, Any]:
            return checked_body(await client.post(slot.query, slot.variables(text)), echoed=text)

        expected_data, expected_codes = _answer(await ask(HARMLESS))
        assert "INTERNAL_SERVER_ERROR" not in expected_codes
        for text in INJECTIONS:
            assert _answer(await ask(text)) == (expected_data, expected_codes), (email, text)
        data, codes = _answer(await ask(NUL))
        assert set(codes) <= {*expected_codes, "BAD_USER_INPUT"}, (email, codes)
