"""The sandbox's object model: Account, Lead and Opportunity with the contract's fields, one
description each, from which the tables, the GraphQL SDL and the filters are all derived."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """A field's Salesforce data type, as far as the sandbox distinguishes them."""

    ID = "ID"
    REFERENCE = "REFERENCE"
    STRING = "STRING"
    PICKLIST = "PICKLIST"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    URL = "URL"
    BOOLEAN = "BOOLEAN"
    CURRENCY = "CURRENCY"
    DATE = "DATE"
    DATETIME = "DATETIME"


TEXT_KINDS = frozenset({Kind.STRING, Kind.PICKLIST, Kind.EMAIL, Kind.PHONE, Kind.URL})
ID_KINDS = frozenset({Kind.ID, Kind.REFERENCE})


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    # Set by the sandbox itself (Id, timestamps, formula-like flags): never in write inputs.
    system: bool = False
    required: bool = False
    references: str | None = None  # the parent object, for REFERENCE fields
    picklist: tuple[str, ...] = ()  # a restricted picklist's values; empty means unrestricted
    unique: bool = False
    max_length: int | None = None  # text fields: longer values are STRING_TOO_LONG

    @property
    def relationship(self) -> str | None:
        """`PartnerAccountId` -> `PartnerAccount`: the name a parent filter goes through."""
        if self.references is None or not self.name.endswith("Id"):
            return None
        return self.name[:-2]


@dataclass(frozen=True)
class SObject:
    name: str
    key_prefix: str
    fields: tuple[Field, ...]

    @property
    def table(self) -> str:
        return self.name.lower()

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def writable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.system)

    def parent(self, relationship: str) -> Field | None:
        for candidate in self.fields:
            if candidate.relationship == relationship:
                return candidate
        return None


def _system_fields() -> tuple[Field, ...]:
    return (
        Field("CreatedDate", Kind.DATETIME, system=True),
        Field("LastModifiedDate", Kind.DATETIME, system=True),
        Field("SystemModstamp", Kind.DATETIME, system=True),
    )


LEAD_STATUSES = (
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
)
# Salesforce's standard sales process; IsClosed/IsWon follow from the stage, as in a real org.
OPEN_STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
)
WON_STAGE = "Closed Won"
LOST_STAGE = "Closed Lost"
STAGES = (*OPEN_STAGES, WON_STAGE, LOST_STAGE)
CURRENCIES = (
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "JPY", "KRW", "SGD", "INR", "CHF", "SEK", "PLN",
    "AED", "ZAR", "BRL", "MXN", "ARS", "CLP", "COP",
)  # fmt: skip

ACCOUNT = SObject(
    "Account",
    "001",
    (
        Field("Id", Kind.ID, system=True),
        Field("Name", Kind.STRING, required=True, max_length=255),
        Field("Website", Kind.URL, max_length=255),
        Field("Industry", Kind.PICKLIST),
        Field("BillingCountry", Kind.STRING),
        Field("IsPartner", Kind.BOOLEAN),
        *_system_fields(),
    ),
)
LEAD = SObject(
    "Lead",
    "00Q",
    (
        Field("Id", Kind.ID, system=True),
        Field("FirstName", Kind.STRING, max_length=40),
        Field("LastName", Kind.STRING, required=True, max_length=80),
        Field("Email", Kind.EMAIL, max_length=80),
        Field("Phone", Kind.PHONE, max_length=40),
        Field("Company", Kind.STRING, required=True, max_length=255),
        Field("Website", Kind.URL, max_length=255),
        Field("Status", Kind.PICKLIST, picklist=LEAD_STATUSES),
        Field("LeadSource", Kind.PICKLIST),
        Field("PartnerAccountId", Kind.REFERENCE, references="Account"),
        Field("RecordTypeId", Kind.ID),
        Field("IsConverted", Kind.BOOLEAN),
        Field("ConvertedOpportunityId", Kind.REFERENCE, references="Opportunity"),
        Field("Gateway_Registration_Id__c", Kind.STRING, unique=True, max_length=255),
        *_system_fields(),
    ),
)
OPPORTUNITY = SObject(
    "Opportunity",
    "006",
    (
        Field("Id", Kind.ID, system=True),
        Field("Name", Kind.STRING, required=True, max_length=120),
        Field("AccountId", Kind.REFERENCE, references="Account"),
        Field("PartnerAccountId", Kind.REFERENCE, references="Account"),
        Field("Amount", Kind.CURRENCY),
        Field("CurrencyIsoCode", Kind.PICKLIST, picklist=CURRENCIES),
        Field("StageName", Kind.PICKLIST, required=True, picklist=STAGES),
        Field("CloseDate", Kind.DATE, required=True),
        Field("IsClosed", Kind.BOOLEAN, system=True),
        Field("IsWon", Kind.BOOLEAN, system=True),
        *_system_fields(),
    ),
)

OBJECTS: dict[str, SObject] = {o.name: o for o in (ACCOUNT, LEAD, OPPORTUNITY)}
# The deal-registration record type every partner registration carries (key prefix 012).
DEAL_REGISTRATION_RECORD_TYPE_ID = "012000000000DRGAAA"
# Defaults a real org fills in on create when the input leaves them out.
CREATE_DEFAULTS: dict[str, dict[str, object]] = {
    "Lead": {"Status": "Open - Not Contacted", "IsConverted": False},
    "Account": {"IsPartner": False},
    "Opportunity": {"CurrencyIsoCode": "USD"},
}
