"""Settings read once from the environment; the README's configuration table mirrors this file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from limits import parse

from gateway.crm.settings import CrmConfigError, CrmSettings
from gateway.limits.settings import LimitConfigError, LimitSettings
from gateway.persisted.settings import PersistedSettings

if TYPE_CHECKING:
    from gateway.auth.settings import AuthSettings
    from gateway.crm.outbox.settings import OutboxSettings

# The policies shipped beside the package (a source checkout or an editable install).
DEFAULT_POLICY_DIR = Path(__file__).resolve().parents[1] / "policies"


class ConfigError(ValueError):
    """A setting in the environment is missing or malformed."""


def read_int(
    env: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int = 0,
    kind: str = "an integer",
) -> int:
    """An integer setting; `kind` words the error ("a whole number of seconds")."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {kind}, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def read_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A true/false setting (1/0, yes/no and on/off too)."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class Settings:
    """Everything the gateway reads from its environment."""

    database_url: str | None = None
    data_dir: Path = field(default_factory=lambda: Path(".data"))
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    db_pool_min: int = 2
    db_pool_max: int = 10
    db_statement_timeout_ms: int = 15_000
    max_page_size: int = 100
    graphiql: bool = True
    policy_dir: Path = DEFAULT_POLICY_DIR
    policy_poll_seconds: float = 1.0
    deal_protection_days: int = 90
    lead_sla_hours: int = 48
    jobs_interval_seconds: int = 60
    subscriptions_max_per_connection: int = 10
    cors_allowed_origins: tuple[str, ...] = ()
    subscription_queue_size: int = 100
    # Requests per caller in the `limits` notation ("600/minute"); None: unlimited.
    rate_limit_per_user: str | None = "600/minute"
    rate_limit_per_api_key: str | None = "1200/minute"
    # Operation cost (gateway/limits/measure.py) a partner's people and keys may spend together
    # per window; None (the default, `off`): no cost budget, only the request budgets above.
    rate_limit_cost_per_partner: str | None = None
    redis_url: str | None = None  # unset: each process counts budgets in its own memory
    rate_limit_key_prefix: str = "partner-gateway"
    # Operation limits per caller (gateway/limits/settings.py) and the request body's cap.
    limits: LimitSettings = field(default_factory=LimitSettings)
    max_request_bytes: int = 1_000_000
    # Most operations one POST may carry as a JSON array (gateway/http/batching.py); 0: batches
    # are refused (BATCHING_DISABLED).
    batch_max_operations: int = 0
    # A client must send its request headers, and then its body, within these (slowloris).
    request_header_timeout_seconds: int = 10
    request_body_timeout_seconds: int = 30
    # Known queries answered by a plan compiled once per text (gateway/compiled); off: always
    # Strawberry's per-field execution (for comparison: the answers are the same).
    compiled_execution: bool = True
    # The safelist manifest, who must use it, and the APQ cache (gateway/persisted/settings.py).
    persisted: PersistedSettings = field(default_factory=PersistedSettings)
    auth: AuthSettings | None = None
    # Write-back to the CRM through the outbox (gateway/crm/outbox/settings.py).
    outbox: OutboxSettings = field(default_factory=lambda: _default_outbox())
    # The CRM connector, mirror sync and live sources (gateway/crm/settings.py); no URL: none.
    crm: CrmSettings = field(default_factory=CrmSettings)

    @property
    def embedded(self) -> bool:
        """No DATABASE_URL means the gateway runs its own Postgres in `data_dir`."""
        return self.database_url is None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        from gateway.auth.settings import AuthSettings  # it reads ConfigError from here
        from gateway.crm.outbox.settings import OutboxSettings  # and read_int

        env = dict(os.environ if environ is None else environ)
        log_level = env.get("LOG_LEVEL", "info").strip().lower()
        if log_level not in LOG_LEVELS:
            choices = ", ".join(LOG_LEVELS)
            raise ConfigError(f"LOG_LEVEL must be one of {choices}, got {log_level!r}")
        settings = cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=Path(env.get("DATA_DIR") or ".data"),
            host=env.get("HOST") or "127.0.0.1",
            port=read_int(env, "PORT", 8000, minimum=0),
            log_level=log_level,
            db_pool_min=read_int(env, "DB_POOL_MIN", 2, minimum=1),
            db_pool_max=read_int(env, "DB_POOL_MAX", 10, minimum=1),
            db_statement_timeout_ms=read_int(env, "DB_STATEMENT_TIMEOUT_MS", 15_000, minimum=1),
            max_page_size=read_int(env, "MAX_PAGE_SIZE", 100, minimum=1),
            graphiql=read_bool(env, "GRAPHIQL", True),
            policy_dir=Path(env.get("POLICY_DIR") or DEFAULT_POLICY_DIR),
            deal_protection_days=read_int(env, "DEAL_PROTECTION_DAYS", 90, minimum=1),
            lead_sla_hours=read_int(env, "LEAD_SLA_HOURS", 48, minimum=1),
            jobs_interval_seconds=read_int(env, "JOBS_INTERVAL_SECONDS", 60, minimum=0),
            cors_allowed_origins=_origins(env.get("CORS_ALLOWED_ORIGINS", "")),
            subscriptions_max_per_connection=read_int(
                env, "SUBSCRIPTIONS_MAX_PER_CONNECTION", 10, minimum=1
            ),
            subscription_queue_size=read_int(env, "SUBSCRIPTION_QUEUE_SIZE", 100, minimum=1),
            rate_limit_per_user=_rate(env, "RATE_LIMIT_PER_USER", "600/minute"),
            rate_limit_per_api_key=_rate(env, "RATE_LIMIT_PER_API_KEY", "1200/minute"),
            rate_limit_cost_per_partner=_rate(env, "RATE_LIMIT_COST_PER_PARTNER", "off"),
            redis_url=_redis_url(env.get("REDIS_URL", "")),
            rate_limit_key_prefix=env.get("RATE_LIMIT_KEY_PREFIX") or "partner-gateway",
            limits=_limits(env),
            max_request_bytes=read_int(env, "MAX_REQUEST_BYTES", 1_000_000, minimum=1),
            batch_max_operations=read_int(env, "BATCH_MAX_OPERATIONS", 0, minimum=0),
            request_header_timeout_seconds=read_int(
                env, "REQUEST_HEADER_TIMEOUT_SECONDS", 10, minimum=1
            ),
            request_body_timeout_seconds=read_int(
                env, "REQUEST_BODY_TIMEOUT_SECONDS", 30, minimum=1
            ),
            compiled_execution=read_bool(env, "COMPILED_EXECUTION", True),
            persisted=PersistedSettings.from_env(env),
            auth=AuthSettings.from_env(env, Path(env.get("DATA_DIR") or ".data")),
            outbox=OutboxSettings.from_env(env),
            crm=_crm(env),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.db_pool_min > self.db_pool_max:
            raise ConfigError("DB_POOL_MIN must not exceed DB_POOL_MAX")
        if self.port > 65535:
            raise ConfigError(f"PORT must be at most 65535, got {self.port}")
        if not (self.policy_dir / "policy.csv").is_file():
            raise ConfigError(f"POLICY_DIR={self.policy_dir} holds no policy.csv")


def _default_outbox() -> OutboxSettings:
    from gateway.crm.outbox.settings import OutboxSettings  # it reads read_int from here

    return OutboxSettings()


def _rate(env: dict[str, str], name: str, default: str) -> str | None:
    """A budget in the `limits` notation, such as `600/minute` or `10/second`; `off`: none."""
    raw = (env.get(name) or default).strip()
    if raw.lower() == "off":
        return None
    try:
        parse(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must be a rate such as 600/minute, or off, got {raw!r}"
        ) from None
    return raw


def _redis_url(raw: str) -> str | None:
    url = raw.strip()
    if not url:
        return None
    if not url.removeprefix("async+").startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL must be a redis:// or rediss:// URL, got {url!r}")
    return url


def _limits(env: dict[str, str]) -> LimitSettings:
    try:
        return LimitSettings.from_env(env)
    except LimitConfigError as exc:
        raise ConfigError(str(exc)) from None


def _crm(env: dict[str, str]) -> CrmSettings:
    try:
        return CrmSettings.from_env(env)
    except CrmConfigError as exc:
        raise ConfigError(str(exc)) from None


def _origins(raw: str) -> tuple[str, ...]:
    """Comma-separated origins such as https://portal.example.com; `*` is refused on purpose:
    credentials travel in headers, and any site could then read a partner's data through a
    visitor's browser."""
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin == "*" or not origin.startswith(("http://", "https://")):
            raise ConfigError(
                f"CORS_ALLOWED_ORIGINS entries must be origins like https://portal.example.com, "
                f"got {origin!r}"
            )
    return origins
