"""The selected invoice: who, when, its lines, the money applied to it, its notes and files."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.invoices.attachments import InvoiceAttachments
from crechebooks_desktop.ui.invoices.jobs import Detail
from crechebooks_desktop.ui.invoices.model import status_text
from crechebooks_desktop.ui.invoices.notes import InvoiceNotes

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _cell(text: str, *, money: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if money:
        item.setTextAlignment(_RIGHT)
    return item


class InvoiceDetail(QWidget):
    """Shows one invoice (or a hint when none is selected)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Select an invoice to see its lines and payments.")
        self.heading.setObjectName("detailHeading")
        self.heading.setWordWrap(True)
        self.lines = _table(["Description", "Qty", "VAT", "Amount"])
        self.totals = QLabel()
        self.totals.setAlignment(_RIGHT)
        self.totals.setWordWrap(True)
        self.payments = _table(["Applied from", "Date", "Amount"])
        self.notes = InvoiceNotes()
        self.attachments = InvoiceAttachments()
        self.attachments.accept_drops_on(self)  # files dropped anywhere on the pane
        # Notes and files share the foot of the pane, so the lines keep their room.
        self.extras = QTabWidget()
        self.extras.setDocumentMode(True)
        self.extras.addTab(self.notes, "Notes")
        self.extras.addTab(self.attachments, "Attachments")
        self.attachments.listed.connect(self._count_attachments)
        self.attachments.wanted.connect(lambda: self.extras.setCurrentWidget(self.attachments))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.lines, 2)
        layout.addWidget(self.totals)
        layout.addWidget(QLabel("Payments and credit applied"))
        layout.addWidget(self.payments, 1)
        layout.addWidget(self.extras, 3)

    def clear(self) -> None:
        """Nothing selected."""
        self.heading.setText("Select an invoice to see its lines and payments.")
        self.lines.setRowCount(0)
        self.payments.setRowCount(0)
        self.totals.clear()
        self.notes.clear()
        self.attachments.clear()
        self._count_attachments("", 0)

    def show_detail(self, detail: Detail, style: MoneyStyle) -> None:
        """Fill the pane from an invoice and its allocations."""
        inv = detail.invoice
        child = f" · {inv.child_name}" if inv.child_name else ""
        void = f"<br><i>Void: {inv.void_reason}</i>" if inv.void_reason else ""
        self.heading.setText(
            f"<b>{inv.number}</b> · {status_text(inv.status)}<br>"
            f"{inv.recipient.parent_name} ({inv.household_ref}){child}<br>"
            f"Issued {inv.issue_date:%d %b %Y} · due {inv.due_date:%d %b %Y}{void}"
        )
        self.lines.setRowCount(len(inv.lines))
        self.lines.setWordWrap(True)
        for row, line in enumerate(inv.lines):
            quantity = format(line.quantity.normalize(), "f")
            vat = format_rands(line.vat_cents, style) if line.vat_cents else "—"
            for column, item in enumerate(
                (
                    _cell(line.description),
                    _cell(quantity, money=True),
                    _cell(vat, money=True),
                    _cell(format_rands(line.gross_cents, style), money=True),
                )
            ):
                self.lines.setItem(row, column, item)
        self.lines.resizeRowsToContents()
        self.totals.setText(
            f"Subtotal {format_rands(inv.subtotal_cents, style)} · "
            f"VAT {format_rands(inv.vat_cents, style)} · "
            f"<b>Total {format_rands(inv.total_cents, style)}</b><br>"
            f"Paid {format_rands(inv.amount_paid_cents, style)} · "
            f"Balance due <b>{format_rands(inv.balance_due_cents, style)}</b>"
        )
        self.payments.setRowCount(len(detail.allocations))
        for row, allocation in enumerate(detail.allocations):
            day = allocation.payment_date or allocation.applied_at.date()
            source = allocation.source + (" (reversed)" if allocation.reversed else "")
            for column, item in enumerate(
                (
                    _cell(source),
                    _cell(f"{day:%d %b %Y}"),
                    _cell(format_rands(allocation.amount_cents, style), money=True),
                )
            ):
                self.payments.setItem(row, column, item)
        self.notes.set_editable(detail.may_edit)
        self.notes.show_notes(inv.number, inv.notes)
        if inv.number != self.attachments.number():
            self._count_attachments(inv.number, 0)
        self.attachments.show_invoice(inv.number, detail.may_edit)

    def _count_attachments(self, _number: str, count: int) -> None:
        index = self.extras.indexOf(self.attachments)
        self.extras.setTabText(index, f"Attachments ({count})" if count else "Attachments")
