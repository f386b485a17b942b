"""What to seed: the size of the demo data set and the random seed that makes it reproducible."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.seed.personas import FIXED_PARTNERS


@dataclass(frozen=True)
class SeedPlan:
    partners: int = 25
    deals_per_partner: int = 200
    leads_per_partner: int = 120
    seed: int = 42

    def __post_init__(self) -> None:
        # The fixed personas (acme, globex) are always generated, so fewer partners cannot work.
        if self.partners < len(FIXED_PARTNERS):
            raise ValueError(f"a seed plan needs at least {len(FIXED_PARTNERS)} partners")
        if self.deals_per_partner < 0 or self.leads_per_partner < 0:
            raise ValueError("deals_per_partner and leads_per_partner must not be negative")

    @property
    def total_deals(self) -> int:
        return self.partners * self.deals_per_partner

    @property
    def total_leads(self) -> int:
        return self.partners * self.leads_per_partner
