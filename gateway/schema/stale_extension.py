"""`extensions.stale`: which object types a live CRM read answered from the mirror instead
(the CRM was unreachable), and how old that mirror was."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension


class StaleReads(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        live = getattr(self.execution_context.context, "live", None)
        if live is None or not live.stale:
            return {}
        return {
            "stale": {
                object_type: {"source": "mirror", "mirrorAgeSeconds": age}
                for object_type, age in sorted(live.stale.items())
            }
        }
