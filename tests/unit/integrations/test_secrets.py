"""Secrets in the keyring, and the SMTP password asked once per session where there is none."""

from __future__ import annotations

import re
import sys

import pytest

from crechebooks_desktop.domain.delivery import SmtpSecurity, SmtpSettings
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.integrations.smtp_password import (
    NO_KEYRING_NOTE,
    check_keyring,
    smtp_password,
    store_smtp_password,
)
from tests.delivery_fixtures import SMTP_PASSWORD, MemoryKeyring

SMTP = SmtpSettings("mail.acorns.test", 587, SmtpSecurity.STARTTLS, "office", "a@acorns.test")
NO_LOGIN = SmtpSettings("mail.acorns.test", 25, SmtpSecurity.NONE, None, "a@acorns.test")


class Asker:
    """Answers password prompts, counting them."""

    def __init__(self, answer: str = SMTP_PASSWORD) -> None:
        self.answer = answer
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answer


def test_set_get_delete_through_the_keyring(memory_keyring: MemoryKeyring) -> None:
    assert secrets.keyring_available()
    assert secrets.get_secret("svc", "k") is None
    secrets.set_secret("svc", "k", "v1")
    assert memory_keyring.store == {("svc", "k"): "v1"}
    secrets.forget_for_session("svc", "k")
    assert secrets.get_secret("svc", "k") == "v1"  # read back from the keyring
    memory_keyring.store[("svc", "k")] = "changed elsewhere"
    assert secrets.get_secret("svc", "k") == "v1"  # this session's copy first
    assert secrets.delete_secret("svc", "k") is True
    assert secrets.get_secret("svc", "k") is None
    assert secrets.delete_secret("svc", "k") is False


def test_no_keyring_backend_is_said_clearly(no_keyring: None) -> None:
    assert not secrets.keyring_available()
    message = re.escape("this machine has no keyring (no keyring backend is available)")
    with pytest.raises(secrets.SecretUnavailable, match=message):
        secrets.get_secret("svc", "k")
    with pytest.raises(secrets.SecretUnavailable, match=message):
        secrets.set_secret("svc", "k", "v")
    with pytest.raises(secrets.SecretUnavailable, match=message):
        secrets.delete_secret("svc", "k")
    secrets.remember_for_session("svc", "k", "typed")
    assert secrets.get_secret("svc", "k") == "typed"


def test_without_the_keyring_package(
    session_secrets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring now fails
    assert not secrets.keyring_available()
    with pytest.raises(secrets.SecretUnavailable, match="the keyring package is not installed"):
        secrets.get_secret("svc", "k")


def test_a_server_without_login_needs_no_password(no_keyring: None) -> None:
    ask = Asker()
    assert smtp_password(NO_LOGIN, ask, print) is None
    assert ask.prompts == []


def test_the_stored_password_is_used(memory_keyring: MemoryKeyring) -> None:
    store_smtp_password(SMTP, SMTP_PASSWORD)
    assert memory_keyring.store == {("crechebooks-desktop", SMTP.secret_key): SMTP_PASSWORD}
    secrets.forget_for_session(secrets.SERVICE, SMTP.secret_key)
    ask = Asker()
    assert smtp_password(SMTP, ask, print) == SMTP_PASSWORD
    assert ask.prompts == []


def test_none_stored_is_asked_or_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(UserFacingError) as caught:
        smtp_password(SMTP, None, print)
    assert str(caught.value) == (
        "no SMTP password is stored for office at mail.acorns.test; store it with "
        "`crechebooks settings set smtp-password`; nothing was sent"
    )
    ask = Asker()
    assert smtp_password(SMTP, ask, print) == SMTP_PASSWORD
    assert ask.prompts == ["SMTP password for office at mail.acorns.test: "]
    assert memory_keyring.store == {}  # asked, not stored


def test_no_keyring_asks_once_per_session_and_says_so(no_keyring: None) -> None:
    ask, told = Asker(), list[str]()
    assert smtp_password(SMTP, ask, told.append) == SMTP_PASSWORD
    assert smtp_password(SMTP, ask, told.append) == SMTP_PASSWORD
    assert len(ask.prompts) == 1
    assert told == [
        f"this machine has no keyring (no keyring backend is available): {NO_KEYRING_NOTE}"
    ]


def test_no_keyring_and_nobody_to_ask_is_refused(no_keyring: None) -> None:
    with pytest.raises(UserFacingError) as caught:
        smtp_password(SMTP, None, print)
    assert str(caught.value) == (
        "this machine has no keyring (no keyring backend is available), so the SMTP password "
        "of office must be typed at a terminal (once per session); nothing was sent"
    )
    with pytest.raises(UserFacingError, match="no SMTP password given; nothing was sent"):
        smtp_password(SMTP, Asker(""), print)


def test_storing_without_a_keyring_is_refused_clearly(no_keyring: None) -> None:
    expected = (
        "this machine has no keyring (no keyring backend is available), so the SMTP password "
        "cannot be stored; it will be asked once per session when mail is sent, and kept only "
        "in memory"
    )
    with pytest.raises(UserFacingError) as caught:
        check_keyring()
    assert str(caught.value) == expected
    with pytest.raises(UserFacingError) as stored:
        store_smtp_password(SMTP, SMTP_PASSWORD)
    assert str(stored.value) == expected
    assert SMTP_PASSWORD not in expected


def test_storing_needs_a_login_and_a_password(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(UserFacingError, match="set smtp-user first"):
        store_smtp_password(NO_LOGIN, SMTP_PASSWORD)
    with pytest.raises(UserFacingError, match="no password given"):
        store_smtp_password(SMTP, "")
    assert memory_keyring.store == {}
