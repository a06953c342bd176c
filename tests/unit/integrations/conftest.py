"""The delivery fixtures (a real SMTP server on loopback, keyrings) for these tests."""

from tests.delivery_fixtures import (  # noqa: F401 - fixtures
    memory_keyring,
    no_keyring,
    session_secrets,
    smtp_login_server,
    smtp_server,
)
