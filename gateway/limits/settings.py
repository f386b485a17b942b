"""Operation limits per caller: strict defaults for partners and API keys, looser for vendor staff.

Env: `LIMIT_MAX_DEPTH`, `LIMIT_MAX_ALIASES`, `LIMIT_MAX_TOKENS`, `LIMIT_MAX_QUERY_LENGTH`,
`LIMIT_MAX_ROOT_FIELDS`, `LIMIT_MAX_COST`, `LIMIT_MAX_REPRESENTATIONS`, `LIMIT_INTROSPECTION` set
the partner/API-key limits; the same names with `VENDOR_` in front set the vendor staff's.
`LIMIT_ROLE_OVERRIDES` overrides single limits per role (`api_key` names API keys):
`partner_admin:max_depth=12;api_key:introspection=true`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from gateway.auth.principal import Principal

API_KEY_ROLE = "api_key"


class LimitConfigError(ValueError):
    """A limit setting in the environment is malformed."""


@dataclass(frozen=True)
class OperationLimits:
    """The partner and API-key defaults: the common hardening presets (depth 10, aliases 15,
    tokens 1,000, 15,000 characters) and a cost of 5,000. The leak property test's random
    operations are bigger than portals send; its server raises these by environment instead."""

    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 1_000
    max_query_length: int = 15_000
    max_root_fields: int = 10
    max_cost: int = 5_000
    # Federation `_entities` references per operation: a router asks for one page's worth.
    max_representations: int = 1_000
    introspection: bool = False


# GraphiQL's own introspection query is 14 deep and costs about 100,000 (see measure.py).
VENDOR_LIMITS = OperationLimits(
    max_depth=20,
    max_aliases=100,
    max_tokens=10_000,
    max_query_length=100_000,
    max_root_fields=50,
    max_cost=250_000,
    max_representations=5_000,
    introspection=True,
)

_ENV_NAMES = {
    "max_depth": "MAX_DEPTH",
    "max_aliases": "MAX_ALIASES",
    "max_tokens": "MAX_TOKENS",
    "max_query_length": "MAX_QUERY_LENGTH",
    "max_root_fields": "MAX_ROOT_FIELDS",
    "max_cost": "MAX_COST",
    "max_representations": "MAX_REPRESENTATIONS",
    "introspection": "INTROSPECTION",
}


@dataclass(frozen=True)
class LimitSettings:
    partner: OperationLimits = field(default_factory=OperationLimits)  # and API keys
    vendor: OperationLimits = VENDOR_LIMITS
    role_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def for_principal(self, principal: Principal) -> OperationLimits:
        """API keys always start from the partner limits, whoever issued them."""
        if principal.credential == "api_key":
            base, roles = self.partner, [API_KEY_ROLE]
        else:
            base = self.vendor if principal.is_vendor else self.partner
            roles = sorted(principal.roles)
        for role in roles:
            if role in self.role_overrides:
                base = replace(base, **self.role_overrides[role])
        return base

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LimitSettings:
        return cls(
            partner=_limits(env, "LIMIT_", OperationLimits()),
            vendor=_limits(env, "VENDOR_LIMIT_", VENDOR_LIMITS),
            role_overrides=_overrides(env.get("LIMIT_ROLE_OVERRIDES", "")),
        )


def _value(name: str, raw: str, default: object) -> int | bool:
    lowered = raw.strip().lower()
    if isinstance(default, bool):
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise LimitConfigError(f"{name} must be true or false, got {raw!r}")
    try:
        value = int(lowered)
    except ValueError:
        raise LimitConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < 1:
        raise LimitConfigError(f"{name} must be at least 1, got {value}")
    return value


def _limits(env: Mapping[str, str], prefix: str, defaults: OperationLimits) -> OperationLimits:
    changes: dict[str, int | bool] = {}
    for attribute, suffix in _ENV_NAMES.items():
        raw = env.get(prefix + suffix)
        if raw:
            changes[attribute] = _value(prefix + suffix, raw, getattr(defaults, attribute))
    return replace(defaults, **changes)  # type: ignore[arg-type]


def _overrides(raw: str) -> dict[str, dict[str, int | bool]]:
    known = {f.name: f.default for f in fields(OperationLimits)}
    overrides: dict[str, dict[str, int | bool]] = {}
    for entry in (e.strip() for e in raw.split(";")):
        if not entry:
            continue
        role, _, assignments = entry.partition(":")
        for assignment in assignments.split(","):
            name, equals, value = (p.strip() for p in assignment.partition("="))
            if not equals or name not in known or not role.strip():
                raise LimitConfigError(
                    f"LIMIT_ROLE_OVERRIDES entries look like role:max_depth=12,max_cost=9000; "
                    f"got {entry!r}"
                )
            setting = f"LIMIT_ROLE_OVERRIDES ({role.strip()}.{name})"
            overrides.setdefault(role.strip(), {})[name] = _value(setting, value, known[name])
    return overrides
