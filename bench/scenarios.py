"""The benchmark's scenarios: an operation file in `bench/operations/`, a caller, the variables."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

OPERATIONS_DIR = Path(__file__).resolve().parent / "operations"

VENDOR_ADMIN = "admin@vendor.example"
ACME_REP = "rep@acme.example"
CALLERS = (VENDOR_ADMIN, ACME_REP)

# A deal in the middle of the seeded set (ids 1..100,000), owned by a partner user.
DEAL_ID = 50_000
# Scenario D's request bodies carry this placeholder; each request replaces it with a fresh tag
# (the driver's Lua script and the checks here), so every registration has its own customer.
UNIQUE_TAG = "__UNIQUE__"
# Two labels, so the domain is its own registrable domain: registrations never conflict with
# each other (conflict detection compares registrable domains).
REGISTERED_DOMAIN = f"bench-{UNIQUE_TAG}.example"


def global_id(type_name: str, row_id: int) -> str:
    """The gateway's opaque ids: base64 of `Type:id` (gateway/schema/node.py)."""
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    operation_file: str
    caller: str
    variables: dict[str, Any] = field(default_factory=dict)
    # Each request writes (scenario D): bodies carry UNIQUE_TAG, checks compare shapes only.
    writes: bool = False

    @property
    def query(self) -> str:
        return (OPERATIONS_DIR / self.operation_file).read_text(encoding="utf-8")

    @property
    def operation_name(self) -> str:
        for line in self.query.splitlines():
            words = line.replace("(", " ").replace("{", " ").split()
            if words and words[0] in ("query", "mutation"):
                return words[1]
        raise ValueError(f"{self.operation_file} names no operation")

    def body(self) -> str:
        """The POST body; for scenario D with UNIQUE_TAG still in it, for the driver to fill."""
        return json.dumps(
            {
                "query": self.query,
                "operationName": self.operation_name,
                "variables": self.variables,
            },
            separators=(",", ":"),
        )


def _register_input() -> dict[str, Any]:
    return {
        "input": {
            "customerName": f"Bench Customer {UNIQUE_TAG}",
            "customerDomain": REGISTERED_DOMAIN,
            "products": ["NET-FW", "SEC-EDR"],
            "amount": "12500.00",
            "expectedCloseDate": (date.today() + timedelta(days=60)).isoformat(),
            "region": "EMEA",
        }
    }


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "A",
        "one deal by id, with partner and owner",
        "a_deal_by_id.graphql",
        VENDOR_ADMIN,
        {"id": global_id("Deal", DEAL_ID)},
    ),
    Scenario("B", "100 deals with partner and owner", "b_deals_page.graphql", VENDOR_ADMIN),
    Scenario(
        "C",
        "10 partners x 10 deals x owner, plus users with certifications",
        "c_partners_tree.graphql",
        VENDOR_ADMIN,
    ),
    Scenario(
        "D",
        "registerDeal (a new customer each request)",
        "d_register_deal.graphql",
        ACME_REP,
        _register_input(),
        writes=True,
    ),
    # E is B as a partner rep; its ratio is against B (the vendor admin) on the gateway.
    Scenario("E", "scenario B as rep@acme.example", "b_deals_page.graphql", ACME_REP),
)


def by_key(keys: str) -> list[Scenario]:
    wanted = set(keys.upper())
    return [s for s in SCENARIOS if s.key in wanted]
