"""`recompute_tiers`: partner tiers follow current certifications and won revenue."""

from __future__ import annotations

from typing import Any

from gateway.jobs.job import JobRun
from gateway.workflows.tiers import recompute_tiers as recompute


async def recompute_tiers(run: JobRun) -> dict[str, Any]:
    """Certifications expire with time alone, so tiers are recomputed on a schedule too."""
    changed = await recompute(run.conn)
    if changed:
        run.audit(
            "recomputeTiers",
            object_type="Partner",
            reason="tiers recomputed from certifications and won revenue",
            detail={"changed": changed},
        )
    return {"changed": changed}
