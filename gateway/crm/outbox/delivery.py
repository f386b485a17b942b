"""Delivering one outbox entry, and what the CRM's answer means for it (the contract's table).

The outbox's client makes one try per call (CRM_RETRY_ATTEMPTS does not apply here): a retry
is a new attempt of the entry, scheduled with the contract's backoff and persisted, so a
retried create first looks for the Lead the earlier attempt may have made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from tenacity import RetryCallState, Retrying, wait_random_exponential

from gateway.crm.client import CrmClient, Json
from gateway.crm.errors import (
    CrmCircuitOpen,
    CrmError,
    CrmLimitExceeded,
    CrmProtocolError,
    CrmQueryError,
    CrmRecordNotFound,
    CrmValidationError,
)
from gateway.crm.outbox import documents
from gateway.crm.outbox.mapping import WriteMapping
from gateway.store.table import Row

log = logging.getLogger(__name__)

T = TypeVar("T")

Failure = Literal["invalid", "record_gone"]


@dataclass(frozen=True)
class Delivered:
    crm_record_id: str


@dataclass(frozen=True)
class Retry:
    """Try again after `delay` seconds; `pause` stops the pass (every call would fail alike)."""

    error: str
    delay: float
    pause: bool


@dataclass(frozen=True)
class Failed:
    """Permanent: kept with its reason, never retried by itself."""

    error: str
    failure: Failure


Settlement = Delivered | Retry | Failed


def backoff(attempts: int, base: float, cap: float) -> float:
    """The contract's schedule: full jitter, base x2 per attempt, capped (tenacity's wait)."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = max(attempts, 1)
    return wait_random_exponential(multiplier=base, max=cap)(state)


async def deliver(crm: CrmClient, mapping: WriteMapping, entry: Row) -> Settlement:
    settings = crm.settings
    try:
        if entry["operation"] == "create":
            return Delivered(await _create(crm, mapping, entry))
        return await _update(crm, mapping, entry)
    except CrmValidationError as exc:
        return Failed(str(exc), "invalid")
    except CrmRecordNotFound as exc:
        if entry["operation"] == "create":
            return Failed(str(exc), "invalid")
        return Failed(f"the record is gone from the CRM: {exc}", "record_gone")
    except CrmQueryError as exc:
        if exc.kind == "ExecutionAborted":  # the CRM gave up on its side: worth another try
            return Retry(str(exc), _backoff(crm, entry), pause=False)
        return Failed(str(exc), "invalid")
    except CrmCircuitOpen as exc:
        return Retry(str(exc), exc.retry_in, pause=True)
    except CrmLimitExceeded as exc:
        return Retry(str(exc), settings.circuit_open_seconds, pause=True)
    except CrmError as exc:  # unavailable, refused credentials, an answer outside the contract
        return Retry(str(exc), _backoff(crm, entry), pause=True)


def _backoff(crm: CrmClient, entry: Row) -> float:
    settings = crm.settings
    return backoff(entry["attempts"], settings.retry_base_seconds, settings.retry_cap_seconds)


async def _create(crm: CrmClient, mapping: WriteMapping, entry: Row) -> str:
    """The Lead's id. An earlier attempt may have created it (its answer lost to a timeout or
    a 5xx after the CRM committed), so every attempt after the first looks it up first."""
    if entry["attempts"] > 1:
        found = await _find_lead(crm, mapping, entry["deal_id"])
        if found is not None:
            return found
    document, variables = documents.create_lead(mapping, entry)
    try:
        return _read(documents.created_id, await crm.execute(document, variables))
    except CrmValidationError:
        # A unique external-id field refuses a second Lead: an earlier attempt's create (held
        # up in the CRM) may have committed after our look-up. If so, that Lead is ours.
        found = await _find_lead(crm, mapping, entry["deal_id"])
        if found is None:
            raise
        return found


async def _find_lead(crm: CrmClient, mapping: WriteMapping, deal_id: int) -> str | None:
    document, variables = documents.find_lead(mapping, deal_id)
    found = _read(documents.found_lead_ids, await crm.execute(document, variables))
    if len(found) > 1:
        log.warning("deal %s has several Leads in the CRM: %s", deal_id, found)
    return found[0] if found else None


async def _update(crm: CrmClient, mapping: WriteMapping, entry: Row) -> Settlement:
    update = documents.status_update(mapping, entry)
    if update is None:
        return Failed("the deal has no CRM record to update", "invalid")
    data = await crm.execute(update.document, update.variables)
    return Delivered(_read(update.updated_id, data))


def _read(reader: Callable[[Json], T], data: Json) -> T:
    try:
        return reader(data)
    except (KeyError, TypeError, IndexError) as exc:
        raise CrmProtocolError(f"the CRM's answer lacks {exc}") from None
