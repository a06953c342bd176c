"""The SMTP password in the window: the keyring, this session, or why it must be asked."""

import pytest

from crechebooks_desktop.domain.delivery import SmtpSecurity, SmtpSettings
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.ui.common.mail_password import (
    NO_KEYRING,
    NOT_STORED,
    PasswordLookup,
    PasswordNeed,
    look_up,
    resolve,
)

SMTP = SmtpSettings("mail.acorns.test", 587, SmtpSecurity.STARTTLS, "office", "office@acorns.test")


def test_a_server_without_a_login_needs_no_password(memory_keyring) -> None:
    no_login = SmtpSettings("mail.acorns.test", 25, SmtpSecurity.NONE, None, "a@acorns.test")
    assert look_up(no_login) == PasswordLookup(None, None)
    assert resolve(no_login, None) is None


def test_the_keyrings_password_is_found_unasked(memory_keyring) -> None:
    memory_keyring.set_password(secrets.SERVICE, SMTP.secret_key, "s3cret")
    assert look_up(SMTP) == PasswordLookup("s3cret")
    assert resolve(SMTP, None) == "s3cret"


def test_none_stored_it_is_asked_and_kept_for_the_session(memory_keyring) -> None:
    need = PasswordNeed("office", "mail.acorns.test", NOT_STORED)
    assert look_up(SMTP) == PasswordLookup(need=need)
    assert need.question.startswith("The SMTP password for office at mail.acorns.test:")
    with pytest.raises(UserFacingError, match="not given; nothing was sent"):
        resolve(SMTP, None)
    with pytest.raises(UserFacingError, match="no SMTP password given"):
        resolve(SMTP, "")
    assert resolve(SMTP, "typed") == "typed"
    assert look_up(SMTP) == PasswordLookup("typed")  # asked once per session
    assert memory_keyring.store == {}  # and never written to the keyring


def test_without_a_keyring_the_note_says_so(no_keyring) -> None:
    assert look_up(SMTP).need == PasswordNeed("office", "mail.acorns.test", NO_KEYRING)
    assert "no keyring" in NO_KEYRING
