"""The Grant: what one caller may see and do, computed once per request from the policy.

Resolvers only ask it set lookups (`can_read_field`, `row_scope`, `can`); nothing per field or
per row goes back to Casbin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.store.scope import RowScope


@dataclass(frozen=True)
class Permissions:
    """The part of a grant that depends only on roles, partner domain and key scopes."""

    readable_fields: Mapping[str, frozenset[str]]
    readable_objects: frozenset[str]
    actions: frozenset[tuple[str, str]]
    scope_kinds: Mapping[str, str]
    is_vendor: bool


@dataclass(frozen=True)
class Grant:
    subject: str
    permissions: Permissions
    scopes: Mapping[str, RowScope]

    @property
    def is_vendor(self) -> bool:
        return self.permissions.is_vendor

    def can_read_object(self, type_name: str) -> bool:
        return type_name in self.permissions.readable_objects

    def can_read_field(self, type_name: str, field_name: str) -> bool:
        return field_name in self.permissions.readable_fields.get(type_name, frozenset())

    def can(self, obj: str, action: str) -> bool:
        return (obj, action) in self.permissions.actions

    def row_scope(self, type_name: str) -> RowScope:
        """An object type the caller may not read has no rows at all for them."""
        if type_name not in self.permissions.readable_objects:
            return RowScope.nothing()
        return self.scopes.get(type_name, RowScope.nothing())
