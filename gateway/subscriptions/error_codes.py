"""Error codes for results streamed over a websocket, as each one is sent.

`ErrorCodes` finishes its work when an operation ends, which for a subscription is after its
events have gone out; this gives every streamed result the same treatment on its way: a stable
`extensions.code`, internal errors masked, and no "did you mean" hints for partner callers.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult

from gateway.schema.error_codes import classify, without_suggestions


class StreamedErrorCodes(SchemaExtension):
    def on_stream_result(self, result: object) -> Iterator[None]:
        if isinstance(result, ExecutionResult) and result.errors:
            errors_out = [classify(error) for error in result.errors]
            grant = getattr(self.execution_context.context, "grant", None)
            if grant is None or not grant.is_vendor:
                errors_out = [without_suggestions(error) for error in errors_out]
            result.errors = errors_out
        yield
