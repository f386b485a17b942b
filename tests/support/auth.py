"""The authentication settings every test server uses, so tests can mint tokens it accepts."""

from gateway.auth.settings import AuthSettings

TEST_AUTH = AuthSettings(jwt_secret="test-secret-for-the-suite-" + "x" * 32)
