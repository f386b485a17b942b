"""Field values as the UI API returns them (`{value, displayValue}`), and the custom scalars
Currency, Date, DateTime and IdOrRef (how they read from queries and write to JSON)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLError, GraphQLScalarType, GraphQLSchema
from graphql.language import FloatValueNode, IntValueNode, StringValueNode, ValueNode

from gateway.crm_sandbox.objects import Field, Kind, SObject


def to_milliseconds(value: datetime) -> datetime:
    """Salesforce keeps datetimes to the millisecond; so does the sandbox."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def format_datetime(value: datetime) -> str:
    """ISO-8601 UTC with milliseconds, as Salesforce writes datetimes: 2026-01-05T13:07:48.000Z."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_datetime(text: str) -> datetime:
    """An ISO-8601 datetime; without an offset it is UTC."""
    if "T" not in text:
        raise ValueError(f"not an ISO-8601 datetime: {text!r}")
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _display(field: Field, value: object, row: dict[str, Any]) -> str | None:
    if value is None:
        return None
    if field.kind is Kind.CURRENCY:
        assert isinstance(value, Decimal)
        return f"{row.get('CurrencyIsoCode') or 'USD'} {value:,.2f}"
    if field.kind is Kind.DATE:
        assert isinstance(value, date)
        return f"{value.month}/{value.day}/{value.year}"
    if field.kind is Kind.DATETIME:
        assert isinstance(value, datetime)
        utc = value.astimezone(UTC)
        hour = utc.hour % 12 or 12
        half = "AM" if utc.hour < 12 else "PM"
        return f"{utc.month}/{utc.day}/{utc.year}, {hour}:{utc.minute:02d} {half}"
    if field.kind is Kind.PICKLIST:
        return str(value)  # the label; the sandbox's labels are the values
    return None


def record_node(sobject: SObject, row: dict[str, Any]) -> dict[str, Any]:
    """A record as a GraphQL node: `Id` bare, every other field `{value, displayValue}`."""
    node: dict[str, Any] = {"Id": row["Id"], "ApiName": sobject.name}
    for field in sobject.fields:
        if field.name != "Id":
            value = row[field.name]
            node[field.name] = {
                "value": value,
                "displayValue": _display(field, value, row),
                "format": None,
            }
    return node


def _currency_in(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise GraphQLError(f"Currency must be a number, not {value!r}")
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise GraphQLError(f"Currency must be a number, not {value!r}") from None
    if not parsed.is_finite():
        raise GraphQLError(f"Currency must be a finite number, not {value!r}")
    return parsed


def _currency_literal(node: ValueNode, _variables: Any = None) -> Decimal:
    if isinstance(node, IntValueNode | FloatValueNode):
        return _currency_in(node.value)
    raise GraphQLError("Currency must be a number")


def _date_in(value: Any) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise GraphQLError(f"Date must be YYYY-MM-DD, not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GraphQLError(f"Date must be YYYY-MM-DD, not {value!r}") from None


def _datetime_in(value: Any) -> datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"DateTime must be an ISO-8601 string, not {value!r}")
    try:
        return parse_datetime(value)
    except ValueError:
        raise GraphQLError(f"DateTime must be ISO-8601 (UTC), not {value!r}") from None


def _string_in(value: Any) -> str:
    if not isinstance(value, str):
        raise GraphQLError(f"IdOrRef must be a string, not {value!r}")
    return value


def _literal(parse: Any) -> Any:
    def parse_literal(node: ValueNode, _variables: Any = None) -> Any:
        if isinstance(node, StringValueNode):
            return parse(node.value)
        raise GraphQLError("expected a string")

    return parse_literal


def _serialize_currency(value: Any) -> float:
    return float(value)


def _serialize_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _serialize_datetime(value: Any) -> str:
    return format_datetime(value) if isinstance(value, datetime) else str(value)


def install_scalars(schema: GraphQLSchema) -> None:
    """Give the SDL's custom scalars their parsing and serialisation."""
    behaviour: dict[str, tuple[Any, Any, Any]] = {
        "Currency": (_serialize_currency, _currency_in, _currency_literal),
        "Date": (_serialize_date, _date_in, _literal(_date_in)),
        "DateTime": (_serialize_datetime, _datetime_in, _literal(_datetime_in)),
        "IdOrRef": (str, _string_in, _literal(_string_in)),
    }
    for name, (serialize, parse_value, parse_literal) in behaviour.items():
        scalar = schema.type_map[name]
        assert isinstance(scalar, GraphQLScalarType)
        # graphql-core 3.3 reads coerce_*; the older names are set too, for 3.2.
        scalar.serialize = scalar.coerce_output_value = serialize  # type: ignore[method-assign]
        scalar.parse_value = scalar.coerce_input_value = parse_value  # type: ignore[method-assign]
        scalar.parse_literal = parse_literal  # type: ignore[method-assign]
