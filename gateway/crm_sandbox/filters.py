"""`where` and `orderBy` arguments compiled into parameterised SQL: values only ever travel as
bind parameters, column names only ever come from the object model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from gateway.crm_sandbox.errors import validation_error
from gateway.crm_sandbox.objects import ID_KINDS, OBJECTS, TEXT_KINDS, Field, Kind, SObject
from gateway.crm_sandbox.tables import quoted

_COMPARISONS = {"lt": "<", "gt": ">", "lte": "<=", "gte": ">="}
_ARRAY_TYPES = {Kind.CURRENCY: "numeric[]"}


class Params:
    """Bind parameters in order, and fresh aliases for parent subqueries."""

    def __init__(self) -> None:
        self.values: list[object] = []
        self._aliases = 0

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

    def alias(self) -> str:
        self._aliases += 1
        return f"p{self._aliases}"


def literal_range(literal: str, today: date) -> tuple[date, date]:
    """A date literal as a half-open range of days [start, end), weeks starting on Sunday."""
    day = timedelta(days=1)
    week_start = today - timedelta(days=(today.weekday() + 1) % 7)
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    last_month = (month_start - day).replace(day=1)
    year_start = today.replace(month=1, day=1)
    ranges = {
        "TODAY": (today, today + day),
        "YESTERDAY": (today - day, today),
        "TOMORROW": (today + day, today + 2 * day),
        "THIS_WEEK": (week_start, week_start + 7 * day),
        "LAST_WEEK": (week_start - 7 * day, week_start),
        "NEXT_WEEK": (week_start + 7 * day, week_start + 14 * day),
        "THIS_MONTH": (month_start, next_month),
        "LAST_MONTH": (last_month, month_start),
        "NEXT_MONTH": (next_month, (next_month + timedelta(days=32)).replace(day=1)),
        "LAST_90_DAYS": (today - 90 * day, today + day),
        "NEXT_90_DAYS": (today + day, today + 91 * day),
        "THIS_YEAR": (year_start, year_start.replace(year=today.year + 1)),
        "LAST_YEAR": (year_start.replace(year=today.year - 1), year_start),
        "NEXT_YEAR": (
            year_start.replace(year=today.year + 1),
            year_start.replace(year=today.year + 2),
        ),
    }
    return ranges[literal]


class FilterCompiler:
    def __init__(self, params: Params, today: date) -> None:
        self.params = params
        self.today = today

    def where(self, sobject: SObject, where: Mapping[str, Any] | None, alias: str) -> str:
        """A boolean SQL expression, never NULL, so `not` inverts it exactly."""
        if not where:
            return "TRUE"
        parts: list[str] = []
        for key, condition in where.items():
            if condition is None:
                continue
            if key in ("and", "or"):
                joiner = " AND " if key == "and" else " OR "
                subs = [self.where(sobject, sub, alias) for sub in condition if sub is not None]
                parts.append("(" + joiner.join(subs) + ")" if subs else "TRUE")
            elif key == "not":
                parts.append(f"NOT ({self.where(sobject, condition, alias)})")
            elif (reference := sobject.parent(key)) is not None:
                parts.append(self._parent(alias, reference, condition))
            else:
                field = sobject.field(key)
                parts += [self._operator(alias, field, op, v) for op, v in condition.items()]
        return " AND ".join(parts) if parts else "TRUE"

    def _parent(self, alias: str, reference: Field, condition: Mapping[str, Any]) -> str:
        assert reference.references is not None
        parent = OBJECTS[reference.references]
        inner = self.params.alias()
        return (
            f'COALESCE({alias}.{quoted(reference.name)} IN (SELECT {inner}."Id" FROM '
            f"{parent.table} {inner} WHERE NOT {inner}.is_deleted AND "
            f"{self.where(parent, condition, inner)}), false)"
        )

    def _operator(self, alias: str, field: Field, op: str, operand: Any) -> str:
        column = f"{alias}.{quoted(field.name)}"
        if field.kind in (Kind.DATE, Kind.DATETIME):
            return self._temporal(column, field, op, operand)
        text = field.kind in TEXT_KINDS
        if op in ("eq", "ne"):
            if operand is None:
                return f"{column} IS {'' if op == 'eq' else 'NOT '}NULL"
            param = self.params.add(operand)
            # String equality is case-insensitive in SOQL; Ids are exact.
            equal = f"lower({column}) = lower({param})" if text else f"{column} = {param}"
            return f"COALESCE({equal}, false)" if op == "eq" else f"NOT COALESCE({equal}, false)"
        if op in _COMPARISONS:
            if operand is None:
                raise validation_error(f"{field.name}: {op} needs a value, not null")
            return f"COALESCE({column} {_COMPARISONS[op]} {self.params.add(operand)}, false)"
        if op == "like":
            if operand is None:
                raise validation_error(f"{field.name}: like needs a pattern, not null")
            pattern = self.params.add(operand)
            like = "LIKE" if field.kind in ID_KINDS else "ILIKE"
            return f"COALESCE({column} {like} {pattern}, false)"
        if op in ("in", "nin"):
            return self._membership(column, field, op, operand)
        raise validation_error(f"{field.name}: unknown operator {op!r}")

    def _membership(self, column: str, field: Field, op: str, operand: Any) -> str:
        if operand is None:
            raise validation_error(f"{field.name}: {op} needs a list, not null")
        values = [v for v in operand if v is not None]
        nulls = len(values) != len(operand)
        if field.kind in TEXT_KINDS:
            param = self.params.add([v.lower() for v in values])
            member = f"lower({column}) = ANY({param}::text[])"
        else:
            param = self.params.add(values)
            member = f"{column} = ANY({param}::{_ARRAY_TYPES.get(field.kind, 'text[]')})"
        contained = f"(COALESCE({member}, false){f' OR {column} IS NULL' if nulls else ''})"
        return contained if op == "in" else f"NOT {contained}"

    def _temporal(self, column: str, field: Field, op: str, operand: Any) -> str:
        if op in ("in", "nin"):
            if operand is None:
                raise validation_error(f"{field.name}: {op} needs a list, not null")
            options = [self._temporal(column, field, "eq", o) for o in operand]
            contained = "(" + (" OR ".join(options) or "FALSE") + ")"
            return contained if op == "in" else f"NOT {contained}"
        if op not in ("eq", "ne", *_COMPARISONS):
            raise validation_error(f"{field.name}: {op} is not allowed on dates")
        if operand is None:
            if op in ("eq", "ne"):
                return f"{column} IS {'' if op == 'eq' else 'NOT '}NULL"
            raise validation_error(f"{field.name}: {op} needs a value, not null")
        value, literal = operand.get("value"), operand.get("literal")
        if (value is None) == (literal is None):
            raise validation_error(f"{field.name}: give exactly one of value or literal")
        if literal is not None:
            start, end = literal_range(literal, self.today)
            return self._in_range(column, field, op, start, end)
        if op in ("eq", "ne"):
            equal = f"COALESCE({column} = {self.params.add(value)}, false)"
            return equal if op == "eq" else f"NOT {equal}"
        return f"COALESCE({column} {_COMPARISONS[op]} {self.params.add(value)}, false)"

    def _in_range(self, column: str, field: Field, op: str, start: date, end: date) -> str:
        low: date | datetime = start
        high: date | datetime = end
        if field.kind is Kind.DATETIME:
            low, high = (datetime.combine(d, time(), tzinfo=UTC) for d in (start, end))
        if op in ("eq", "ne"):
            lo, hi = self.params.add(low), self.params.add(high)
            inside = f"COALESCE({column} >= {lo} AND {column} < {hi}, false)"
            return inside if op == "eq" else f"NOT {inside}"
        # Before the range, up to its end, after it, or from its start on.
        bound, symbol = {
            "lt": (low, "<"), "lte": (high, "<"), "gt": (high, ">="), "gte": (low, ">="),
        }[op]  # fmt: skip
        return f"COALESCE({column} {symbol} {self.params.add(bound)}, false)"


def order_sql(
    sobject: SObject, order_by: Mapping[str, Any] | None, keys: Sequence[str], alias: str
) -> str:
    """ORDER BY terms in the order the client wrote them; Id last breaks every tie."""
    terms: list[str] = []
    seen: set[str] = set()
    for key in _ordered(keys, order_by or {}):
        clause = (order_by or {})[key]
        if clause is None:
            continue
        field = sobject.field(key)
        direction = clause.get("order") or "ASC"
        nulls = clause.get("nulls") or "FIRST"
        terms.append(f"{alias}.{quoted(field.name)} {direction} NULLS {nulls}")
        seen.add(key)
    if "Id" not in seen:
        terms.append(f'{alias}."Id" ASC')
    return ", ".join(terms)


def _ordered(keys: Iterable[str], order_by: Mapping[str, Any]) -> list[str]:
    listed = [k for k in keys if k in order_by]
    return listed + [k for k in order_by if k not in listed]
