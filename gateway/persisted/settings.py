"""Persisted-operation settings: the safelist file, who must use it, and the APQ cache's bounds.

Env: `PERSISTED_OPERATIONS_MANIFEST`, `PERSISTED_OPERATIONS_REQUIRED_ROLES` (roles, and
`api_key` for every API key), `APQ_CACHE_SIZE`, `APQ_TTL_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway.auth.principal import PARTNER_ROLES, VENDOR_ROLES, Principal

# Generated from examples/operations by `partner-gateway persisted manifest -o …`.
DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "persisted-operations.json"
API_KEY_ROLE = "api_key"  # as in LIMIT_ROLE_OVERRIDES: every API-key caller
KNOWN_ROLES = VENDOR_ROLES | PARTNER_ROLES | {API_KEY_ROLE}


@dataclass(frozen=True)
class PersistedSettings:
    manifest_path: Path = DEFAULT_MANIFEST
    # Callers holding one of these roles may run only the manifest's operations.
    required_roles: frozenset[str] = frozenset()
    apq_cache_size: int = 1_000  # queries kept in memory (no REDIS_URL)
    apq_ttl_seconds: int = 86_400  # how long Redis keeps a registered query

    def safelist_required(self, principal: Principal) -> bool:
        """Required by the caller's key (its `persisted_only` flag) or by one of its roles."""
        if principal.persisted_only:
            return True
        roles = set(principal.roles)
        if principal.credential == "api_key":
            roles.add(API_KEY_ROLE)
        return bool(roles & self.required_roles)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PersistedSettings:
        from gateway.config import ConfigError, read_int  # config builds these settings

        roles = frozenset(
            r.strip() for r in env.get("PERSISTED_OPERATIONS_REQUIRED_ROLES", "").split(",")
        ) - {""}
        unknown = roles - KNOWN_ROLES
        if unknown:
            raise ConfigError(
                f"PERSISTED_OPERATIONS_REQUIRED_ROLES names unknown roles {sorted(unknown)}; "
                f"known: {', '.join(sorted(KNOWN_ROLES))}"
            )
        return cls(
            manifest_path=Path(env.get("PERSISTED_OPERATIONS_MANIFEST") or DEFAULT_MANIFEST),
            required_roles=roles,
            apq_cache_size=read_int(env, "APQ_CACHE_SIZE", 1_000, minimum=1),
            apq_ttl_seconds=read_int(
                env, "APQ_TTL_SECONDS", 86_400, minimum=1, kind="a whole number of seconds"
            ),
        )
