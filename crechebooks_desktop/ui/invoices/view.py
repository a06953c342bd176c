"""The Invoices tab: filters, the list, the selected invoice, and the actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.printing import print_pdf
from crechebooks_desktop.ui.common.tables import list_table
from crechebooks_desktop.ui.invoices import jobs
from crechebooks_desktop.ui.invoices.detail import InvoiceDetail
from crechebooks_desktop.ui.invoices.dialogs import (
    ChargeDialog,
    GenerateMonthDialog,
    NewInvoiceDialog,
    vat_choice,
)
from crechebooks_desktop.ui.invoices.filter_bar import InvoiceFilterBar
from crechebooks_desktop.ui.invoices.history_import import open_history_import
from crechebooks_desktop.ui.invoices.model import Column, InvoiceListModel
from crechebooks_desktop.ui.invoices.quick_find import QuickFind
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.lists.invoices import InvoiceListRow, InvoiceListTotals

_WIDTHS = {
    Column.NUMBER: 130,
    Column.HOUSEHOLD: 110,
    Column.CHILD: 150,
    Column.MONTH: 80,
    Column.STATUS: 105,
    Column.TOTAL: 105,
    Column.BALANCE: 105,
    Column.ISSUED: 95,
    Column.DUE: 95,
}


class _ProgressRelay(QObject):
    """Carries progress from the database thread to the GUI thread (queued signal)."""

    progressed = Signal(int, int, str)


class InvoicesView(QWidget):
    """Lists invoices by month and status; runs the month; sends, voids and prints.

    Signals:
        loaded(int): the list was (re)loaded; the number of invoices.
        generated(object): a monthly run ended; its ``GenerationResult``.
    """

    loaded = Signal(int)
    generated = Signal(object)

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._today = today
        self._keep: tuple[int, int] | None = None  # (selected id, its offset from the top row)
        self._top = 0
        self.model = InvoiceListModel(session, self)
        self.model.opened.connect(self._on_opened)
        self.detail = InvoiceDetail()
        self.detail.notes.save_requested.connect(self.save_note)
        self.detail.attachments.bind(session)
        self._build_filters()
        self._build_actions()
        self.table = self._build_table()
        self.model.keep_on_sort = self._keep_on_sort
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.quick_find = QuickFind(session, self)  # suggestions under the search box, Ctrl+F
        self.summary = QLabel()
        self.summary.setObjectName("summaryLine")
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 5)  # the list gets most of the width
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters)
        layout.addLayout(self._actions)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(lambda _w: self.reload())
        self._update_buttons()

    def _build_table(self) -> QTableView:
        table = list_table(self.model, Column.NUMBER)
        # Fixed row heights and column widths: Qt never measures 200,000 rows.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        for column, width in _WIDTHS.items():
            table.setColumnWidth(column, width)
        return table

    # -- building ---------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.filter_bar = InvoiceFilterBar(self._today)
        bar = self.filter_bar
        # The widgets by name, for the tab's callers and tests.
        self.month, self.status, self.search = bar.month, bar.status, bar.search
        self.household, self.child, self.fee = bar.household, bar.child, bar.fee
        bar.changed.connect(self.apply_filters)
        self._filters = QVBoxLayout()
        self._filters.addWidget(bar)

    def _build_actions(self) -> None:
        self._actions = QHBoxLayout()
        self.generate_button = self._button("Generate month…", self._generate)
        self.send_button = self._button("Send", self._send)
        self.void_button = self._button("Void…", self._void)
        self.pdf_button = self._button("Save PDF…", self._save_pdf)
        self.print_button = self._button("Print…", self._print)
        self._actions.addStretch(1)
        self.new_button = self._button("New invoice…", self._new_invoice)
        self.charge_button = self._button("Add charge…", self._add_charge)
        self.history_button = self._button(
            "Import history…", lambda: open_history_import(self._session, self)
        )

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        self._actions.addWidget(button)
        return button

    # -- loading ----------------------------------------------------------------------------

    def select_month(self, month: dt.date | None) -> None:
        """Show one billing month (None: all months)."""
        # findData cannot match Python dates, so compare the items here.
        for index in range(self.month.count()):
            if self.month.itemData(index) == month:
                if index == self.month.currentIndex():
                    self.reload()
                self.month.setCurrentIndex(index)
                return
        self.month.addItem(month.strftime("%B %Y") if month else "All months", month)
        self.month.setCurrentIndex(self.month.count() - 1)

    def mark_overdue_on_open(self, workplace: Workplace) -> None:
        """Bring statuses up to date when the book opens (users who may post money)."""
        if not workplace.actor.can(Permission.POST_MONEY):
            return
        today = self._today

        def done(changed: object) -> None:
            if isinstance(changed, list) and changed:
                self.summary.setText(f"{len(changed)} invoice(s) became overdue today")

        self._session.mutate(
            lambda book, w: jobs.mark_overdue(book, w, today),
            Changes(invoices=True),
            self,
            done,
            lambda exc: report(self, exc, "mark overdue invoices"),
        )

    def current_filter(self) -> jobs.ListOrder:
        """What the filter bar selects, in the list's current order."""
        return replace(
            self.model.order,
            month=self.month.currentData(),
            status=None,
            household_ref=None,
            text=self.filter_bar.words(),
            more=self.filter_bar.filters(),
        )

    def apply_filters(self) -> None:
        """Filter by what the widgets say now (in SQL), keeping the selection if it stays."""
        self.filter_bar.stop_typing_timer()
        order = self.current_filter()
        if order == self.model.order:
            return
        self._remember()
        if self.model.is_open:
            self.model.set_order(order, self._kept_id())
        else:
            self.model.order = order
            self.reload()

    def reload(self) -> None:
        """Count and read the list again (in the background), keeping the selection and scroll."""
        if self._session.workplace is None:
            return
        self.model.order = self.current_filter()
        self._remember()
        if self.model.is_open:
            self.model.reload(self._kept_id())
        else:
            self.model.open()

    def _remember(self) -> None:
        """The selected invoice and where the view is scrolled, to find them again."""
        top = max(self.table.rowAt(0), 0)
        self._top = top
        index = self.table.selectionModel().currentIndex()
        row = self.model.row_value(index.row()) if index.isValid() else None
        self._keep = (row.id, index.row() - top) if row is not None else None

    def _keep_on_sort(self) -> int | None:
        self._remember()
        return self._kept_id()

    def _kept_id(self) -> int | None:
        return self._keep[0] if self._keep else None

    def _style(self) -> MoneyStyle:
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _on_opened(self, total: int) -> None:
        kept = self.model.kept_index
        if kept is not None and self._keep is not None:
            # The same row on screen where it was, however far it moved in the list.
            self._scroll_to(max(kept - self._keep[1], 0))
            self.table.selectRow(kept)
        else:
            self._scroll_to(min(self._top, max(total - 1, 0)))
            self.detail.clear()
        self._keep = None
        self._update_summary()
        self._update_buttons()
        self.loaded.emit(total)

    def _scroll_to(self, top: int) -> None:
        if self.model.rowCount():
            self.table.scrollTo(
                self.model.index(top, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )

    def _update_summary(self) -> None:
        totals: InvoiceListTotals | None = self.model.extra
        if totals is None:
            self.summary.clear()
            return
        style = self._style()
        count = f"{totals.count:,}".replace(",", " ")
        self.summary.setText(
            f"{count} invoice(s)   ·   billed {format_rands(totals.billed_cents, style)}"
            f"   ·   balance due {format_rands(totals.due_cents, style)}"
        )

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.invoices or changes.ledger or changes.settings:
            self.reload()

    # -- selection --------------------------------------------------------------------------

    def selected_invoice(self) -> InvoiceListRow | None:
        """The invoice in the current row, if any (and read)."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.row_value(index.row())

    def _selected(self) -> None:
        self._update_buttons()
        invoice = self.selected_invoice()
        if invoice is None:
            self.detail.clear()
            return
        number = invoice.number
        self._session.query(
            lambda book, w: jobs.detail(book, w, number),
            lambda d: self.detail.show_detail(d, self._style()),
        )

    def _update_buttons(self) -> None:
        invoice = self.selected_invoice()
        status = invoice.status if invoice else None
        workplace = self._session.workplace
        # Every change to invoices records money; a role that only reads is not offered them.
        changes = workplace is None or workplace.actor.can(Permission.POST_MONEY)
        self.send_button.setEnabled(changes and status is InvoiceStatus.DRAFT)
        self.void_button.setEnabled(changes and status in {InvoiceStatus.DRAFT, InvoiceStatus.SENT})
        for button in (
            self.generate_button,
            self.new_button,
            self.charge_button,
            self.history_button,
        ):
            button.setEnabled(changes)
            button.setToolTip("" if changes else READ_ONLY)
        self.pdf_button.setEnabled(invoice is not None)
        self.print_button.setEnabled(invoice is not None)

    # -- actions ----------------------------------------------------------------------------

    def _mutate(
        self,
        change: Callable[[Book, Workplace], object],
        doing: str,
        done: Callable[[object], None] | None = None,
    ) -> None:
        self._session.mutate(
            change,
            Changes(invoices=True, ledger=True),
            self,
            done,
            lambda exc: report(self, exc, doing),
        )

    def _generate(self) -> None:
        dialog = GenerateMonthDialog(self._today, self)
        if not dialog.exec():
            return
        month, issued = dialog.chosen()
        self.start_generation(month, issued)

    def start_generation(self, month: dt.date, issued: dt.date) -> QProgressDialog:
        """Run the month in the background with a progress dialog that can cancel it."""
        from crechebooks_desktop.services.tasks import TaskState  # noqa: PLC0415

        progress = QProgressDialog(f"Generating {month:%B %Y}…", "Cancel", 0, 0, self)
        progress.setWindowTitle("Monthly run")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        relay = _ProgressRelay(progress)

        def show(done: int, total: int, text: str) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            progress.setLabelText(
                f"Generating {month:%B %Y}… {done} of {total} households · {text}"
            )

        relay.progressed.connect(show)
        task = TaskState(relay.progressed.emit)
        progress.canceled.connect(task.cancel)

        def finished(result: object) -> None:
            progress.reset()
            self._summarise(result)
            self.generated.emit(result)

        def failed(exc: BaseException) -> None:
            progress.reset()
            report(self, exc, f"generate {month:%B %Y}")

        self._session.mutate(
            lambda book, w: jobs.generate(book, w, month, issued, task),
            Changes(invoices=True, ledger=True),
            self,
            finished,
            failed,
        )
        progress.show()
        return progress

    def _summarise(self, result: object) -> None:
        from crechebooks_desktop.services.billing.monthly_run import GenerationResult  # noqa: PLC0415

        assert isinstance(result, GenerationResult)  # noqa: S101 - the job's own type
        style = self._style()
        text = (
            f"Created {len(result.created)} invoices for {result.month:%B %Y}, "
            f"billing {format_rands(result.total_billed_cents, style)}.\n"
            f"Skipped {len(result.skipped_child_ids)} children already invoiced."
        )
        if result.cancelled:
            text = "Stopped at your request; run it again to finish the month.\n\n" + text
        self.last_summary = text
        QMessageBox.information(self, "Monthly run", text)

    def _send(self) -> None:
        invoice = self.selected_invoice()
        if invoice is None:
            return
        number = invoice.number
        self._mutate(lambda book, w: jobs.send(book, w, [number]), f"send {number}")

    def _void(self) -> None:
        invoice = self.selected_invoice()
        if invoice is None:
            return
        reason, ok = QInputDialog.getText(
            self, f"Void {invoice.number}", "Why is this invoice void?"
        )
        if ok and reason.strip():
            self.void_selected(reason)

    def void_selected(self, reason: str) -> None:
        """Void the selected invoice with ``reason``."""
        invoice = self.selected_invoice()
        if invoice is not None:
            number = invoice.number
            self._mutate(lambda book, w: jobs.void(book, w, number, reason), f"void {number}")

    def save_note(self, number: str, text: str) -> None:
        """Save an invoice's notes in the background; the pane shows the outcome."""
        notes = self.detail.notes

        def failed(exc: BaseException) -> None:
            notes.failed()
            report(self, exc, f"save the notes of {number}")

        self._session.mutate(
            lambda book, w: jobs.save_note(book, w, number, text),
            Changes(invoices=True),
            self,
            lambda saved: notes.saved(saved.number, saved.notes, saved.changed),
            failed,
        )

    def _save_pdf(self) -> None:
        invoice = self.selected_invoice()
        if invoice is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save invoice PDF", f"{invoice.number}.pdf", "PDF (*.pdf)"
        )
        if path:
            self.save_pdf(invoice.number, Path(path))

    def save_pdf(self, number: str, path: Path) -> None:
        """Write the invoice's PDF to ``path`` (and archive it), in the background."""
        self._session.run(
            lambda: jobs.pdf(self._session.book(), self._workplace(), number, path),
            lambda made: self.summary.setText(f"Saved {number} to {path}." + _banking(made[1])),
            lambda exc: report(self, exc, f"save {number} as PDF"),
        )

    def _print(self) -> None:
        invoice = self.selected_invoice()
        if invoice is None:
            return
        number = invoice.number

        def show_dialog(made: tuple[bytes, bool]) -> None:
            pdf, banking_missing = made
            if banking_missing:
                self.summary.setText(f"{number}:" + _banking(banking_missing))
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec():
                self.print_document(pdf, printer)

        self._session.run(
            lambda: jobs.pdf(self._session.book(), self._workplace(), number, None),
            show_dialog,
            lambda exc: report(self, exc, f"print {number}"),
        )

    def print_document(self, pdf: bytes, printer: QPrinter) -> int:
        """Print rendered PDF pages on ``printer`` (painting must happen on this thread)."""
        try:
            return print_pdf(pdf, printer)
        except RuntimeError as exc:
            report(self, exc, "print")
            return 0

    def _workplace(self) -> Workplace:
        workplace = self._session.workplace
        if workplace is None:
            raise RuntimeError("no creche chosen yet")
        return workplace

    def _new_invoice(self) -> None:
        dialog = NewInvoiceDialog(self._today, self)
        if not dialog.exec() or dialog.result_value is None:
            return
        from crechebooks_desktop.services.billing.invoice_lifecycle import AdHocLine  # noqa: PLC0415

        child, day, entries = dialog.result_value
        lines = [AdHocLine(e.line_type, e.amount_cents, e.description, e.exempt) for e in entries]
        self._mutate(
            lambda book, w: jobs.new_invoice(book, w, child, day, lines), "create the invoice"
        )

    def _add_charge(self) -> None:
        dialog = ChargeDialog(self._today, self)
        if not dialog.exec() or dialog.result_value is None:
            return
        child, day, e = dialog.result_value
        self._mutate(
            lambda book, w: jobs.add_charge(
                book, w, child, e.line_type, e.amount_cents, day, e.description, vat_choice(e)
            ),
            "add the charge",
            lambda _r: self.summary.setText(
                f"Charge added for {child}; the next invoice picks it up."
            ),
        )


READ_ONLY = "Your role may read the invoices, not change them."

NO_BANKING = (
    " Warning: the creche's banking details are not on record, so the invoice asks parents "
    "to ask the office for them; an administrator can add them in Administration › Settings."
)


def _banking(missing: bool) -> str:
    """The warning for a document made without banking details (issue 13), or nothing."""
    return NO_BANKING if missing else ""
