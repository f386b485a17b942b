"""The CRM calls the outbox makes, as GraphQL documents and variables (the contract's shapes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.crm.outbox.mapping import WriteMapping
from gateway.store.table import Row

Json = dict[str, Any]

CREATE_LEAD = """
mutation GatewayRegisterLead($input: LeadCreateInput!) {
  uiapi(input: { allOrNone: true }) {
    LeadCreate(input: $input) { Record { Id } }
  }
}
"""
UPDATE_LEAD = """
mutation GatewayUpdateLead($input: LeadUpdateInput!) {
  uiapi(input: { allOrNone: true }) {
    LeadUpdate(input: $input) { Record { Id } }
  }
}
"""
UPDATE_OPPORTUNITY = """
mutation GatewayUpdateOpportunity($input: OpportunityUpdateInput!) {
  uiapi(input: { allOrNone: true }) {
    OpportunityUpdate(input: $input) { Record { Id } }
  }
}
"""
# The field's name is configuration (checked to be an API name), never caller input.
_FIND_LEAD = """
query GatewayFindLead($ref: String) {
  uiapi { query {
    Lead(first: 2, where: { %s: { eq: $ref } }) { edges { node { Id } } }
  } }
}
"""

# Salesforce's lengths for the standard fields we fill.
_LAST_NAME_MAX = 80
_COMPANY_MAX = 255


def external_id(deal_id: int) -> str:
    """Our id as the CRM keeps it in the external-id field."""
    return str(deal_id)


def find_lead(mapping: WriteMapping, deal_id: int) -> tuple[str, Json]:
    return _FIND_LEAD % mapping.external_id_field, {"ref": external_id(deal_id)}


def found_lead_ids(data: Json) -> list[str]:
    edges = data["uiapi"]["query"]["Lead"]["edges"]
    return [str(edge["node"]["Id"]) for edge in edges]


def create_lead(mapping: WriteMapping, entry: Row) -> tuple[str, Json]:
    """A Lead for the registration, as it stands now (later changes follow as updates)."""
    name = entry["customer_name"]
    lead: Json = {
        "LastName": name[:_LAST_NAME_MAX],
        "Company": name[:_COMPANY_MAX],
        "Website": entry["customer_domain"],
        "LeadSource": mapping.lead_source,
        "Status": mapping.lead_statuses["PENDING"],
        mapping.external_id_field: external_id(entry["deal_id"]),
    }
    if mapping.partner_field is not None and entry["partner_crm_account_id"] is not None:
        lead[mapping.partner_field] = entry["partner_crm_account_id"]
    if mapping.record_type_id is not None:
        lead["RecordTypeId"] = mapping.record_type_id
    return CREATE_LEAD, {"input": {"Lead": lead}}


def created_id(data: Json) -> str:
    return str(data["uiapi"]["LeadCreate"]["Record"]["Id"])


@dataclass(frozen=True)
class StatusUpdate:
    """The update that reports a deal status: which object, which record, which document."""

    object_name: str
    record_id: str
    document: str
    variables: Json

    def updated_id(self, data: Json) -> str:
        return str(data["uiapi"][f"{self.object_name}Update"]["Record"]["Id"])


def status_update(mapping: WriteMapping, entry: Row) -> StatusUpdate | None:
    """None when the deal has no CRM record to update yet."""
    status = entry["deal_status"]
    stage = mapping.opportunity_stages.get(status)
    if stage is not None and entry["crm_opportunity_id"] is not None:
        record = entry["crm_opportunity_id"]
        fields: Json = {"StageName": stage}
        return StatusUpdate(
            "Opportunity",
            record,
            UPDATE_OPPORTUNITY,
            {"input": {"Id": record, "Opportunity": fields}},
        )
    if entry["crm_lead_id"] is None:
        return None
    record = entry["crm_lead_id"]
    fields = {"Status": mapping.lead_statuses[status]}
    return StatusUpdate("Lead", record, UPDATE_LEAD, {"input": {"Id": record, "Lead": fields}})
