"""What was seeded: row counts per table and how long it took."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class SeedSummary:
    vendor_users: int
    partners: int
    partner_users: int
    courses: int
    deals: int
    leads: int
    lead_declines: int
    enrollments: int
    certifications: int
    elapsed_seconds: float

    def rows_by_table(self) -> dict[str, int]:
        """Table name -> rows written, in load order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "elapsed_seconds"}

    @property
    def total_rows(self) -> int:
        return sum(self.rows_by_table().values())
