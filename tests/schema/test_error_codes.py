"""Unexpected errors are masked; known ones keep their code."""

from __future__ import annotations

import logging

import asyncpg
import pytest
from graphql import GraphQLError

from gateway.errors import BadUserInput
from gateway.schema.error_codes import classify


def _raised(original: Exception) -> GraphQLError:
    return GraphQLError(str(original), path=["deals"], original_error=original)


def test_unexpected_errors_are_masked_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    secret = 'relation "deals" does not exist: SELECT internal_notes FROM deals'
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        error = classify(_raised(RuntimeError(secret)))
    assert error.message == "Internal server error"
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert error.path == ["deals"]
    assert secret in caplog.text  # the operator sees what the client does not


def test_statement_timeouts_are_named_without_sql() -> None:
    error = classify(_raised(asyncpg.QueryCanceledError("canceling statement due to timeout")))
    assert error.extensions == {"code": "TIMEOUT"}
    assert "canceling" not in error.message


def test_unreachable_database_is_named() -> None:
    error = classify(_raised(ConnectionRefusedError("connect to 10.0.0.5:5432 refused")))
    assert error.extensions == {"code": "DATABASE_UNAVAILABLE"}
    assert "10.0.0.5" not in error.message


def test_gateway_errors_keep_message_and_extensions() -> None:
    error = classify(_raised(BadUserInput("first is too big", maxPageSize=100)))
    assert error.message == "first is too big"
    assert error.extensions == {"code": "BAD_USER_INPUT", "maxPageSize": 100}
