"""Turns a request's `query` and `extensions.persistedQuery` into the text to run, or refuses.

The text found here goes through the same parse, validation and operation limits as any other
(gateway/limits runs on it inside the schema), and the rate limit was spent before the view: a
persisted id is a shorter way to send a query, never a way around a check.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from gateway import errors
from gateway.auth.principal import Principal
from gateway.config import ConfigError, Settings
from gateway.persisted.cache import MemoryQueryCache, QueryCache, RedisQueryCache
from gateway.persisted.manifest import Manifest, ManifestError, load_manifest, operation_hash
from gateway.persisted.settings import DEFAULT_MANIFEST, PersistedSettings

log = logging.getLogger(__name__)

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# Apollo Client recognises a cache miss by this exact message (not by the code).
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"


class PersistedQueryError(errors.GatewayError):
    """A request error: `status` is the HTTP status when the client reads
    application/graphql-response+json (application/json answers 200, as older clients expect)."""

    def __init__(self, message: str, *, code: str, status: int = 400) -> None:
        super().__init__(message, code=code)
        self.status = status


def configured_manifest(settings: PersistedSettings) -> Manifest:
    """The safelist, read once at start; a broken one stops the start with a clear error.
    Only the default file may be missing (an installed package without the checkout's file)."""
    path = settings.manifest_path
    if path == DEFAULT_MANIFEST and not path.exists():
        log.warning("no persisted operations manifest at %s: the safelist is empty", path)
        return Manifest()
    try:
        return load_manifest(path)
    except ManifestError as exc:
        raise ConfigError(f"PERSISTED_OPERATIONS_MANIFEST: {exc}") from None


def _persisted_query(extensions: Mapping[str, Any] | None) -> str | None:
    """The hash a request names, or None; PersistedQueryError when the extension is malformed."""
    if not extensions or extensions.get("persistedQuery") is None:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise PersistedQueryError(
            "extensions.persistedQuery must be {version: 1, sha256Hash: …}; "
            "only version 1 is supported",
            code=errors.PERSISTED_QUERY_INVALID,
        )
    query_hash = persisted.get("sha256Hash")
    if not isinstance(query_hash, str) or not _SHA256_HEX.fullmatch(query_hash):
        raise PersistedQueryError(
            "extensions.persistedQuery.sha256Hash must be 64 lowercase hex digits",
            code=errors.PERSISTED_QUERY_INVALID,
        )
    return query_hash


def _not_in_safelist() -> PersistedQueryError:
    return PersistedQueryError(
        "This caller may run only the operations in the persisted operations manifest; "
        "send one of them (by its id in extensions.persistedQuery.sha256Hash, or its exact text)",
        code=errors.PERSISTED_QUERY_REQUIRED,
        status=403,
    )


class PersistedOperations:
    """One per server process: the safelist (read at start) and the APQ cache."""

    def __init__(self, settings: PersistedSettings, manifest: Manifest, cache: QueryCache) -> None:
        self.settings = settings
        self.manifest = manifest
        self.cache = cache

    @classmethod
    def from_settings(cls, settings: Settings, manifest: Manifest) -> PersistedOperations:
        persisted = settings.persisted
        cache: QueryCache
        if settings.redis_url is None:
            cache = MemoryQueryCache(persisted.apq_cache_size)
        else:
            cache = RedisQueryCache(
                settings.redis_url,
                key_prefix=settings.rate_limit_key_prefix,
                ttl_seconds=persisted.apq_ttl_seconds,
            )
        return cls(persisted, manifest, cache)

    async def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None, principal: Principal
    ) -> str | None:
        """The operation's text (None: the request has none, which the view reports)."""
        query_hash = _persisted_query(extensions)
        safelisted_only = self.settings.safelist_required(principal)
        if query_hash is None:
            if safelisted_only and query is not None:
                if self.manifest.body(operation_hash(query)) is None:
                    raise _not_in_safelist()
            return query  # None: no query at all, which the view answers 400
        if query is not None:
            if operation_hash(query) != query_hash:
                raise PersistedQueryError(
                    "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query "
                    "sent with it (hash the exact UTF-8 text)",
                    code=errors.PERSISTED_QUERY_HASH_MISMATCH,
                )
            if self.manifest.body(query_hash) is not None:
                return query
            if safelisted_only:
                raise _not_in_safelist()
            await self.cache.put(query_hash, query)
            return query
        known = self.manifest.body(query_hash)
        if known is None and not safelisted_only:
            # A registered (not safelisted) query: never for callers held to the safelist.
            known = await self.cache.get(query_hash)
        if known is None:
            if safelisted_only:
                raise _not_in_safelist()
            raise PersistedQueryError(
                NOT_FOUND_MESSAGE, code=errors.PERSISTED_QUERY_NOT_FOUND, status=404
            )
        return known

    async def close(self) -> None:
        await self.cache.close()
