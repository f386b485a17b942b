"""Injection strings in a mutation's text inputs are stored as the text they are: one row per
accepted registration holding exactly that text, nothing else changed; text the database cannot
hold (NUL) is refused with a code and leaves no row behind."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from tests.attacks.conftest import Caller
from tests.attacks.test_injection import INJECTIONS, NUL
from tests.support.graphql import GraphQLClient
from tests.support.hygiene import checked_body, error_codes

REGISTER = """
mutation($input: RegisterDealInput!) {
  registerDeal(input: $input) { deal { id customerName products } userErrors { field code } }
}
"""


def _registration(name: str, domain: str, products: list[str]) -> dict[str, Any]:
    return {
        "customerName": name,
        "customerDomain": domain,
        "products": products,
        "amount": "1000.00",
        "expectedCloseDate": (date.today() + timedelta(days=30)).isoformat(),
        "region": "EMEA",
    }


async def _register(rep: GraphQLClient, given: dict[str, Any], echoed: str) -> dict[str, Any]:
    return checked_body(await rep.post(REGISTER, {"input": given}), echoed=echoed)


async def test_injection_text_is_stored_as_text(
    writer: Caller, writes_db: asyncpg.Connection
) -> None:
    rep = writer("rep@acme.example")
    before = await writes_db.fetchval("SELECT count(*) FROM deals")
    for number, text in enumerate(INJECTIONS):
        given = _registration(text, f"injection-{number}.example", ["NET-FW"])
        body = await _register(rep, given, text)
        assert error_codes(body) == [], body
        payload = body["data"]["registerDeal"]
        assert payload["userErrors"] == [], (text, payload)
        assert payload["deal"]["customerName"] == text
    assert await writes_db.fetchval("SELECT count(*) FROM deals") == before + len(INJECTIONS)
    stored = await writes_db.fetch(
        "SELECT customer_name FROM deals WHERE customer_domain LIKE 'injection-%.example'"
    )
    assert sorted(r["customer_name"] for r in stored) == sorted(INJECTIONS)


async def test_injection_in_a_domain_or_product_is_a_user_error(
    writer: Caller, writes_db: asyncpg.Connection
) -> None:
    rep = writer("rep@acme.example")
    before = await writes_db.fetchval("SELECT count(*) FROM deals")
    for text in INJECTIONS:
        for given in (
            _registration("Contoso", text, ["NET-FW"]),
            _registration("Contoso", "contoso-inj.example", [text]),
        ):
            body = await _register(rep, given, text)
            assert error_codes(body) == [], body
            payload = body["data"]["registerDeal"]
            assert payload["deal"] is None, (text, payload)
            assert [e["code"] for e in payload["userErrors"]], (text, payload)
    assert await writes_db.fetchval("SELECT count(*) FROM deals") == before


async def test_nul_is_refused_and_writes_nothing(
    writer: Caller, writes_db: asyncpg.Connection
) -> None:
    rep = writer("rep@acme.example")
    before = await writes_db.fetchval("SELECT count(*) FROM deals")
    body = await _register(rep, _registration(NUL, "nul-name.example", ["NET-FW"]), NUL)
    assert "BAD_USER_INPUT" in error_codes(body), body
    assert await writes_db.fetchval("SELECT count(*) FROM deals") == before
