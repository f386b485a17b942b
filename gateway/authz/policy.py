"""The Casbin policy: loaded from `policies/`, validated, and queried for one role at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import casbin
from casbin.util import key_match

from gateway.config import DEFAULT_POLICY_DIR

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_POLICY_DIR", "Policy", "PolicyError", "Rule", "ScopeRule"]


ROLES = frozenset(
    {"vendor_admin", "channel_manager", "analyst", "partner_admin", "partner_rep", "partner_system"}
)
SCOPE_KINDS = frozenset({"all", "managed_partners", "own_partner", "own_records", "none"})
EFFECTS = frozenset({"allow", "deny"})


class PolicyError(ValueError):
    """The policy files cannot be used; the message says which line and why."""


@dataclass(frozen=True)
class Rule:
    """One `p` line: `role, domain, object, action, effect`."""

    role: str
    domain: str
    obj: str
    action: str
    effect: str

    def matches(self, domain: str, obj: str, action: str) -> bool:
        return bool(
            key_match(domain, self.domain)
            and key_match(obj, self.obj)
            and key_match(action, self.action)
        )

    def __str__(self) -> str:
        return f"p, {self.role}, {self.domain}, {self.obj}, {self.action}, {self.effect}"


@dataclass(frozen=True)
class ScopeRule:
    """One `p2` line: `role, domain, object, scope`."""

    role: str
    domain: str
    obj: str
    scope: str

    def __str__(self) -> str:
        return f"p2, {self.role}, {self.domain}, {self.obj}, {self.scope}"


class Policy:
    """A loaded, validated policy; immutable, so a reload swaps in a whole new one."""

    def __init__(self, model_path: Path, policy_path: Path) -> None:
        self.model_path = model_path
        self.policy_path = policy_path
        try:
            self.enforcer: Any = casbin.Enforcer(str(model_path), str(policy_path))
        except Exception as exc:  # casbin raises bare Exceptions for syntax errors
            raise PolicyError(f"cannot load {policy_path} with {model_path}: {exc}") from exc
        # `*` in a domain column (of p and of g lines) means every partner.
        self.enforcer.add_named_domain_matching_func("g", key_match)
        self.enforcer.build_role_links()
        self._validate()

    @classmethod
    def from_dir(cls, directory: Path) -> Policy:
        return cls(directory / "model.conf", directory / "policy.csv")

    def _validate(self) -> None:
        for line in self.enforcer.get_named_policy("p"):
            if len(line) != 5:
                raise PolicyError(f"p line needs 5 fields: {', '.join(line)}")
            if line[4] not in EFFECTS:
                raise PolicyError(f"effect must be allow or deny: {', '.join(line)}")
            self._check_role(line[0], line)
        for line in self.enforcer.get_named_policy("p2"):
            if len(line) != 4:
                raise PolicyError(f"p2 line needs 4 fields: {', '.join(line)}")
            if line[3] not in SCOPE_KINDS:
                kinds = ", ".join(sorted(SCOPE_KINDS))
                raise PolicyError(f"scope must be one of {kinds}: {', '.join(line)}")
            self._check_role(line[0], line)
        for line in self.enforcer.get_named_grouping_policy("g"):
            self._check_role(line[0], line)
            self._check_role(line[1], line)

    @staticmethod
    def _check_role(role: str, line: list[str]) -> None:
        if role not in ROLES:
            raise PolicyError(f"unknown role {role!r} in: {', '.join(line)}")

    def roles_of(self, role: str, domain: str) -> list[str]:
        """The role and every role it inherits in `domain` (g lines)."""
        inherited: list[str] = self.enforcer.get_implicit_roles_for_user(role, domain)
        return [role, *inherited]

    def rules_for(self, role: str, domain: str) -> list[Rule]:
        """Every p line that applies to `role` (inherited roles included) in `domain`."""
        lines = self.enforcer.get_implicit_permissions_for_user(role, domain)
        return [Rule(*line) for line in lines]

    def scope_rules_for(self, role: str, domain: str) -> list[ScopeRule]:
        lines = self.enforcer.get_named_implicit_permissions_for_user("p2", role, domain)
        return [ScopeRule(*line) for line in lines]

    def enforce(self, role: str, domain: str, obj: str, action: str) -> tuple[bool, list[str]]:
        """Casbin's own decision and the rule it names (for explain and the truth table)."""
        allowed, rule = self.enforcer.enforce_ex(role, domain, obj, action)
        return bool(allowed), list(rule)
