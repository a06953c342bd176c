"""Link, don't count twice, in the window (issue 11): the Matching tab and the payment dialog.

The book is that of ``test_matching_tab`` (five families owing R 4 850,00 for
November, a statement of eight lines), with a payment of BOTHA01 recorded
by hand on 5 November before matching ran: line 7 ("J BOTHA RUBEN", 7
November) is that payment, and offers it first.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Payment
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome, PaymentMethod
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.bank.payment_matching import run_matching
from crechebooks_desktop.services.bank.review_queue import list_lines
from crechebooks_desktop.services.ledger.payments import add_payment
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.matching.candidates import CandidateColumn
from tests.gui.test_matching_tab import (
    BOTHA,
    CASH,
    NAIDOO,
    _current,
    _press,
    _settle,
    build_book,
    decisions,
    tab,
)

__all__ = ["tab"]  # the fixture of test_matching_tab, on this module's book
SHOT = Path(os.environ.get("CRECHEBOOKS_LINK_SHOT", "/tmp/link-shot.png"))  # noqa: S108


def payments(path: Path) -> dict[int, tuple[str, int | None, bool]]:
    """Each payment's household id, bank line and whether it was reversed."""
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read() as uow:
            rows = uow._session.execute(
                select(Payment.id, Payment.household_id, Payment.bank_line_id, Payment.reversed_at)
            )
            return {int(i): (h, line, gone is not None) for i, h, line, gone in rows}
    finally:
        book.close()


def _candidates(path: Path, line_id: int) -> list[dict[str, object]]:
    """A line's candidates as stored with its newest decision, read from the book."""
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            (line,) = list_lines(uow, line_ids=[line_id])
            return list(line.candidates)
    finally:
        book.close()


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    path = tmp_path / "link.sqlite"
    build_book(path, matched=False)
    book, _ = Book.open(settings_for(str(path)))
    with book.read(1) as uow:
        actor = acting_user(uow, 1, None)
    with book.write(1) as uow:
        add_payment(
            uow, actor, "BOTHA01", 485_000, dt.date(2026, 11, 5), PaymentMethod.EFT, "by hand"
        )
    with book.write(1) as uow:
        run_matching(uow, actor)
    book.close()
    return path


def test_a_link_candidate_shows_first_and_enter_links(qtbot, tab, book_path) -> None:
    shell, view = tab
    before = payments(book_path)
    (payment_id,) = (i for i, (_h, line, _gone) in before.items() if line is None)  # by hand
    assert view.select_line(BOTHA)
    _settle(qtbot, shell)  # the chosen line's candidates are read for it alone
    panel = view.panel
    first = panel.model.row_value(0)
    assert (first.kind, first.payment_id, first.household_ref) == ("link", payment_id, "BOTHA01")
    shown = panel.model.index(0, CandidateColumn.HOUSEHOLD).data()
    assert shown == f"Link to payment {payment_id} (recorded by hand 5 Nov)"
    # Its household's name points, and the amount in full: it equals the payment's.
    assert (first.score, first.amount_points, first.name_points) == (60, 40, 20)
    rest = [panel.model.row_value(n) for n in range(1, panel.model.rowCount())]
    assert rest
    assert all(not c.is_link for c in rest)
    assert panel.model.index(1, CandidateColumn.HOUSEHOLD).data() == rest[0].household_ref
    tip = panel.model.index(0, CandidateColumn.HOUSEHOLD).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"Link to payment {payment_id} (recorded by hand 5 Nov) for BOTHA01\n")
    assert "Accepting records no new payment." in tip
    assert panel.invoices_heading.text() == (
        f"Link to payment {payment_id} (recorded by hand 5 Nov) for BOTHA01"
    )
    assert not panel.invoices.isVisibleTo(panel)
    assert panel.reasons.text().startswith(
        f"Why payment {payment_id}: payment {payment_id} of R 4 850,00 recorded by hand on "
        "2026-11-05 for BOTHA01; accepting links this line to it"
    )
    assert panel.outcome.text() == (
        f"Enter links this line to payment {payment_id} of BOTHA01: the R 4 850,00 is counted "
        "once, and no new payment is recorded."
    )
    assert panel.invoices.rowCount() == 0
    # The cash deposit names nobody: it offers the same payment (a guess for a person).
    assert _candidates(book_path, CASH)[0].get("payment_id") == payment_id

    shell.window.resize(1400, 760)
    qtbot.wait(50)
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    assert shell.window.grab().save(str(SHOT))

    _press(qtbot, shell, view, Qt.Key.Key_Return)
    assert decisions(book_path)[BOTHA] == (
        BankLineStatus.MATCHED,
        MatchOutcome.LINKED,
        "BOTHA01",
    )
    assert payments(book_path)[payment_id][1:] == (BOTHA, False)  # linked
    assert set(payments(book_path)) == set(before)  # no new payment
    assert view.action_line.text() == (
        f"Linked R 4 850,00 to payment {payment_id} of BOTHA01 (no new payment) — Ctrl+Z to undo"
    )
    # The deposit was scored again: the payment is linked now, so it is offered no more.
    assert payment_id not in {c.get("payment_id") for c in _candidates(book_path, CASH)}
    assert "1 linked" in view.counters.text()

    # Ctrl+Z takes the link back; the payment stands.
    _press(qtbot, shell, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert decisions(book_path)[BOTHA][:2] == (BankLineStatus.REVIEW, MatchOutcome.UNDONE)
    assert payments(book_path)[payment_id][1:] == (None, False)
    assert _current(view) == BOTHA


def test_the_payment_dialog_offers_to_link_to_the_waiting_line(qtbot, tab, book_path) -> None:
    shell, _view = tab
    ledger = shell.window.ledger
    with qtbot.waitSignal(ledger.by_household.loaded, timeout=10_000):
        shell.window.tabs.setCurrentWidget(ledger)
    _settle(qtbot, shell)
    dialog = ledger.money_actions.payment_dialog("NAIDOO01")
    qtbot.addWidget(dialog)
    assert not dialog.link_button.isVisibleTo(dialog)
    dialog.date.setDate(QDate(2026, 11, 2))
    dialog.amount.setText("4 850,00")
    dialog.ask_preview()
    qtbot.waitUntil(lambda: dialog.link_button.isVisibleTo(dialog), timeout=10_000)
    qtbot.waitUntil(dialog.link_button.isEnabled, timeout=10_000)
    assert dialog.link_button.text() == f"Link to bank line {NAIDOO} instead"
    assert dialog.waiting.text().startswith(
        f"Bank line {NAIDOO} — R 4 850,00 on 03 Nov 2026, “MRS P NAIDOO FEES” — looks like "
        "this payment and is waiting (review)."
    )
    dialog.amount.setText("4 000,00")  # another amount: nothing waits like it
    dialog.ask_preview()
    qtbot.waitUntil(lambda: not dialog.link_button.isVisibleTo(dialog), timeout=10_000)
    dialog.amount.setText("4 850,00")
    dialog.ask_preview()
    # Shown again only when this preview has come back (enabled alone is true while hidden).
    qtbot.waitUntil(
        lambda: dialog.link_button.isVisibleTo(dialog) and dialog.link_button.isEnabled(),
        timeout=10_000,
    )
    dialog.link_button.click()
    payment = dialog.result_value
    assert payment is not None
    assert (payment.link_line_id, payment.amount_cents) == (NAIDOO, 485_000)
    before = set(payments(book_path))
    ledger.money_actions.record_payment(payment)
    _settle(qtbot, shell)
    (new,) = set(payments(book_path)) - before
    assert payments(book_path)[new][1:] == (NAIDOO, False)
    assert decisions(book_path)[NAIDOO] == (
        BankLineStatus.MATCHED,
        MatchOutcome.LINKED,
        "NAIDOO01",
    )
    assert ledger.money_actions.note.text() == (
        f"Recorded R 4 850,00 from NAIDOO01 as bank line {NAIDOO} (payment {new}, linked: "
        "counted once)"
    )


def test_a_household_whose_month_is_a_draft_says_so(qtbot) -> None:
    from crechebooks_desktop.domain.money import MoneyStyle
    from crechebooks_desktop.services.bank.review_queue import AcceptPreview
    from crechebooks_desktop.ui.matching.candidates import CandidatesPanel
    from crechebooks_desktop.ui.matching.jobs import CandidateView, QueueRow

    november = dt.date(2026, 11, 1)
    waiting = CandidateView(
        "BOTHA01", 60, 0, 40, 20, ("November is not sent yet",), (), draft_months=(november,)
    )
    line = QueueRow(
        7,
        dt.date(2026, 11, 7),
        485_000,
        "J BOTHA",
        None,
        None,
        BankLineStatus.REVIEW,
        MatchOutcome.REVIEW_REQUIRED,
        None,
        None,
        (waiting,),
    )
    panel = CandidatesPanel()
    qtbot.addWidget(panel)
    panel.show_line(line, MoneyStyle.SPACE_COMMA)
    panel.show_preview(7, AcceptPreview("BOTHA01", (), (), 485_000))
    assert panel.outcome.text() == (
        "November is not sent yet: Enter makes R 4 850,00 credit for BOTHA01, used when the "
        "invoice is sent."
    )
    # With an older invoice open, what it pays is said, and the draft beside it.
    older = (("INV-1", dt.date(2026, 10, 7), 100_000),)
    panel.show_preview(7, AcceptPreview("BOTHA01", older, (("INV-1", 100_000, 0),), 385_000))
    assert panel.outcome.text() == (
        "Enter accepts: R 1 000,00 pays 1 invoice(s) and R 3 850,00 becomes credit for "
        "BOTHA01. (November is not sent yet.)"
    )
