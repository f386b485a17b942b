"""In-process fan-out: bounded queues, and a slow subscriber dropped without holding up others."""

from __future__ import annotations

import asyncio
import logging

import pytest

from gateway.metrics import REGISTRY
from gateway.store.notifications import DEAL_STATUS_CHANGED, LEAD_ASSIGNED
from gateway.subscriptions.broker import SUBSCRIPTION_OVERFLOW, EventBroker, SubscriptionOverflow
from gateway.subscriptions.events import DealStatusChanged, LeadAssigned, parse


def lead(n: int) -> LeadAssigned:
    return LeadAssigned(lead_id=n, partner_id=1, assigned_user_id=None)


def dropped() -> float:
    value = REGISTRY.get_sample_value(
        "gateway_subscribers_dropped_total", {"channel": LEAD_ASSIGNED}
    )
    return value or 0.0


async def test_a_slow_subscriber_is_dropped_and_the_others_carry_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = EventBroker(queue_size=2)
    before = dropped()
    with broker.subscribe(LEAD_ASSIGNED) as slow, broker.subscribe(LEAD_ASSIGNED) as keen:
        for n in range(3):
            broker.publish(LEAD_ASSIGNED, lead(n))  # never waits, whoever is behind
            assert await asyncio.wait_for(keen.get(), 1) == lead(n)
        assert broker.subscribers(LEAD_ASSIGNED) == 1
        with pytest.raises(SubscriptionOverflow) as overflow:
            await slow.get()
        assert overflow.value.extensions["code"] == SUBSCRIPTION_OVERFLOW
        broker.publish(LEAD_ASSIGNED, lead(3))
        assert await asyncio.wait_for(keen.get(), 1) == lead(3)
    assert broker.subscribers(LEAD_ASSIGNED) == 0
    assert dropped() == before + 1
    assert "dropped a slow subscriber of gateway_lead_assigned" in caplog.text


async def test_events_go_to_their_channel_only() -> None:
    broker = EventBroker(queue_size=5)
    with broker.subscribe(DEAL_STATUS_CHANGED) as deals:
        broker.publish(LEAD_ASSIGNED, lead(1))
        change = DealStatusChanged(1, 2, 3, "APPROVED", "PENDING")
        broker.publish(DEAL_STATUS_CHANGED, change)
        assert await asyncio.wait_for(deals.get(), 1) == change


def test_payloads_parse_into_events() -> None:
    assert parse(LEAD_ASSIGNED, '{"leadId": 5, "partnerId": 2, "assignedUserId": null}') == (
        LeadAssigned(5, 2, None)
    )
    deal = parse(
        DEAL_STATUS_CHANGED,
        '{"dealId": 1, "partnerId": 2, "ownerId": 3, "status": "WON", '
        '"previousStatus": "APPROVED"}',
    )
    assert deal == DealStatusChanged(1, 2, 3, "WON", "APPROVED")


@pytest.mark.parametrize(
    "payload",
    ["not json", "[1]", '{"partnerId": 2}', '{"leadId": "5", "partnerId": 2}',
     '{"leadId": true, "partnerId": 2}', '{"leadId": -1, "partnerId": 2}'],
)
def test_malformed_payloads_are_ignored_with_a_log_line(
    payload: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.subscriptions.events"):
        assert parse(LEAD_ASSIGNED, payload) is None
    assert "ignored a malformed gateway_lead_assigned notification" in caplog.text
