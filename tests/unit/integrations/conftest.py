"""Fixtures for these tests: a real SMTP server and the Xero stand-in on loopback, keyrings."""

from tests.delivery_fixtures import (  # noqa: F401 - fixtures
    memory_keyring,
    no_keyring,
    session_secrets,
    smtp_login_server,
    smtp_server,
)
from tests.xero_fixtures import xero_standin  # noqa: F401 - fixtures
from tests.xero_sync_fixtures import xero_env  # noqa: F401
