"""Time for the generator: the two-year history window before `now`, and instants drawn in it."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

HISTORY = timedelta(days=730)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    """`now` (UTC) and the start of the history the demo data is spread over."""

    now: datetime

    @classmethod
    def ending_at(cls, now: datetime) -> Timeline:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        return cls(now.astimezone(UTC))

    @property
    def start(self) -> datetime:
        return self.now - HISTORY

    def ago(self, delta: timedelta) -> datetime:
        return self.now - delta


def instant_between(rng: random.Random, low: datetime, high: datetime) -> datetime:
    """A uniformly random instant in [low, high], in whole seconds after `low`; `low` if empty."""
    span = int((high - low).total_seconds())
    if span <= 0:
        return low
    return low + timedelta(seconds=rng.randrange(span + 1))


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar month arithmetic (Jan 31 + 1 month = Feb 28/29), as certificate validity works."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
