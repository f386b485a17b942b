"""The error kinds of the Salesforce GraphQL API, raised by resolvers and reported in
`extensions.ErrorType`."""

from __future__ import annotations

from typing import Literal

ErrorType = Literal[
    "InvalidSyntax",
    "ValidationError",
    "DataFetchingException",
    "OperationNotSupported",
    "ExecutionAborted",
]


class SandboxError(Exception):
    """A GraphQL error of a given kind; its message is what the client reads."""

    def __init__(self, kind: ErrorType, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorType = kind
        self.message = message


def validation_error(message: str) -> SandboxError:
    return SandboxError("ValidationError", message)


def not_found(object_name: str, record_id: str) -> SandboxError:
    return SandboxError(
        "DataFetchingException",
        f"ENTITY_IS_DELETED or INVALID_ID: no {object_name} with Id {record_id!r}",
    )
