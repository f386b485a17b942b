"""Tier: a level of the partner programme and what it takes to reach it."""

from __future__ import annotations

from decimal import Decimal
from typing import Self

import strawberry

from gateway.schema.enums import TierLevel
from gateway.store.table import Row


@strawberry.type(description="A partner programme tier and its requirements.")
class Tier:
    level: TierLevel = strawberry.field(description="The tier.")
    name: str = strawberry.field(description="Display name.")
    rank: int = strawberry.field(description="Position in the programme, 0 for the lowest.")
    min_certified_users: int = strawberry.field(
        description="People with a current certification that the tier requires."
    )
    min_won_revenue: Decimal = strawberry.field(
        description="Won deal revenue over the trailing 12 months that the tier requires."
    )

    @classmethod
    def from_row(cls, row: Row) -> Self:
        return cls(
            level=TierLevel(row["level"]),
            name=row["name"],
            rank=row["rank"],
            min_certified_users=row["min_certified_users"],
            min_won_revenue=row["min_won_revenue"],
        )
