"""How a deal is written follows the CRM mapping the mirror reads with: one file names the Lead's
partner field for both."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import ConfigError
from gateway.crm.outbox.mapping import WriteMapping


def test_the_partner_field_comes_from_the_crm_mapping(tmp_path: Path) -> None:
    assert WriteMapping.from_env({}).partner_field == "PartnerAccountId"
    renamed = tmp_path / "renamed.toml"
    renamed.write_text('[Lead.fields]\npartner_account_id = "Reseller__c"\n', encoding="utf-8")
    assert WriteMapping.from_env({"CRM_MAPPING_PATH": str(renamed)}).partner_field == "Reseller__c"
    absent = tmp_path / "absent.toml"
    absent.write_text('[Lead.fields]\npartner_account_id = ""\n', encoding="utf-8")
    assert WriteMapping.from_env({"CRM_MAPPING_PATH": str(absent)}).partner_field is None


def test_a_broken_mapping_is_a_configuration_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[Lead.fields\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.toml"):
        WriteMapping.from_env({"CRM_MAPPING_PATH": str(broken)})
