"""The Invoices tab over a real book, with the real database thread."""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus, LineType
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.monthly_run import GenerationResult
from crechebooks_desktop.services.lists.invoices import InvoiceListRow
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.invoices import view as invoices_view
from crechebooks_desktop.ui.invoices.dialogs import ChargeDialog, NewInvoiceDialog
from crechebooks_desktop.ui.launch import Shell
from tests.gui.conftest import shell_args

NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def tab(qtbot, demo_first_day_path, no_dialogs, monkeypatch):
    """The window on the demo book with the Invoices tab showing November 2026."""
    monkeypatch.setattr(
        invoices_view.QMessageBox, "information", staticmethod(lambda *_a, **_k: None)
    )
    shell = Shell(shell_args(demo_first_day_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.invoices
    view._today = dt.date(2026, 11, 21)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        shell.start()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.select_month(NOVEMBER)
    assert view.current_filter().month == NOVEMBER
    yield shell, view
    shell.stop()


def _generate(qtbot, view) -> GenerationResult:
    with qtbot.waitSignal(view.generated, timeout=30_000) as done:
        view.start_generation(NOVEMBER, NOVEMBER)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        pass
    return done.args[0]


def _select(qtbot, view, number: str) -> InvoiceListRow:
    row = view.model.row_of_number(number)
    assert row is not None
    view.table.selectRow(row)
    qtbot.waitUntil(lambda: number in view.detail.heading.text(), timeout=5000)
    selected = view.selected_invoice()
    assert selected is not None
    return selected


def test_generate_month_fills_the_list_and_summarises(qtbot, tab) -> None:
    _shell, view = tab
    assert view.model.rowCount() == 0
    result = _generate(qtbot, view)
    assert len(result.created) == 59
    assert not result.cancelled
    assert view.model.rowCount() == 59
    assert "Created 59 invoices for November 2026" in view.last_summary
    assert view.summary.text().startswith("59 invoice(s)")
    again = _generate(qtbot, view)
    assert len(again.created) == 0
    assert "Skipped 59 children" in view.last_summary


def test_generation_can_be_cancelled_between_batches(qtbot, tab, monkeypatch) -> None:
    from crechebooks_desktop.services.billing import monthly_run as invoicing

    _shell, view = tab
    monkeypatch.setattr(invoicing, "HOUSEHOLDS_PER_BATCH", 5)
    progress = None
    with qtbot.waitSignal(view.generated, timeout=30_000) as done:
        progress = view.start_generation(NOVEMBER, NOVEMBER)
        cancel = progress.findChild(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # stops after the current batch
    result = done.args[0]
    assert result.cancelled
    assert len(result.created) < 59
    assert "Stopped at your request" in view.last_summary
    finished = _generate(qtbot, view)  # running it again finishes the month
    assert len(result.created) + len(finished.created) == 59
    numbers = sorted(inv.number for inv in result.created + finished.created)
    assert numbers == [f"INV-2026-{n:06d}" for n in range(10, 69)]  # gapless after 9 opening


def test_send_and_void_from_the_tab(qtbot, tab) -> None:
    _shell, view = tab
    _generate(qtbot, view)
    invoice = _select(qtbot, view, "INV-2026-000012")
    assert invoice.status is InvoiceStatus.DRAFT
    assert view.send_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.send_button.click()
    assert view.selected_invoice().status is InvoiceStatus.SENT
    assert not view.send_button.isEnabled()
    assert view.void_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.void_selected("Enrolled at another creche")
    voided = view.selected_invoice()
    assert voided.status is InvoiceStatus.VOID
    qtbot.waitUntil(lambda: "Void: Enrolled at another creche" in view.detail.heading.text())
    assert not view.void_button.isEnabled()


def test_detail_pane_shows_lines_and_totals(qtbot, tab) -> None:
    _shell, view = tab
    _generate(qtbot, view)
    _select(qtbot, view, "INV-2026-000012")
    lines = view.detail.lines
    cells = [[lines.item(r, c).text() for c in range(4)] for r in range(lines.rowCount())]
    assert cells == [
        ["Full Day (07:00-17:30) — November 2026", "1", "—", "R 4 850,00"],
        ["Sibling discount (10%)", "1", "—", "-R 485,00"],
    ]
    assert "Total R 4 365,00" in view.detail.totals.text()


def test_save_pdf_and_print(qtbot, tab, tmp_path: Path) -> None:
    _shell, view = tab
    _generate(qtbot, view)
    _select(qtbot, view, "INV-2026-000025")
    target = tmp_path / "out" / "INV-2026-000025.pdf"
    target.parent.mkdir()
    view.save_pdf("INV-2026-000025", target)
    qtbot.waitUntil(target.exists, timeout=10_000)
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert view.print_document(pdf, printer) == 1
    assert printed.stat().st_size > 10_000


def test_new_invoice_and_charge_dialogs_check_their_input(qtbot) -> None:
    dialog = NewInvoiceDialog(dt.date(2026, 11, 21))
    qtbot.addWidget(dialog)
    dialog.child.setText("DLAMINI01-1")
    dialog.rows[0].amount.setText("12.345")
    dialog._accept()
    assert dialog.result_value is None
    assert dialog.error.text().startswith("Amount:")
    dialog.rows[0].amount.setText("350.00")
    dialog.rows[0].kind.setCurrentIndex(dialog.rows[0].kind.findData(LineType.UNIFORM))
    dialog.rows[0].description.setText("Winter jersey")
    dialog._accept()
    child, day, lines = dialog.result_value
    assert (child, day) == ("DLAMINI01-1", dt.date(2026, 11, 21))
    assert [(x.line_type, x.amount_cents, x.description) for x in lines] == [
        (LineType.UNIFORM, 35_000, "Winter jersey")
    ]
    charge = ChargeDialog(dt.date(2026, 11, 21))
    qtbot.addWidget(charge)
    charge._accept()
    assert charge.result_value is None
    assert "child's reference" in charge.error.text()


def test_new_invoice_through_the_book(qtbot, tab, demo_first_day_path: Path) -> None:
    from crechebooks_desktop.services.billing.invoice_lifecycle import AdHocLine
    from crechebooks_desktop.ui.invoices import jobs

    _shell, view = tab
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.select_month(None)  # all months: ad-hoc invoices have none
    lines = [AdHocLine(LineType.UNIFORM, 35_000, "Winter jersey")]
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view._mutate(
            lambda book, w: jobs.new_invoice(book, w, "DLAMINI01-1", dt.date(2026, 11, 21), lines),
            "test",
        )
    book, _ = Book.open(settings_for(str(demo_first_day_path)))
    with book.read(1) as uow:
        found = [
            i
            for i in uow.invoices.find(InvoiceFilter())
            if i.lines and i.lines[0].description == "Winter jersey"
        ]
    book.close()
    assert len(found) == 1
    assert found[0].total_cents == 35_000
    assert found[0].vat_cents == 4_565  # 35000 x 15/115 = 4565.2
    assert view.model.row_of_number(found[0].number) is not None


def test_opening_the_book_marks_overdue_invoices(qtbot, demo_first_day_path) -> None:
    # The demo's opening-balance invoices are SENT and due on 2026-11-01.
    shell = Shell(shell_args(demo_first_day_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.invoices
    view._today = dt.date(2026, 11, 21)
    try:
        with qtbot.waitSignal(shell.session.changes_applied, timeout=10_000):
            shell.start()
        book, _ = Book.open(settings_for(str(demo_first_day_path)))
        with book.read(1) as uow:
            statuses = {i.status for i in uow.invoices.find(InvoiceFilter())}
            actions = [r.action for r in uow.audit.latest(1, limit=20)]
        book.close()
    finally:
        shell.stop()
    assert statuses == {InvoiceStatus.OVERDUE}
    assert actions.count("invoice.overdue") == 9


def test_notes_typed_saved_and_seen_again(qtbot, tab, demo_first_day_path, no_dialogs) -> None:
    _shell, view = tab
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.select_month(None)  # the opening-balance invoices have no billing month
    _select(qtbot, view, "INV-2026-000001")
    notes = view.detail.notes
    assert notes.text() == ""
    assert not notes.save_button.isEnabled()
    qtbot.keyClicks(notes.editor, "Paid R 200 cash at the gate")
    qtbot.keyClick(notes.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(notes.editor, "Receipt 0412   ")
    assert notes.save_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(notes.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.status.text() == "Notes saved.", timeout=5000)
    assert notes.text() == "Paid R 200 cash at the gate\nReceipt 0412"  # as the book keeps it
    assert not notes.save_button.isEnabled()

    _select(qtbot, view, "INV-2026-000002")
    qtbot.waitUntil(lambda: notes.text() == "", timeout=5000)
    _select(qtbot, view, "INV-2026-000001")
    qtbot.waitUntil(lambda: notes.text() == "Paid R 200 cash at the gate\nReceipt 0412")
    assert not notes.save_button.isEnabled()

    # Too long: refused in a message, the text kept to correct, nothing saved.
    notes.editor.setPlainText("x" * 2001)
    assert "2001 characters" in notes.status.text()
    notes.save_button.click()
    qtbot.waitUntil(lambda: notes.status.text() == "Not saved.", timeout=5000)
    assert no_dialogs[-1][0] == "warning"
    assert "at most 2000 characters" in no_dialogs[-1][1]
    assert notes.text() == "x" * 2001
    assert notes.save_button.isEnabled()

    book, _ = Book.open(settings_for(str(demo_first_day_path)))
    with book.read(1) as uow:
        records = [r for r in uow.audit.latest(1, limit=50) if r.action == "invoice.note"]
        kept = uow.invoices.get("INV-2026-000001")
    book.close()
    assert kept is not None
    assert kept.notes == "Paid R 200 cash at the gate\nReceipt 0412"
    assert [(r.before, r.after) for r in records] == [
        (
            {"number": "INV-2026-000001", "notes": None},
            {"number": "INV-2026-000001", "notes": "Paid R 200 cash at the gate\nReceipt 0412"},
        )
    ]


def test_a_role_that_only_reads_is_not_offered_changes(qtbot, open_shell, demo_book_path) -> None:
    book, _ = Book.open(settings_for(str(demo_book_path)))
    try:
        with book.write(1) as uow:
            add_user(uow, acting_user(uow, 1, "admin"), "olivia", Role.OWNER_VIEWER, "pw")
    finally:
        book.close()
    changes = ("generate_button", "new_button", "charge_button", "history_button")
    admin = open_shell(demo_book_path).window.invoices
    assert all(getattr(admin, name).isEnabled() for name in changes)
    viewer = open_shell(demo_book_path, "olivia").window.invoices
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.select_month(None)
    for name in changes:
        assert not getattr(viewer, name).isEnabled(), name
        assert getattr(viewer, name).toolTip() == invoices_view.READ_ONLY
    draft_or_sent = next(
        row
        for row in range(viewer.model.rowCount())
        if (value := viewer.model.row_value(row)) is not None
        and value.status in {InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.OVERDUE}
    )
    viewer.table.selectRow(draft_or_sent)
    qtbot.waitUntil(lambda: viewer.selected_invoice() is not None, timeout=5000)
    assert not viewer.send_button.isEnabled()
    assert not viewer.void_button.isEnabled()
    assert viewer.pdf_button.isEnabled()  # reading and printing stay
