"""Leaf values: output coercion as graphql-core does it, and plain fields read straight off rows.

Object types stored as rows (`ROW_TYPES`) are never built as Strawberry objects on the compiled
path: each plain field reads its column and coerces it. A field with no column of its own name
(`Certification.isCurrent`) reads the Strawberry object that `from_row` builds, so its rule
lives in one place; tests/compiled/test_row_fields.py holds every reader to `from_row`.
"""

from __future__ import annotations

from binascii import b2a_base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from operator import methodcaller
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLString,
    Undefined,
    get_nullable_type,
)
from graphql.pyutils import inspect
from strawberry.types.field import StrawberryField

from gateway.schema.deal import Deal
from gateway.schema.node import to_global_id
from gateway.schema.partner import Partner
from gateway.schema.partner_user import PartnerUser
from gateway.schema.training import Certification, Course, Enrollment
from gateway.schema.vendor_user import VendorUser
from gateway.store.deals import DEALS
from gateway.store.leads import LEADS
from gateway.store.partner_users import PARTNER_USERS
from gateway.store.partners import PARTNERS
from gateway.store.table import Row, Table
from gateway.store.training import CERTIFICATIONS, COURSES, ENROLLMENTS
from gateway.store.vendor_users import VENDOR_USERS

Reader = Callable[[Any], Any]

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Strawberry's Date and DateTime serialise by `isoformat()`; the store's values of those types
# always answer a string to it.
_ISOFORMAT = repr(methodcaller("isoformat"))
_DATED = frozenset({date, datetime})


@dataclass(frozen=True)
class RowType:
    table: Table
    from_row: Callable[[Row], Any]


def _lead_from_row(row: Row) -> Any:
    from gateway.schema.lead import Lead  # the lead module imports the schema's other types

    return Lead.from_row(row)


# Object types whose values on the compiled path are the store's rows.
ROW_TYPES: dict[str, RowType] = {
    "Partner": RowType(PARTNERS, Partner.from_row),
    "PartnerUser": RowType(PARTNER_USERS, PartnerUser.from_row),
    "VendorUser": RowType(VENDOR_USERS, VendorUser.from_row),
    "Deal": RowType(DEALS, Deal.from_row),
    "Lead": RowType(LEADS, _lead_from_row),
    "Course": RowType(COURSES, Course.from_row),
    "Enrollment": RowType(ENROLLMENTS, Enrollment.from_row),
    "Certification": RowType(CERTIFICATIONS, Certification.from_row),
}


def _coerce_leaf(leaf: GraphQLLeafType) -> Reader:
    """graphql-core's `complete_leaf_value`, with the common scalars' checks inlined."""
    coerce = leaf.coerce_output_value

    def full(value: Any) -> Any:
        coerced = coerce(value)
        if coerced is Undefined or coerced is None:
            raise TypeError(
                f"Expected `{inspect(leaf)}.coerce_output_value({inspect(value)})` to return "
                f"non-nullable value, returned: {inspect(coerced)}"
            )
        return coerced

    if leaf is GraphQLString or leaf is GraphQLID:
        return lambda value: value if type(value) is str else full(value)
    if leaf is GraphQLBoolean:
        return lambda value: value if type(value) is bool else full(value)
    if leaf is GraphQLInt:
        return lambda value: (
            value if type(value) is int and INT_MIN <= value <= INT_MAX else full(value)
        )
    if isinstance(leaf, GraphQLEnumType):
        names = _enum_names(leaf)
        return lambda value: names[value] if value in names else full(value)
    return full


def _enum_names(leaf: GraphQLEnumType) -> dict[Any, Any]:
    """The store keeps an enum's value; a Strawberry object holds its member: either maps to
    the name the enum type serialises it to."""
    members: type[Enum] = leaf.extensions["strawberry-definition"].wrapped_cls
    names: dict[Any, Any] = {}
    for member in members:
        names[member] = names[member.value] = leaf.coerce_output_value(member)
    return names


def _column_reader(name: str, type_: GraphQLOutputType, complete: Reader) -> Reader:
    """`complete(row[name])`, with the common cases answered in one step: a string, flag or
    small integer passes unchanged, an enum's stored value maps to its name; anything else
    (null where not allowed, a wrong type) goes through `complete` and fails there."""
    non_null = isinstance(type_, GraphQLNonNull)
    leaf = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(leaf, GraphQLEnumType):
        names = _enum_names(leaf)
        if non_null:
            return lambda row: names[v] if (v := row[name]) in names else complete(v)
        return lambda row: None if (v := row[name]) is None else (
            names[v] if v in names else complete(v)
        )
    passes = {id(GraphQLString): str, id(GraphQLID): str, id(GraphQLBoolean): bool}.get(id(leaf))
    if passes is not None and non_null:
        return lambda row: v if type(v := row[name]) is passes else complete(v)
    if passes is not None:
        return lambda row: v if (v := row[name]) is None or type(v) is passes else complete(v)
    if non_null and _is_list_of_strings(leaf):
        # `[String!]!` (a deal's products): the stored list, when it holds strings only.
        return lambda row: (
            v if type(v := row[name]) is list and all(type(x) is str for x in v) else complete(v)
        )
    coerce = getattr(leaf, "coerce_output_value", None)
    if coerce is str:
        # Decimal: its scalar's coercion is `str`, which never answers null.
        if non_null:
            return lambda row: complete(v) if (v := row[name]) is None else str(v)
        return lambda row: None if (v := row[name]) is None else str(v)
    if isinstance(coerce, methodcaller) and repr(coerce) == _ISOFORMAT:
        # Date, DateTime: `isoformat()`, answered here for the store's own value types.
        if non_null:
            return lambda row: v.isoformat() if type(v := row[name]) in _DATED else complete(v)
        return lambda row: (
            None if (v := row[name]) is None
            else v.isoformat() if type(v) in _DATED else complete(v)
        )
    return lambda row: complete(row[name])


def _is_list_of_strings(type_: GraphQLOutputType) -> bool:
    return (
        isinstance(type_, GraphQLList)
        and isinstance(type_.of_type, GraphQLNonNull)
        and type_.of_type.of_type is GraphQLString
    )


def complete_leaf_type(type_: GraphQLOutputType, parent: str, field: str) -> Reader:
    """Completes a Python value of a (wrapped) leaf type: null checks, lists, coercion."""
    if isinstance(type_, GraphQLNonNull):
        inner = complete_leaf_type(type_.of_type, parent, field)
        message = f"Cannot return null for non-nullable field {parent}.{field}."

        def non_null(value: Any) -> Any:
            if value is None:
                raise TypeError(message)
            completed = inner(value)
            if completed is None:
                raise TypeError(message)
            return completed

        return non_null
    if isinstance(type_, GraphQLList):
        item = complete_leaf_type(type_.of_type, parent, field)
        return lambda value: None if value is None else [item(v) for v in value]
    assert isinstance(type_, GraphQLLeafType)
    coerce = _coerce_leaf(type_)
    return lambda value: None if value is None else coerce(value)


def row_field_reader(
    type_name: str, field: StrawberryField, type_: GraphQLOutputType, field_name: str
) -> Reader:
    """Reads one plain field of a row type and completes it."""
    complete = complete_leaf_type(type_, type_name, field_name)
    name = field.python_name
    if name == "id" and get_nullable_type(type_) is GraphQLID:
        # to_global_id in one step: an ID's completion passes the string it makes unchanged.
        prefix = f"{type_name}:"
        return lambda row: b2a_base64((prefix + str(row["id"])).encode(), newline=False).decode()
    if name == "id":
        return lambda row: complete(to_global_id(type_name, row["id"]))
    row_type = ROW_TYPES[type_name]
    if name in row_type.table.columns:
        return _column_reader(name, type_, complete)
    from_row = row_type.from_row
    return lambda row: complete(getattr(from_row(row), name))


def object_field_reader(field: StrawberryField) -> Reader:
    """A plain field of a Strawberry object (a connection, an edge, page info)."""
    name = field.python_name
    return lambda obj: getattr(obj, name)

