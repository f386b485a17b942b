"""The root Mutation type: every domain's mutations in one place."""

from __future__ import annotations

import strawberry

from gateway.schema.mutations.deals import DealMutations
from gateway.schema.mutations.leads import LeadMutations
from gateway.schema.mutations.people import PeopleMutations
from gateway.schema.mutations.training import TrainingMutations


@strawberry.type(description="Change the programme's data; every mutation is audited.")
class Mutation(DealMutations, LeadMutations, TrainingMutations, PeopleMutations):
    pass
