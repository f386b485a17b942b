"""Exact two-decimal amounts, built from integer cents so no float rounding leaks into rows."""

from __future__ import annotations

from decimal import Decimal


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def to_money(amount: float) -> Decimal:
    return from_cents(round(amount * 100))
