"""The change events carried by NOTIFY payloads (see gateway/store/notifications.py), typed.

A payload is parsed once per process, by the listener, not once per subscriber.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.store.notifications import DEAL_STATUS_CHANGED, LEAD_ASSIGNED

log = logging.getLogger(__name__)


def _id(payload: Mapping[str, Any], key: str) -> int:
    value = payload[key]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{key} must be a positive integer, got {value!r}")
    return value


def _optional_id(payload: Mapping[str, Any], key: str) -> int | None:
    return None if payload.get(key) is None else _id(payload, key)


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload[key]
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string, got {value!r}")
    return value


@dataclass(frozen=True)
class DealStatusChanged:
    deal_id: int
    partner_id: int
    owner_id: int | None
    status: str
    previous_status: str

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> DealStatusChanged:
        return cls(
            deal_id=_id(payload, "dealId"),
            partner_id=_id(payload, "partnerId"),
            owner_id=_optional_id(payload, "ownerId"),
            status=_text(payload, "status"),
            previous_status=_text(payload, "previousStatus"),
        )


@dataclass(frozen=True)
class LeadAssigned:
    lead_id: int
    partner_id: int
    assigned_user_id: int | None

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> LeadAssigned:
        return cls(
            lead_id=_id(payload, "leadId"),
            partner_id=_id(payload, "partnerId"),
            assigned_user_id=_optional_id(payload, "assignedUserId"),
        )


Event = DealStatusChanged | LeadAssigned

_PARSERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    DEAL_STATUS_CHANGED: DealStatusChanged.from_payload,
    LEAD_ASSIGNED: LeadAssigned.from_payload,
}


def parse(channel: str, text: str) -> Event | None:
    """The event, or None (with a log line) for a channel or payload we do not understand."""
    parser = _PARSERS.get(channel)
    if parser is None:
        log.warning("ignored a notification on unknown channel %r", channel)
        return None
    try:
        payload = orjson.loads(text)
        if not isinstance(payload, dict):
            raise ValueError("the payload is not a JSON object")
        return parser(payload)
    except (orjson.JSONDecodeError, ValueError, KeyError) as exc:
        log.warning("ignored a malformed %s notification (%s): %.200s", channel, exc, text)
        return None
