"""Which lists read the CRM live: CRM_SOURCE_<OBJECTS>=live (see gateway/crm/live.py)."""

from __future__ import annotations

from typing import Literal

from gateway.context import Context
from gateway.resolvers.lists import Overlay


def live_overlay(context: Context, source: Literal["deals", "leads", "partners"]) -> Overlay | None:
    return None if context.live is None else context.live.overlay(source)
