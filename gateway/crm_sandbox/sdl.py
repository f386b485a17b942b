"""The GraphQL SDL of the UI API subset the sandbox serves, generated from the object model so
every object gets the same connection, filter, orderBy and mutation types a real org has."""

from __future__ import annotations

from gateway.crm_sandbox.objects import OBJECTS, Kind, SObject

VALUE_TYPES: dict[Kind, str] = {
    Kind.ID: "IDValue",
    Kind.REFERENCE: "IDValue",
    Kind.STRING: "StringValue",
    Kind.PICKLIST: "PicklistValue",
    Kind.EMAIL: "EmailValue",
    Kind.PHONE: "PhoneNumberValue",
    Kind.URL: "UrlValue",
    Kind.BOOLEAN: "BooleanValue",
    Kind.CURRENCY: "CurrencyValue",
    Kind.DATE: "DateValue",
    Kind.DATETIME: "DateTimeValue",
}
_SCALARS: dict[Kind, str] = {
    Kind.ID: "ID",
    Kind.REFERENCE: "ID",
    Kind.STRING: "String",
    Kind.PICKLIST: "String",
    Kind.EMAIL: "String",
    Kind.PHONE: "String",
    Kind.URL: "String",
    Kind.BOOLEAN: "Boolean",
    Kind.CURRENCY: "Currency",
    Kind.DATE: "Date",
    Kind.DATETIME: "DateTime",
}
OPERATOR_TYPES: dict[Kind, str] = {
    Kind.ID: "IDOperators",
    Kind.REFERENCE: "IDOperators",
    Kind.STRING: "StringOperators",
    Kind.PICKLIST: "PicklistOperators",
    Kind.EMAIL: "StringOperators",
    Kind.PHONE: "StringOperators",
    Kind.URL: "StringOperators",
    Kind.BOOLEAN: "BooleanOperators",
    Kind.CURRENCY: "CurrencyOperators",
    Kind.DATE: "DateOperators",
    Kind.DATETIME: "DateTimeOperators",
}
DATE_LITERALS = (
    "TODAY", "YESTERDAY", "TOMORROW",
    "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK",
    "LAST_MONTH", "THIS_MONTH", "NEXT_MONTH",
    "LAST_90_DAYS", "NEXT_90_DAYS",
    "LAST_YEAR", "THIS_YEAR", "NEXT_YEAR",
)  # fmt: skip

_COMMON = """
schema { query: Query mutation: Mutation }

scalar Currency
scalar Date
scalar DateTime
"An Id, or a reference \\"@{alias}\\" to a record created earlier in the same mutation."
scalar IdOrRef

type Query { uiapi: UIAPI! }
type UIAPI { query: RecordQuery! }
type Mutation { uiapi(input: UIAPIMutationsInput): UIAPIMutations }
input UIAPIMutationsInput { allOrNone: Boolean = true }

type PageInfo {
  hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String
}

type IDValue { value: ID displayValue: String }
type StringValue { value: String displayValue: String }
type PicklistValue { value: String displayValue: String }
type EmailValue { value: String displayValue: String }
type PhoneNumberValue { value: String displayValue: String }
type UrlValue { value: String displayValue: String }
type BooleanValue { value: Boolean displayValue: String }
type CurrencyValue { value: Currency displayValue: String format: String }
type DateValue { value: Date displayValue: String format: String }
type DateTimeValue { value: DateTime displayValue: String format: String }

enum ResultOrder { ASC DESC }
enum NullOrder { FIRST LAST }
input OrderByClause { order: ResultOrder nulls: NullOrder }

input IDOperators { eq: ID ne: ID lt: ID gt: ID lte: ID gte: ID like: String in: [ID] nin: [ID] }
input StringOperators {
  eq: String ne: String lt: String gt: String lte: String gte: String like: String
  in: [String] nin: [String]
}
input PicklistOperators {
  eq: String ne: String lt: String gt: String lte: String gte: String like: String
  in: [String] nin: [String]
}
input BooleanOperators { eq: Boolean ne: Boolean }
input CurrencyOperators {
  eq: Currency ne: Currency lt: Currency gt: Currency lte: Currency gte: Currency
  in: [Currency] nin: [Currency]
}
input DateInput { value: Date literal: DateLiteral }
input DateOperators {
  eq: DateInput ne: DateInput lt: DateInput gt: DateInput lte: DateInput gte: DateInput
  in: [DateInput] nin: [DateInput]
}
input DateTimeInput { value: DateTime literal: DateLiteral }
input DateTimeOperators {
  eq: DateTimeInput ne: DateTimeInput lt: DateTimeInput gt: DateTimeInput
  lte: DateTimeInput gte: DateTimeInput in: [DateTimeInput] nin: [DateTimeInput]
}

input RecordDeleteInput { Id: IdOrRef! }
type RecordDeletePayload { Id: ID }
"""


def _object_sdl(sobject: SObject) -> str:
    name = sobject.name
    node_fields = ["Id: ID!", "ApiName: String!"] + [
        f"{f.name}: {VALUE_TYPES[f.kind]}" for f in sobject.fields if f.name != "Id"
    ]
    filters = [f"{f.name}: {OPERATOR_TYPES[f.kind]}" for f in sobject.fields]
    filters += [
        f"{f.relationship}: {f.references}_Filter"
        for f in sobject.fields
        if f.relationship is not None
    ]
    filters += [f"and: [{name}_Filter]", f"or: [{name}_Filter]", f"not: {name}_Filter"]
    order = [f"{f.name}: OrderByClause" for f in sobject.fields]
    inputs = [
        f"{f.name}: {'IdOrRef' if f.kind in (Kind.ID, Kind.REFERENCE) else _SCALARS[f.kind]}"
        for f in sobject.writable
    ]
    return f"""
type {name} {{ {" ".join(node_fields)} }}
type {name}Edge {{ node: {name} cursor: String! }}
type {name}Connection {{ edges: [{name}Edge] pageInfo: PageInfo! totalCount: Int! }}
input {name}_Filter {{ {" ".join(filters)} }}
input {name}_OrderBy {{ {" ".join(order)} }}
input {name}CreateRepresentation {{ {" ".join(inputs)} }}
input {name}UpdateRepresentation {{ {" ".join(inputs)} }}
input {name}CreateInput {{ {name}: {name}CreateRepresentation! }}
input {name}UpdateInput {{ Id: IdOrRef! {name}: {name}UpdateRepresentation! }}
type {name}CreatePayload {{ Record: {name} }}
type {name}UpdatePayload {{ Record: {name} }}
"""


def sandbox_sdl() -> str:
    queries = [
        f"{name}(first: Int after: String last: Int before: String where: {name}_Filter "
        f"orderBy: {name}_OrderBy upperBound: Int): {name}Connection"
        for name in OBJECTS
    ]
    mutations = [
        f"{name}Create(input: {name}CreateInput!): {name}CreatePayload "
        f"{name}Update(input: {name}UpdateInput!): {name}UpdatePayload "
        f"{name}Delete(input: RecordDeleteInput!): RecordDeletePayload"
        for name in OBJECTS
    ]
    literals = " ".join(DATE_LITERALS)
    return "\n".join(
        [
            _COMMON,
            f"enum DateLiteral {{ {literals} }}",
            f"type RecordQuery {{ {' '.join(queries)} }}",
            f"type UIAPIMutations {{ {' '.join(mutations)} }}",
            *(_object_sdl(o) for o in OBJECTS.values()),
        ]
    )
