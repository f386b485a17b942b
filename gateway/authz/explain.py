"""Why a role may (or may not) do something: the decision and the policy lines behind it."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.authz.permissions import scope_kind
from gateway.authz.policy import Policy, Rule


@dataclass(frozen=True)
class Explanation:
    role: str
    domain: str
    obj: str
    action: str
    allowed: bool
    deciding_rule: str | None
    inherited_roles: list[str]
    matching_rules: list[Rule]
    row_scope: str | None

    def lines(self) -> list[str]:
        verdict = "ALLOW" if self.allowed else "DENY"
        out = [
            f"{verdict}: {self.role} in {self.domain} may {'' if self.allowed else 'not '}"
            f"{self.action} {self.obj}"
        ]
        if len(self.inherited_roles) > 1:
            out.append(f"  roles: {' -> '.join(self.inherited_roles)}")
        if self.deciding_rule:
            out.append(f"  decided by: {self.deciding_rule}")
        elif not self.matching_rules:
            out.append("  decided by: no rule allows it (everything not allowed is denied)")
        for rule in self.matching_rules:
            out.append(f"  matching: {rule}")
        if self.row_scope is not None:
            out.append(f"  rows of {self.obj.split('.')[0]}: {self.row_scope}")
        return out


def explain(policy: Policy, role: str, domain: str, obj: str, action: str) -> Explanation:
    allowed, rule = policy.enforce(role, domain, obj, action)
    matching = [r for r in policy.rules_for(role, domain) if r.matches(domain, obj, action)]
    deciding = ", ".join(["p", *rule]) if rule else None
    scope = scope_kind(policy.scope_rules_for(role, domain), domain, obj.split(".")[0])
    return Explanation(
        role=role,
        domain=domain,
        obj=obj,
        action=action,
        allowed=allowed,
        deciding_rule=deciding,
        inherited_roles=policy.roles_of(role, domain),
        matching_rules=matching,
        row_scope=scope,
    )
