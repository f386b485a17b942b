"""What /metrics tells about live updates: subscribers, notifications, drops and reconnects."""

from prometheus_client import Counter, Gauge

from gateway.metrics import REGISTRY
from gateway.store.notifications import CHANNELS

SUBSCRIBERS = Gauge(
    "gateway_subscribers",
    "Live subscriptions in this process, by notification channel.",
    ["channel"],
    registry=REGISTRY,
)
NOTIFICATIONS = Counter(
    "gateway_notifications",
    "Notifications this process's listener received, by channel.",
    ["channel"],
    registry=REGISTRY,
)
DROPPED_SUBSCRIBERS = Counter(
    "gateway_subscribers_dropped",
    "Subscriptions ended because they fell behind and their queue filled up, by channel.",
    ["channel"],
    registry=REGISTRY,
)
LISTENER_CONNECTED = Gauge(
    "gateway_notification_listener_connected",
    "1 while this process's LISTEN connection is up, else 0 (notifications are being missed).",
    registry=REGISTRY,
)
LISTENER_CONNECTS = Counter(
    "gateway_notification_listener_connects",
    "Times the LISTEN connection was (re)established; more than 1 means it was lost.",
    registry=REGISTRY,
)

# Every channel shows from the start, at 0, so dashboards and tests need not wait for a first use.
for _channel in CHANNELS:
    SUBSCRIBERS.labels(channel=_channel)
    NOTIFICATIONS.labels(channel=_channel)
    DROPPED_SUBSCRIBERS.labels(channel=_channel)
