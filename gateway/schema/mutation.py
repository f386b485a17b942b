"""The root Mutation type: every domain's mutations in one place."""

from __future__ import annotations

import strawberry

from gateway.schema.mutations.deals import DealMutations


@strawberry.type(description="Change the programme's data; every mutation is audited.")
class Mutation(DealMutations):
    pass
