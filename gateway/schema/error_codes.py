"""Gives every error a stable `extensions.code` and masks anything not meant for clients.

A client never sees a stack trace or an SQL message: an unexpected error is logged here, in
full, and the client gets "Internal server error" with the request's path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import asyncpg
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway import errors
from gateway.store.database import is_unavailable

log = logging.getLogger("gateway.errors")


# graphql-core's messages when a variable's value cannot be coerced to its type; the other
# "Variable '$x' …" messages (never used, not defined, wrong position) are validation rules.
_BAD_VARIABLE = re.compile(
    r"^Variable '\$\w+' (has invalid (default )?value|got invalid value|of required type"
    r"|of non-null type|expected value)"
)


# The parser's own refusal once it has read the caller's token budget (OperationLimitsCheck
# hands the budget to the parser).
_TOO_MANY_TOKENS = re.compile(r"^Syntax Error: Document contains more than (\d+) tokens")


def _too_many_tokens(error: GraphQLError) -> GraphQLError | None:
    match = _TOO_MANY_TOKENS.match(error.message)
    if match is None:
        return None
    limit = int(match.group(1))
    extensions = {
        "code": errors.OPERATION_TOO_COMPLEX,
        "limit": {"name": "tokens", "max": limit, "measured": limit + 1},
    }
    message = f"The operation is over the tokens limit (more than {limit}); ask for less"
    return _copy(error, extensions, message + " per request")


def _request_error_code(error: GraphQLError) -> str:
    """Errors with no path were raised before execution: parsing, validation, variables."""
    if error.message.startswith("Syntax Error"):
        return errors.GRAPHQL_PARSE_FAILED
    if _BAD_VARIABLE.match(error.message):
        return errors.BAD_USER_INPUT
    return errors.GRAPHQL_VALIDATION_FAILED


def _copy(
    error: GraphQLError, extensions: dict[str, Any], message: str | None = None
) -> GraphQLError:
    """A new error: validation errors come from a cache shared by every caller, so the one
    handed in must never be changed in place."""
    return GraphQLError(
        error.message if message is None else message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


def _masked(error: GraphQLError, message: str, code: str) -> GraphQLError:
    masked = _copy(error, {"code": code}, message)
    masked.original_error = None  # nothing of the cause travels on
    return masked


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, errors.GatewayError):
        return _copy(error, dict(original.extensions))
    if error.path is None:
        # Raised before execution: parsing, validation, variable coercion, scalar parsing
        # (a malformed DateTime says ValueError). These messages describe the input only.
        if original is None or isinstance(original, GraphQLError):
            return _too_many_tokens(error) or _copy(error, {"code": _request_error_code(error)})
        if isinstance(original, ValueError | TypeError):
            return _copy(error, {"code": errors.BAD_USER_INPUT})
    if isinstance(
        original, asyncpg.CharacterNotInRepertoireError | asyncpg.UntranslatableCharacterError
    ):
        # A NUL character in a text argument: Postgres text cannot hold it, and nothing was
        # found or written because of it.
        message = "Text arguments must not contain NUL (\\u0000) characters"
        return _masked(error, message, errors.BAD_USER_INPUT)
    if isinstance(original, asyncpg.QueryCanceledError):
        log.warning("statement timed out at %s", error.path)
        return _masked(error, "The query took too long and was stopped", errors.TIMEOUT)
    if original is not None and is_unavailable(original):
        log.error("database unreachable at %s: %r", error.path, original)
        return _masked(error, "The database is unavailable", errors.DATABASE_UNAVAILABLE)
    log.error("unexpected error at %s", error.path, exc_info=original)
    return _masked(error, "Internal server error", errors.INTERNAL_SERVER_ERROR)


_SUGGESTION = re.compile(r" Did you mean .*\?$")


def without_suggestions(error: GraphQLError) -> GraphQLError:
    """ "Did you mean 'internalNotes'?" would tell a partner what the schema hides from them."""
    if error.path is None and _SUGGESTION.search(error.message):
        return _copy(error, dict(error.extensions or {}), _SUGGESTION.sub("", error.message))
    return error


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        errors_out = [classify(error) for error in result.errors]
        grant = getattr(self.execution_context.context, "grant", None)
        if grant is None or not grant.is_vendor:
            errors_out = [without_suggestions(error) for error in errors_out]
        result.errors = errors_out
