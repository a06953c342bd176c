"""Statements e-mailed to a real SMTP server on loopback (issue 12), on both backends.

Each household with an address gets one message with its statement attached:
the bytes that arrive are the archived PDF's. Run again, nobody gets it twice;
without an address (DUBE04) the statement is written for printing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.exporters.statement_delivery import StatementDelivery, queue_statements
from crechebooks_desktop.integrations.smtp import send_queue
from crechebooks_desktop.services.household_statements.statement import Period, household_statements
from tests.delivery_fixtures import SmtpServer
from tests.unit.integrations.test_reminders_send import Creche

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _queue(c: Creche, creche: CrecheSettings, *, email: bool) -> StatementDelivery:
    with c.book.write(c.tenant) as uow:
        statements = household_statements(uow, MARCH, active_only=True)
        return queue_statements(
            uow,
            c.actor,
            statements,
            c.book.settings.data_dir,
            creche,
            email=email,
        )


def test_statements_arrive_once_with_the_archived_pdfs(book: Book, smtp_server: SmtpServer) -> None:
    c = Creche(book)
    creche = smtp_server.configure(book, c.actor)
    c.pay("BOTHA02", 150_000, dt.date(2026, 3, 20))  # paid up: still gets its statement
    first = _queue(c, creche, email=True)
    report = send_queue(lambda: book.write(c.tenant), c.actor, creche, None)
    assert report.ok
    assert sorted(m.household_ref or "" for m in first.emailed) == ["ADAMS01", "BOTHA02", "CELE03"]
    assert [m.household_ref for m in first.printed] == ["DUBE04"]
    by_address = {m.recipients[0]: m for m in smtp_server.recorder.received}
    adams = by_address["adams@families.test"]
    assert adams.message["Subject"].startswith("Statement of account ADAMS01, 1 March 2026 to")
    (pdf,) = [p for p in first.pdfs if p.name.startswith("ADAMS01-")]
    assert adams.attachments() == {
        "ADAMS01-2026-03-01-2026-03-31.pdf": hashlib.sha256(pdf.read_bytes()).hexdigest()
    }
    body = adams.message.get_body(("plain",))
    assert body is not None
    assert "The balance owing on 31 March 2026 is R 1 500,00." in body.get_content()
    botha = by_address["botha@families.test"].message.get_body(("plain",))
    assert botha is not None
    assert "Your account was paid up on 31 March 2026" in botha.get_content()

    again = _queue(c, creche, email=True)  # the same statements: the messages already there
    assert [m.id for m in again.emailed] == [m.id for m in first.emailed]
    send_queue(lambda: book.write(c.tenant), c.actor, creche, None)
    counts = Counter(r for m in smtp_server.recorder.received for r in m.recipients)
    assert counts == Counter(
        {"adams@families.test": 1, "botha@families.test": 1, "cele@families.test": 1}
    )


def test_without_smtp_the_statements_are_for_printing(book: Book) -> None:
    c = Creche(book)
    done = _queue(c, c.settings(), email=False)
    assert done.emailed == ()
    assert {m.last_error for m in done.printed} == {"no SMTP server is set"}
    assert len(done.pdfs) == 4
    assert all(path.read_bytes().startswith(b"%PDF") for path in done.pdfs)


def test_a_refused_send_leaves_no_pdf_behind(book: Book) -> None:
    import pytest

    from crechebooks_desktop.domain.roles import Role
    from crechebooks_desktop.errors import PermissionDenied
    from crechebooks_desktop.services.admin.users import acting_user, add_user

    c = Creche(book)
    with book.write(c.tenant) as uow:
        add_user(uow, c.actor, "owner", Role.OWNER_VIEWER, password="pw")
    with book.read(c.tenant) as uow:
        viewer = acting_user(uow, c.tenant, "owner")
    creche = c.settings()
    with book.write(c.tenant) as uow:
        statements = household_statements(uow, MARCH, active_only=True)
        with pytest.raises(PermissionDenied):
            queue_statements(uow, viewer, statements, book.settings.data_dir, creche, email=False)
    assert not (book.settings.data_dir / "documents" / "statements").exists()
