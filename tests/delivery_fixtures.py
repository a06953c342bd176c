"""A real SMTP server on loopback and an in-memory keyring, for the delivery tests (issue 12).

``smtp_server`` starts aiosmtpd on 127.0.0.1 (a free port) with a handler that
records every message it accepts, and can be told to refuse a recipient, to
drop the connection before the next message or while one is handed over, and
to require a login. ``memory_keyring`` installs a keyring backend that keeps
secrets in a dict, so no test depends on the machine's keyring (it has none).
The fixtures are offered to a folder's tests by its ``conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.delivery import Attachment, OutboxMessageValue, delivery_key
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.delivery import outbox
from tests.billing_fixtures import add_fees, new_creche, run_month

SENDER = "accounts@littleacorns.test"
SMTP_USER = "office@littleacorns.test"
SMTP_PASSWORD = "Tr1cky-SMTP-pa55word-7f3a"
"""The password the test server takes; the grep tests look for it everywhere it must not be."""


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    recipients: tuple[str, ...]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def attachments(self) -> dict[str, str]:
        """File name -> SHA-256 of its bytes."""
        found = {}
        for part in self.message.iter_attachments():
            data = part.get_content()
            assert isinstance(data, bytes)
            found[str(part.get_filename())] = hashlib.sha256(data).hexdigest()
        return found


@dataclass
class Recorder:
    """The server's handler: records messages; faults are switched on by the test."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_before_message: int | None = None
    """Close the connection when the MAIL of this message (1-based, per server) comes."""
    drop_after_data: int | None = None
    """Take this message (1-based), then close the connection without answering."""
    mails: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.mails += 1
            if self.drop_before_message is not None and self.mails >= self.drop_before_message:
                self.drop_before_message = None
                server.transport.close()
                return "421 4.3.0 going away"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
            if self.drop_after_data is not None and len(self.received) >= self.drop_after_data:
                self.drop_after_data = None
                server.transport.close()
        return "250 2.0.0 OK: queued"

    def to(self, address: str) -> list[Received]:
        """The messages received for ``address``."""
        return [r for r in self.received if address in r.recipients]


@dataclass
class SmtpServer:
    """A running test server."""

    host: str
    port: int
    recorder: Recorder
    logins: list[tuple[str, str]]

    def configure(self, book: Book, actor: Actor, *, user: str | None = None) -> CrecheSettings:
        """Set the creche in ``book`` up to send through this server; its settings after."""
        values = {
            "smtp-host": self.host,
            "smtp-port": str(self.port),
            "smtp-security": "none",
            "smtp-from": SENDER,
            "smtp-user": user or "",
        }
        with book.write(actor.tenant_id) as uow:
            for key, value in values.items():
                after = change_setting(uow, actor, key, value)
        return after


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _authenticator(logins: list[tuple[str, str]]) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        logins.append((user, "right" if password == SMTP_PASSWORD else "wrong"))
        right = user == SMTP_USER and password == SMTP_PASSWORD
        return AuthResult(success=right, handled=False)  # not handled: the server answers 535

    return check


@contextmanager
def running_smtp(*, with_login: bool = False) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 for the block's length (needing a login when asked)."""
    recorder = Recorder()
    logins: list[tuple[str, str]] = []
    port = _free_port()
    extra: dict[str, Any] = {}
    if with_login:
        # A plain loopback server: the test has no certificate for TLS.
        extra = {"authenticator": _authenticator(logins), "auth_require_tls": False}
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **extra)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, recorder, logins)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on loopback that needs no login."""
    with running_smtp() as server:
        yield server


@pytest.fixture
def smtp_login_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on loopback that needs ``SMTP_USER`` / ``SMTP_PASSWORD``."""
    with running_smtp(with_login=True) as server:
        yield server


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict (tests only)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def session_secrets() -> Iterator[None]:
    """This process's copies of secrets are forgotten before and after the test."""
    secrets._session.clear()
    yield
    secrets._session.clear()


@pytest.fixture
def memory_keyring(session_secrets: None) -> Iterator[MemoryKeyring]:
    """The keyring is a dict for the test's length."""
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        yield memory
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def no_keyring(session_secrets: None) -> Iterator[None]:
    """The keyring has no backend, as on this machine (whatever the machine)."""
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        keyring.set_keyring(before)


# --------------------------------------------------------------------------- a creche to send for

OCT = dt.date(2026, 10, 1)
FAMILY_EMAILS = {
    "DLAMINI01": "nomsa@dlamini.test",
    "NAIDOO03": "priya@naidoo.test",
    "BOTHA04": None,
    "MOKOENA05": "tebogo@mokoena.test",
    "PILLAY06": "anita@pillay.test",
}
PARENTS = {
    "DLAMINI01": "Mrs Nomsa Dlamini",
    "NAIDOO03": "Mrs Priya Naidoo",
    "BOTHA04": "Ms Anna Botha",
    "MOKOENA05": "Mr Tebogo Mokoena",
    "PILLAY06": "Mrs Anita Pillay",
}


@dataclass(frozen=True)
class Families:
    """Five households invoiced (DRAFT) for October 2026; NAIDOO03 has two children."""

    book: Book
    settings: CrecheSettings
    actor: Actor

    @property
    def tenant(self) -> int:
        return self.settings.tenant_id

    def writer(self) -> Callable[[], AbstractContextManager[UnitOfWork]]:
        return lambda: self.book.write(self.tenant)


def build_families(book: Book) -> Families:
    """The creche of ``Families``, October invoiced and not yet sent."""
    settings, actor = new_creche(book, "Little Acorns", sibling_discounts="")
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        for ref, address in FAMILY_EMAILS.items():
            household = uow.roster.add_household(ref, PARENTS[ref], email=address)
            for n in range(1, 3 if ref == "NAIDOO03" else 2):
                child = uow.roster.add_child(
                    household, f"{ref}-{n}", f"Child{n}", ref.title(), dt.date(2022, 1, n)
                )
                uow.roster.add_enrolment(child, fees.plain, dt.date(2026, 1, 14))
    run_month(book, actor, OCT)
    return Families(book, settings, actor)


def queue_files(
    book: Book, actor: Actor, folder: Path, addresses: Sequence[str]
) -> list[OutboxMessageValue]:
    """One queued message per address, each with its own small file attached."""
    folder.mkdir(parents=True, exist_ok=True)
    queued = []
    with book.write(actor.tenant_id) as uow:
        for n, address in enumerate(addresses, start=1):
            path = folder / f"doc-{n}.pdf"
            path.write_bytes(f"%PDF-1.4 document {n} for {address}\n".encode() * 40)
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            attachment = Attachment(path.name, str(path), sha)
            key = delivery_key("reminder", [(path.name, sha)], [address])
            queued.append(
                outbox.queue(
                    uow, actor, key, None, [address], f"Reminder {n}", f"Body {n}\n", [attachment]
                )
            )
    return queued
