"""Lifetimes written the way people say them: `90d`, `8h`, `30m`, `45s`."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_DURATION = re.compile(r"(\d{1,6})([dhms])")


def parse_duration(text: str) -> timedelta:
    """A positive whole number and a unit; ValueError with a readable message otherwise."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a duration; write e.g. 90d, 8h, 30m or 45s")
    amount, unit = int(match.group(1)), match.group(2)
    if amount == 0:
        raise ValueError(f"{text!r} is not a duration longer than zero")
    return timedelta(**{_UNITS[unit]: amount})
