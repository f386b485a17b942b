"""OAuth 2.0 client-credentials sessions: issued by the token endpoint, kept in memory, expiring
after the configured TTL (a restarted sandbox forgets them, as a real org may revoke them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

# A made-up org id (key prefix 00D) and integration user (005), as in a real token's `id` URL.
ORG_ID = "00D000000000SBXEAA"
USER_ID = "005000000000SBXAAA"


class Sessions:
    def __init__(self, client_id: str, client_secret: str, ttl_seconds: float) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self.ttl_seconds = ttl_seconds
        self._expiry: dict[str, float] = {}

    def credentials_match(self, client_id: str, client_secret: str) -> bool:
        return hmac.compare_digest(client_id, self.client_id) & hmac.compare_digest(
            client_secret, self._secret
        )

    def issue(self, instance_url: str) -> dict[str, str]:
        """A new session and the token response a real org gives (no `expires_in`)."""
        token = f"{ORG_ID[:15]}!{secrets.token_urlsafe(48)}"
        self._expiry[token] = time.monotonic() + self.ttl_seconds
        issued_at = str(int(time.time() * 1000))
        identity = f"{instance_url}/id/{ORG_ID}/{USER_ID}"
        mac = hmac.new(self._secret.encode(), (identity + issued_at).encode(), hashlib.sha256)
        return {
            "access_token": token,
            "instance_url": instance_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
            "signature": base64.b64encode(mac.digest()).decode(),
        }

    def is_valid(self, token: str) -> bool:
        expiry = self._expiry.get(token)
        if expiry is None:
            return False
        if time.monotonic() >= expiry:
            del self._expiry[token]
            return False
        return True

    def expire_all(self) -> int:
        """End every session now (the fault switch); how many there were."""
        count = len(self._expiry)
        self._expiry.clear()
        return count
