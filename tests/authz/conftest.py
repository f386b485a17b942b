"""The real policy files and the real schema's fields, shared by the authorization tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway.authz.policy import DEFAULT_POLICY_DIR, Policy
from gateway.authz.universe import POLICY_OBJECTS, FieldRef, schema_fields
from gateway.schema.guard import guarded_fields
from gateway.schema.schema import build_schema


@pytest.fixture(scope="session")
def fields() -> tuple[FieldRef, ...]:
    return schema_fields(build_schema()._schema)


@pytest.fixture(scope="session")
def guarded() -> frozenset[str]:
    return guarded_fields(build_schema(), POLICY_OBJECTS)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return Policy.from_dir(DEFAULT_POLICY_DIR)


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A private copy of policies/ that a test may edit."""
    target = tmp_path / "policies"
    shutil.copytree(DEFAULT_POLICY_DIR, target)
    return target
