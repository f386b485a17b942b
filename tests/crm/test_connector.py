"""The connector's rules that need no CRM: settings, where an error's kind is read from, the
allowance circuit's clock, and the field mapping's overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import ConfigError, Settings
from gateway.crm.answers import error_kind, query_error
from gateway.crm.circuit import AllowanceCircuit
from gateway.crm.documents import mirror_document
from gateway.crm.errors import (
    CrmCircuitOpen,
    CrmQueryError,
    CrmRecordNotFound,
    CrmValidationError,
)
from gateway.crm.mapping import CrmMapping, MappingError
from gateway.crm.settings import CrmConfigError, CrmSettings
from tests.support.auth import TEST_AUTH

CRM_ENV = {"CRM_URL": "https://acme.my.salesforce.com", "CRM_CLIENT_ID": "id",
           "CRM_CLIENT_SECRET": "secret"}  # fmt: skip


def test_settings_default_to_no_crm_and_every_source_the_mirror() -> None:
    settings = CrmSettings.from_env({})
    assert not settings.configured
    assert settings.source("deals") == "mirror"


def test_settings_read_the_environment() -> None:
    env = {**CRM_ENV, "CRM_SOURCE_DEALS": "LIVE", "CRM_RETRY_BASE_SECONDS": "0.5",
           "CRM_SYNC_PAGE_SIZE": "500", "CRM_SYNC_INTERVAL_SECONDS": "0"}  # fmt: skip
    settings = CrmSettings.from_env(env)
    assert settings.configured and settings.token_url.endswith("/services/oauth2/token")
    assert (settings.source("deals"), settings.source("leads")) == ("live", "mirror")
    assert (settings.retry_base_seconds, settings.sync_page_size) == (0.5, 500)
    assert settings.sync_interval_seconds == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CRM_URL": "ftp://x"}, r"CRM_URL must be an http\(s\) URL"),
        ({"CRM_URL": "https://x"}, "needs CRM_CLIENT_ID and CRM_CLIENT_SECRET"),
        ({**CRM_ENV, "CRM_SOURCE_LEADS": "both"}, "CRM_SOURCE_LEADS must be mirror or live"),
        ({**CRM_ENV, "CRM_SYNC_PAGE_SIZE": "5000"}, "at most 2000"),
        ({**CRM_ENV, "CRM_TIMEOUT_SECONDS": "soon"}, "CRM_TIMEOUT_SECONDS must be a number"),
        ({**CRM_ENV, "CRM_MAPPING_PATH": "/nonexistent.toml"}, "is not a file"),
    ],
)
def test_malformed_settings_are_refused_with_the_setting_named(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(CrmConfigError, match=message):
        CrmSettings.from_env(env)


def test_the_gateway_settings_carry_the_crm_settings_and_their_errors() -> None:
    env = {"JWT_SECRET": TEST_AUTH.jwt_secret, **CRM_ENV}
    assert Settings.from_env(env).crm.url == CRM_ENV["CRM_URL"]
    with pytest.raises(ConfigError, match="CRM_SOURCE_DEALS"):
        Settings.from_env({**env, "CRM_SOURCE_DEALS": "sometimes"})


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ({"message": "x", "extensions": {"ErrorType": "ValidationError"}}, "ValidationError"),
        ({"message": "x", "extensions": {"classification": "InvalidSyntax"}}, "InvalidSyntax"),
        ({"message": "x", "errorType": "DataFetchingException"}, "DataFetchingException"),
        # ErrorType first, then classification, then errorType.
        (
            {"extensions": {"ErrorType": "ExecutionAborted", "classification": "Other"},
             "errorType": "Third"},
            "ExecutionAborted",
        ),  # fmt: skip
        ({"message": "no kind at all"}, None),
    ],
)
def test_the_error_kind_is_read_from_each_place_the_contract_allows(
    error: dict[str, object], kind: str | None
) -> None:
    assert error_kind(error) == kind


def test_error_kinds_become_typed_errors() -> None:
    invalid = query_error([{"message": "No such column", "errorType": "ValidationError"}], None)
    gone = query_error([{"message": "gone", "extensions": {"ErrorType": "DataFetchingException"}}],
                       {"uiapi": None})  # fmt: skip
    other = query_error([{"message": "slow", "extensions": {"ErrorType": "ExecutionAborted"}}],
                        None)  # fmt: skip
    assert isinstance(invalid, CrmValidationError) and "No such column" in str(invalid)
    assert isinstance(gone, CrmRecordNotFound) and gone.data == {"uiapi": None}
    assert type(other) is CrmQueryError and other.kind == "ExecutionAborted"


def test_the_allowance_circuit_holds_calls_back_until_its_time_is_up() -> None:
    now = [1000.0]
    circuit = AllowanceCircuit(300, clock=lambda: now[0])
    circuit.check()  # closed: nothing happens
    circuit.trip()
    now[0] += 299
    with pytest.raises(CrmCircuitOpen) as held:
        circuit.check()
    assert held.value.retry_in == pytest.approx(1)
    now[0] += 1
    circuit.check()  # open no more: the next call is the probe
    assert not circuit.is_open


def test_an_org_mapping_renames_fields_and_leaves_others_out(tmp_path: Path) -> None:
    override = tmp_path / "org.toml"
    override.write_text(
        '[Opportunity.fields]\npartner_account_id = "Partner_Account__c"\ncurrency = ""\n'
        '[Lead]\nobject = "Lead"\n'
    )
    mapping = CrmMapping.load(override)
    opportunity = mapping["Opportunity"]
    assert opportunity.crm_field("partner_account_id") == "Partner_Account__c"
    assert opportunity.crm_field("currency") is None
    document = mirror_document(opportunity, with_total=False)
    assert "Partner_Account__c { value }" in document
    assert "PartnerAccountId" not in document and "CurrencyIsoCode" not in document
    assert mapping["Account"].crm_field("name") == "Name"  # untouched: the default


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[Opportunity.fields]\nowner = "OwnerId"\n', "unknown fields"),
        ('[Contact]\nobject = "Contact"\n', "unknown object"),
        ('[Lead.fields]\nlast_name = ""\n', "unmapped"),
        ('[Opportunity.stages]\n"Won" = "DONE"\n', "unknown deal stages"),
        ('[Account.fields]\nname = "Name; DROP"\n', "not a CRM API name"),
        ("[Account\n", "Expected .]. at the end"),
    ],
)
def test_a_broken_mapping_is_refused(tmp_path: Path, text: str, message: str) -> None:
    override = tmp_path / "org.toml"
    override.write_text(text)
    with pytest.raises(MappingError, match=message):
        CrmMapping.load(override)
