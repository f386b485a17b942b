"""End customers that deals and leads are about; shared across partners, so conflicts occur."""

from __future__ import annotations

import random
from dataclasses import dataclass

from gateway.seed.identifiers import slugify
from gateway.seed.vocabulary import (
    CUSTOMER_NAME_HEADS,
    CUSTOMER_NAME_TAILS,
    LEGAL_SUFFIXES,
    REGION_MIX,
    REGIONAL_SUBDOMAINS,
    REGIONS,
)

# About eight registrations per customer on average: enough overlap between partners to make
# channel conflicts common, as they are in real programmes, without every deal colliding.
DEALS_PER_CUSTOMER = 8
MIN_CUSTOMERS = 40


@dataclass(frozen=True)
class Customer:
    name: str
    domain: str
    region: str


def customer_pool(rng: random.Random, total_deals: int) -> dict[str, tuple[Customer, ...]]:
    """Distinct customers grouped by region; every region gets at least one."""
    combos = [(head, tail) for head in CUSTOMER_NAME_HEADS for tail in CUSTOMER_NAME_TAILS]
    rng.shuffle(combos)
    size = min(len(combos), max(MIN_CUSTOMERS, total_deals // DEALS_PER_CUSTOMER))
    by_region: dict[str, list[Customer]] = {region: [] for region in REGIONS}
    for index, (head, tail) in enumerate(combos[:size]):
        # The first few go round-robin so that no region is ever left without customers.
        if index < len(REGIONS):
            region = REGIONS[index]
        else:
            region = REGION_MIX.pick(rng)
        name = f"{head} {tail}"
        domain = slugify(name.replace("'", "")) + ".example"
        by_region[region].append(Customer(name, domain, region))
    return {region: tuple(customers) for region, customers in by_region.items()}


def registered_name(rng: random.Random, customer: Customer) -> str:
    """How a partner types the customer's name: sometimes with the legal form appended."""
    if rng.random() < 0.3:
        return f"{customer.name} {rng.choice(LEGAL_SUFFIXES[customer.region])}"
    return customer.name


def registered_domain(rng: random.Random, customer: Customer) -> str:
    """The customer's domain, or now and then a regional subsidiary's subdomain of it."""
    if rng.random() < 0.12:
        return f"{rng.choice(REGIONAL_SUBDOMAINS[customer.region])}.{customer.domain}"
    return customer.domain
