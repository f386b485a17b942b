"""UserError: why a mutation did nothing, in terms the caller can act on."""

from __future__ import annotations

import strawberry

from gateway.workflows.rejection import Rejected


@strawberry.type(description="A reason a mutation was refused; nothing was written.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str = strawberry.field(description="What is wrong, for people.")
    code: str = strawberry.field(
        description="What is wrong, for programs: NOT_FOUND, INVALID_TRANSITION, "
        "INVALID_INPUT, INVALID_DOMAIN, INVALID_PRODUCT, DATE_IN_PAST, APPROVAL_CONFLICT, …"
    )

    @classmethod
    def of(cls, rejected: Rejected) -> UserError:
        return cls(field=rejected.field, message=rejected.message, code=rejected.code)
