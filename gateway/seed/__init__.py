"""Deterministic demo data for the gateway: fixed personas plus a generated partner programme."""

from gateway.seed.generate import generate_dataset
from gateway.seed.load import SeedError, clear_database, database_is_empty, seed_database
from gateway.seed.plan import SeedPlan
from gateway.seed.rows import Dataset
from gateway.seed.summary import SeedSummary

__all__ = [
    "Dataset",
    "SeedError",
    "SeedPlan",
    "SeedSummary",
    "clear_database",
    "database_is_empty",
    "generate_dataset",
    "seed_database",
]
