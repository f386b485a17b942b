"""Weighted random choice with the cumulative weights computed once, not on every draw."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Options with relative weights; `pick` draws like `random.choices(...)[0]`, but faster."""

    def __init__(self, options: Sequence[T], weights: Sequence[float]) -> None:
        if len(options) != len(weights) or not options:
            raise ValueError("need one weight per option, and at least one option")
        self.options: tuple[T, ...] = tuple(options)
        self._cumulative = list(accumulate(weights))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.options[bisect(self._cumulative, rng.random() * self._total)]
