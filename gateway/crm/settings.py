"""How the gateway reaches the CRM and how it uses it: CRM_* settings, read once at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Source = Literal["mirror", "live"]
# The object types whose reads may come live from the CRM, and their settings' names.
SOURCE_SETTINGS = {
    "partners": "CRM_SOURCE_PARTNERS",
    "deals": "CRM_SOURCE_DEALS",
    "leads": "CRM_SOURCE_LEADS",
}


class CrmConfigError(ValueError):
    """A CRM_* setting is malformed."""


@dataclass(frozen=True)
class CrmSettings:
    """`url` None: no CRM at all (no sync, every source is the mirror, i.e. the store)."""

    url: str | None = None
    client_id: str = ""
    client_secret: str = ""
    api_version: str = "v66.0"
    # Every call (token, GraphQL, REST) ends after this long, whatever the server does.
    timeout_seconds: float = 30.0
    # The contract's backoff for 5xx and timeouts: full jitter, base x2, capped, 5 tries.
    retry_base_seconds: float = 1.0
    retry_cap_seconds: float = 60.0
    retry_attempts: int = 5
    # After 403 REQUEST_LIMIT_EXCEEDED no call goes out for this long.
    circuit_open_seconds: float = 300.0
    mapping_path: Path | None = None  # None: the default mapping shipped in the package
    sources: Mapping[str, Source] = field(
        default_factory=lambda: {name: "mirror" for name in SOURCE_SETTINGS}
    )
    # 0: no periodic sync in the server (the `sync` command still works).
    sync_interval_seconds: int = 300
    # Each incremental run re-reads this far back: long CRM transactions commit late.
    sync_overlap_seconds: int = 300
    sync_page_size: int = 2000  # the contract's largest page: fewer calls against the allowance

    @property
    def configured(self) -> bool:
        return self.url is not None

    @property
    def token_url(self) -> str:
        return f"{self._base}/services/oauth2/token"

    @property
    def _base(self) -> str:
        if self.url is None:
            raise CrmConfigError("CRM_URL is not set")
        return self.url.rstrip("/")

    def source(self, object_name: str) -> Source:
        """`mirror` unless CRM_SOURCE_<OBJECT>=live and a CRM is configured."""
        if not self.configured:
            return "mirror"
        return self.sources.get(object_name, "mirror")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CrmSettings:
        url = (env.get("CRM_URL") or "").strip() or None
        if url is not None and not url.startswith(("http://", "https://")):
            raise CrmConfigError(f"CRM_URL must be an http(s) URL, got {url!r}")
        client_id = env.get("CRM_CLIENT_ID", "")
        client_secret = env.get("CRM_CLIENT_SECRET", "")
        if url is not None and not (client_id and client_secret):
            raise CrmConfigError("CRM_URL needs CRM_CLIENT_ID and CRM_CLIENT_SECRET")
        mapping = (env.get("CRM_MAPPING_PATH") or "").strip()
        if mapping and not Path(mapping).is_file():
            raise CrmConfigError(f"CRM_MAPPING_PATH={mapping} is not a file")
        page_size = int(_number(env, "CRM_SYNC_PAGE_SIZE", 2000, minimum=1))
        if page_size > 2000:
            raise CrmConfigError(f"CRM_SYNC_PAGE_SIZE must be at most 2000, got {page_size}")
        return cls(
            url=url,
            client_id=client_id,
            client_secret=client_secret,
            api_version=env.get("CRM_API_VERSION") or "v66.0",
            timeout_seconds=_number(env, "CRM_TIMEOUT_SECONDS", 30.0, minimum=0.01),
            retry_base_seconds=_number(env, "CRM_RETRY_BASE_SECONDS", 1.0, minimum=0.0),
            retry_cap_seconds=_number(env, "CRM_RETRY_CAP_SECONDS", 60.0, minimum=0.0),
            retry_attempts=int(_number(env, "CRM_RETRY_ATTEMPTS", 5, minimum=1)),
            circuit_open_seconds=_number(env, "CRM_CIRCUIT_OPEN_SECONDS", 300.0, minimum=0.0),
            mapping_path=Path(mapping) if mapping else None,
            sources={name: _source(env, setting) for name, setting in SOURCE_SETTINGS.items()},
            sync_interval_seconds=int(_number(env, "CRM_SYNC_INTERVAL_SECONDS", 300, minimum=0)),
            sync_overlap_seconds=int(_number(env, "CRM_SYNC_OVERLAP_SECONDS", 300, minimum=0)),
            sync_page_size=page_size,
        )


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise CrmConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise CrmConfigError(f"{name} must be at least {minimum:g}, got {raw}")
    return value


def _source(env: Mapping[str, str], name: str) -> Source:
    raw = (env.get(name) or "mirror").strip().lower()
    if raw == "mirror":
        return "mirror"
    if raw == "live":
        return "live"
    raise CrmConfigError(f"{name} must be mirror or live, got {raw!r}")
