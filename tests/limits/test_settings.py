"""Which limits a caller gets, and how the environment sets them."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, Settings
from gateway.limits.settings import VENDOR_LIMITS, LimitSettings, OperationLimits
from tests.support.principals import principal

PARTNER = principal("rep@acme.example", "partner_rep", partner_id=1)
VENDOR = principal("admin@vendor.example", "vendor_admin")
VENDOR_KEY = principal("apikey:k1", "vendor_admin", key_scopes=frozenset({"read"}))


def test_defaults_by_caller() -> None:
    limits = LimitSettings()
    assert limits.for_principal(PARTNER) == OperationLimits()
    assert limits.for_principal(VENDOR) == VENDOR_LIMITS
    # An API key gets the strict limits even when a vendor issued it.
    assert limits.for_principal(VENDOR_KEY) == OperationLimits()
    assert not OperationLimits().introspection and VENDOR_LIMITS.introspection


def test_environment_sets_limits_and_role_overrides() -> None:
    limits = LimitSettings.from_env(
        {
            "LIMIT_MAX_DEPTH": "7",
            "VENDOR_LIMIT_MAX_COST": "9000",
            "LIMIT_ROLE_OVERRIDES": "partner_rep:max_depth=12,introspection=true;"
            "api_key:max_cost=100",
        }
    )
    assert limits.partner.max_depth == 7
    assert limits.vendor.max_cost == 9000
    rep = limits.for_principal(PARTNER)
    assert rep.max_depth == 12 and rep.introspection
    assert limits.for_principal(VENDOR_KEY).max_cost == 100


@pytest.mark.parametrize(
    "env",
    [
        {"LIMIT_MAX_DEPTH": "deep"},
        {"LIMIT_MAX_COST": "0"},
        {"LIMIT_INTROSPECTION": "maybe"},
        {"LIMIT_ROLE_OVERRIDES": "partner_rep:max_speed=3"},
        {"LIMIT_ROLE_OVERRIDES": "partner_rep"},
        {"MAX_REQUEST_BYTES": "lots"},
    ],
)
def test_malformed_settings_are_config_errors(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(env)
