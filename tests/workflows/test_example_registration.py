"""The GraphiQL tab that registers a deal does what its comment promises, run as its persona."""

from __future__ import annotations

from gateway.http.graphiql import EXAMPLES_DIR, persona_of
from tests.workflows.lead_steps import ActAs

EXAMPLE = (EXAMPLES_DIR / "5-register-a-deal.graphql").read_text(encoding="utf-8")


async def test_the_example_registers_then_reports_a_conflict(act_as: ActAs) -> None:
    query = EXAMPLE
    persona = persona_of(query)
    assert persona == "rep@acme.example"
    first = (await act_as(persona).data(query))["registerDeal"]
    second = (await act_as(persona).data(query))["registerDeal"]

    # A failure here after mid-2030 means the example's expectedCloseDate needs moving on.
    assert first["userErrors"] == []
    assert first["deal"]["status"] == "PENDING"
    assert first["deal"]["customerDomain"] == "shop.northwind-traders.example"
    assert first["deal"]["hasConflict"] is False
    assert second["userErrors"] == []
    assert second["deal"]["hasConflict"] is True
