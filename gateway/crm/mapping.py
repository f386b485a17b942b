"""The CRM-to-gateway field mapping: the default shipped beside this module, overridden per org
by CRM_MAPPING_PATH (a TOML file holding only what differs)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

# Sync order: an opportunity's account name and domain come from the mirrored accounts.
MIRRORED_OBJECTS = ("Account", "Lead", "Opportunity")
# Without these the mirror cannot hold a record (NOT NULL columns).
_REQUIRED = {
    "Account": {"name"},
    "Lead": {"last_name", "company"},
    "Opportunity": {"name", "stage"},
}
DEAL_STAGES = frozenset(
    {"PROSPECTING", "QUALIFICATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON", "CLOSED_LOST"}
)


class MappingError(ValueError):
    """The mapping file is unreadable, names an unknown field, or leaves a required one out."""


@dataclass(frozen=True)
class ObjectMapping:
    """One mirrored object: its name in the CRM, and our field -> its CRM field."""

    key: str  # the gateway's name for it: Account, Lead, Opportunity
    crm_object: str
    fields: Mapping[str, str]  # only the mapped fields ("" in the file: left out)
    stages: Mapping[str, str]  # Opportunity.StageName values -> deal stages

    def crm_field(self, ours: str) -> str | None:
        return self.fields.get(ours)

    def decode(self, node: Mapping[str, Any]) -> dict[str, Any]:
        """A GraphQL node (`Id` bare, every other field `{value}`) as our field names."""
        record: dict[str, Any] = {
            "crm_id": node["Id"],
            "system_modstamp": _value(node.get("SystemModstamp")),
        }
        for ours, theirs in self.fields.items():
            record[ours] = _value(node.get(theirs))
        return record


@dataclass(frozen=True)
class CrmMapping:
    objects: Mapping[str, ObjectMapping]

    def __getitem__(self, key: str) -> ObjectMapping:
        return self.objects[key]

    @classmethod
    def load(cls, override: Path | None = None) -> CrmMapping:
        shipped = resources.files("gateway.crm").joinpath("default_mapping.toml").read_text()
        merged = tomllib.loads(shipped)
        if override is not None:
            try:
                given = tomllib.loads(override.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise MappingError(f"CRM mapping {override}: {exc}") from None
            _merge(merged, given, str(override))
        return cls({key: _object(key, merged[key]) for key in MIRRORED_OBJECTS})


def _value(field: Any) -> Any:
    return field.get("value") if isinstance(field, dict) else field


def _merge(base: dict[str, Any], given: dict[str, Any], origin: str) -> None:
    for key, section in given.items():
        if key not in base:
            raise MappingError(
                f"{origin}: unknown object {key!r} (known: Account, Lead, Opportunity)"
            )
        if not isinstance(section, dict):
            raise MappingError(f"{origin}: [{key}] must be a table")
        for part, value in section.items():
            if part == "object":
                base[key]["object"] = value
            elif part in ("fields", "stages") and isinstance(value, dict):
                known = base[key].get(part, {})
                unknown = set(value) - set(known) if part == "fields" else set()
                if unknown:
                    raise MappingError(
                        f"{origin}: [{key}.fields] has unknown fields {sorted(unknown)}"
                    )
                base[key].setdefault(part, {}).update(value)
            else:
                raise MappingError(f"{origin}: [{key}] has an unknown entry {part!r}")


def _object(key: str, section: dict[str, Any]) -> ObjectMapping:
    fields = {ours: str(theirs) for ours, theirs in section.get("fields", {}).items() if theirs}
    missing = _REQUIRED[key] - set(fields)
    if missing:
        raise MappingError(f"the CRM mapping leaves {key} fields {sorted(missing)} unmapped")
    for name in (section.get("object"), *fields.values()):
        if not isinstance(name, str) or not name.replace("_", "").isalnum():
            raise MappingError(f"the CRM mapping of {key} names {name!r}, not a CRM API name")
    stages = {str(k): str(v) for k, v in section.get("stages", {}).items()}
    wrong = sorted(set(stages.values()) - DEAL_STAGES)
    if wrong:
        raise MappingError(f"the CRM mapping's {key} stages name unknown deal stages {wrong}")
    return ObjectMapping(key=key, crm_object=section["object"], fields=fields, stages=stages)
