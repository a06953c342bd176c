"""The SMTP password is never in the book, the audit log, a log or the JSON output (issue 12)."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.integrations.smtp import send_queue
from crechebooks_desktop.integrations.smtp_password import smtp_password, store_smtp_password
from crechebooks_desktop.services.delivery import outbox
from crechebooks_desktop.services.delivery import settings as delivery_settings
from tests.delivery_fixtures import SMTP_PASSWORD, SMTP_USER, MemoryKeyring, SmtpServer, queue_files

Creche = tuple[CrecheSettings, Actor]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_password_is_nowhere_but_the_keyring(
    book: Book,
    creche: Creche,
    tmp_path: Path,
    smtp_login_server: SmtpServer,
    memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _settings, actor = creche
    settings = smtp_login_server.configure(book, actor, user=SMTP_USER)
    with book.read(actor.tenant_id) as uow:
        smtp = delivery_settings.smtp_for_password(uow, actor)
    with book.write(actor.tenant_id) as uow:
        delivery_settings.record_password_stored(uow, actor, smtp)
        store_smtp_password(smtp, SMTP_PASSWORD)
    assert memory_keyring.store == {("crechebooks-desktop", smtp.secret_key): SMTP_PASSWORD}
    queue_files(book, actor, tmp_path / "docs", ["a@acorns.test", "b@acorns.test"])
    outputs = []
    # A wrong password first (its refusal is reported), then the stored one.
    wrong = send_queue(lambda: book.write(actor.tenant_id), actor, settings, SMTP_PASSWORD[::-1])
    assert wrong.stopped is not None
    password = smtp_password(smtp, None, print)
    assert password == SMTP_PASSWORD
    right = send_queue(lambda: book.write(actor.tenant_id), actor, settings, password)
    assert len(right.sent) == 2
    with book.read(actor.tenant_id) as uow:
        listed = outbox.list_messages(uow, actor)
        audit_rows = uow.audit.latest(None, limit=10_000)
    outputs += [json.dumps(r.as_json()) for r in (wrong, right)]
    outputs += [json.dumps(m.as_json()) for m in listed]
    audit_text = json.dumps([dataclasses.asdict(r) for r in audit_rows], default=str)
    assert "smtp_password" in audit_text  # the change is recorded, the password is not
    book.close()

    forms = [SMTP_PASSWORD, base64.b64encode(SMTP_PASSWORD.encode()).decode()]
    ours = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("mail.log", "asyncio"))
    )
    book_file = Path(book.settings.db_url.removeprefix("sqlite:///"))
    files = [p for p in book_file.parent.rglob("*") if p.is_file()]
    assert book_file in files
    assert any(p.suffix == ".pdf" for p in files)
    for form in forms:
        assert form not in audit_text
        assert form not in ours
        assert all(form not in text for text in outputs)
        for path in files:
            assert form.encode() not in path.read_bytes(), path
    assert SMTP_PASSWORD not in caplog.text
