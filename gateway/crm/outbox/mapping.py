"""Which CRM fields and values a deal is written as (field names differ between orgs).

Env: `CRM_LEAD_EXTERNAL_ID_FIELD` (the Lead's external-id field that carries our deal id),
`CRM_LEAD_RECORD_TYPE_ID` (the deal-registration record type; unset: the org's default). The
Lead's partner field is the mirror's (`partner_account_id` in the CRM mapping, CRM_MAPPING_PATH),
so one file names it for reads and writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gateway.config import ConfigError
from gateway.crm.mapping import CrmMapping, MappingError

# Field names go into GraphQL documents, so only API names are accepted (`Custom_Field__c`).
_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
_RECORD_ID = re.compile(r"[A-Za-z0-9]{15}|[A-Za-z0-9]{18}")

# The Lead status each deal status is reported as (Salesforce's default Lead Status picklist).
DEFAULT_LEAD_STATUSES: Mapping[str, str] = {
    "PENDING": "Open - Not Contacted",
    "APPROVED": "Working - Contacted",
    "REJECTED": "Closed - Not Converted",
    "EXPIRED": "Closed - Not Converted",
    "WON": "Closed - Converted",
    "LOST": "Closed - Not Converted",
}
# Once the vendor converted the Lead into an Opportunity, a close moves the Opportunity instead.
DEFAULT_OPPORTUNITY_STAGES: Mapping[str, str] = {"WON": "Closed Won", "LOST": "Closed Lost"}


@dataclass(frozen=True)
class WriteMapping:
    external_id_field: str = "Gateway_Registration_Id__c"
    partner_field: str | None = "PartnerAccountId"
    record_type_id: str | None = None
    lead_source: str = "Partner"
    lead_statuses: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_LEAD_STATUSES))
    opportunity_stages: Mapping[str, str] = field(
        default_factory=lambda: dict(DEFAULT_OPPORTUNITY_STAGES)
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WriteMapping:
        external = _api_name(env, "CRM_LEAD_EXTERNAL_ID_FIELD", "Gateway_Registration_Id__c")
        partner = _lead_partner_field(env)
        record_type = (env.get("CRM_LEAD_RECORD_TYPE_ID") or "").strip() or None
        if record_type is not None and not _RECORD_ID.fullmatch(record_type):
            raise ConfigError(
                f"CRM_LEAD_RECORD_TYPE_ID must be a 15 or 18 character id, got {record_type!r}"
            )
        return cls(external_id_field=external, partner_field=partner, record_type_id=record_type)


def _lead_partner_field(env: Mapping[str, str]) -> str | None:
    """None where the mapping leaves it out (an org without partner features)."""
    path = (env.get("CRM_MAPPING_PATH") or "").strip()
    try:
        mapping = CrmMapping.load(Path(path) if path else None)
    except MappingError as exc:
        raise ConfigError(str(exc)) from None
    return mapping["Lead"].crm_field("partner_account_id")


def _api_name(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or "").strip() or default
    if not _API_NAME.match(value):
        raise ConfigError(f"{name} must be a CRM field's API name, got {value!r}")
    return value
