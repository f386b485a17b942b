"""Field guards: a field some role may not read answers null with a FORBIDDEN error.

Only fields that a policy can deny carry a guard; plain fields stay on Strawberry's fast path.
The policy loader refuses a policy that denies an unguarded field (see authz.coverage).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from gateway.audit.denials import record_denial
from gateway.errors import Forbidden


def require_readable_field(context: Any, type_name: str, field_name: str) -> None:
    """FORBIDDEN (and one audit event per field per request) unless the grant lets the caller
    read the field; the compiled execution path (gateway/compiled) asks this too."""
    if not context.grant.can_read_field(type_name, field_name):
        key = f"{type_name}.{field_name}"
        record_denial(context, "read", type_name, f"field {key}", once_key=key)
        raise Forbidden(f"You may not read {key}")


def _check(info: Info[Any, Any]) -> None:
    require_readable_field(info.context, str(info.path.typename), info.field_name)


class ReadGuard(FieldExtension):
    def resolve(
        self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        _check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info[Any, Any],
        **kwargs: Any,
    ) -> Any:
        _check(info)
        return await next_(source, info, **kwargs)


def guarded() -> list[FieldExtension]:
    """`extensions=guarded()` on a field declaration."""
    return [ReadGuard()]


def guarded_fields(schema: strawberry.Schema, type_names: Iterable[str]) -> frozenset[str]:
    """`Type.field` for every field of these types that carries a ReadGuard."""
    found: set[str] = set()
    for type_name in type_names:
        definition = schema.get_type_by_name(type_name)
        if not isinstance(definition, StrawberryObjectDefinition):
            raise LookupError(f"the schema has no object type {type_name}")
        for field in definition.fields:
            if any(isinstance(extension, ReadGuard) for extension in field.extensions):
                found.add(f"{type_name}.{schema.config.name_converter.from_field(field)}")
    return frozenset(found)
