"""The right side of the Matching tab: the selected line, its candidates and what accepting pays.

Each candidate's score shows as its three parts (reference up to 40, amount
up to 40, name up to 20) drawn as small labelled bars, with the reasons in
words under the list. The allocation preview is read on the database thread
by the tab, which hands it to ``show_preview``.

A link candidate (the line is a payment already recorded by hand, issue 11)
reads "Link to payment 42 (recorded by hand 3 Mar)" in teal, and accepting
it pays nothing: the panel says so instead of an allocation. A household
whose month is still a draft says "March is not sent yet" rather than
"R 0,00 pays 0 invoice(s)".
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.matching import month_words
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.bank_dates import transacted_note
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.common.table_model import RowTableModel
from crechebooks_desktop.ui.matching.jobs import DECIDABLE_KINDS, CandidateView, QueueRow

if TYPE_CHECKING:
    from crechebooks_desktop.services.bank.review_queue import AcceptPreview

PARTS = (("Ref", 40), ("Amount", 40), ("Name", 20))
"""The score's parts: label and most points."""
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LINK_COLOUR = "#2c7a7b"


def link_words(candidate: CandidateView) -> str:
    """``Link to payment 42 (recorded by hand 3 Mar)``."""
    when = candidate.payment_date
    by_hand = f"recorded by hand {when.day} {when:%b}" if when else "recorded by hand"
    return f"Link to payment {candidate.payment_id} ({by_hand})"


def parts_of(candidate: CandidateView) -> tuple[int, int, int]:
    """Reference, amount and name points."""
    return candidate.reference_points, candidate.amount_points, candidate.name_points


def breakdown(candidate: CandidateView) -> str:
    """``Ref 40 · Amount 38 · Name 15``."""
    return " · ".join(
        f"{label} {points}"
        for (label, _most), points in zip(PARTS, parts_of(candidate), strict=True)
    )


_WHO_WIDTH = 190
"""The widest the candidates' household (or link) column gets, in pixels."""


class CandidateColumn(enum.IntEnum):
    """The candidate list's columns."""

    KEY = 0
    HOUSEHOLD = 1
    SCORE = 2
    PARTS = 3


class CandidateModel(RowTableModel[CandidateView]):
    """A line's candidates, best first; the first column is the key that picks it."""

    columns = CandidateColumn
    headers = ("Key", "Household", "Score", "Reference · Amount · Name")

    def raw(self, row: CandidateView, column: int) -> Any:
        """Scores as numbers; the key is the row's place (1 is the best)."""
        return (
            self.rows().index(row) + 1,
            row.household_ref,
            row.score,
            parts_of(row),
        )[column]

    def display(self, row: CandidateView, column: int) -> str:
        """The breakdown in words (the delegate draws it as bars); a link says so."""
        if column == CandidateColumn.PARTS:
            return breakdown(row)
        if column == CandidateColumn.HOUSEHOLD and row.is_link:
            return link_words(row)  # its household is in the reasons and the heading below
        return super().display(row, column)

    def foreground(self, row: CandidateView, column: int) -> QBrush | None:
        """A link in its own colour."""
        if column == CandidateColumn.HOUSEHOLD and row.is_link:
            return QBrush(QColor(_LINK_COLOUR))
        return None

    def search_text(self, row: CandidateView) -> str:
        """Household and reasons."""
        return " ".join((row.household_ref, *row.reasons)).lower()

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the base model, plus the reasons as a tooltip and centred numbers."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            candidate = self.row_value(index.row())
            if candidate.is_link:
                return "\n".join(
                    (
                        f"{link_words(candidate)} for {candidate.household_ref}",
                        *candidate.reasons,
                        "Accepting records no new payment.",
                    )
                )
            pays = ", ".join(candidate.invoice_numbers) or "its oldest invoices"
            return "\n".join((*candidate.reasons, f"Pays first: {pays}"))
        centred = (CandidateColumn.KEY, CandidateColumn.SCORE)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in centred:
            return int(Qt.AlignmentFlag.AlignCenter)
        return super().data(index, role)


class ScoreBarsDelegate(QStyledItemDelegate):
    """Draws a candidate's three score parts as labelled bars: ``Ref ▮▮▮▯ 30``.

    A bar is as long as its part can score (a pixel a point), so the name's
    bar is half the others' and the bars compare at a glance.
    """

    PIXELS_PER_POINT = 1
    GAP = 10
    _FILL = QColor("#3182ce")
    _TRACK = QColor("#e2e8f0")
    _TEXT = QColor("#2d3748")

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The background as usual, then label, bar and points for each part."""
        points = index.data(ItemRole.SORT)  # the three parts
        if not isinstance(points, tuple):
            super().paint(painter, option, index)
            return
        blank = QStyleOptionViewItem(option)
        self.initStyleOption(blank, index)
        blank.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, blank, painter, widget)
        painter.save()
        metrics = option.fontMetrics
        digits = metrics.horizontalAdvance("00")
        cell = option.rect
        x = cell.x() + 6
        for (label, most), value in zip(PARTS, points, strict=True):
            x = self._text(painter, cell, x, metrics.horizontalAdvance(label), label)
            track = QRect(x, cell.center().y() - 3, most * self.PIXELS_PER_POINT, 7)
            painter.fillRect(track, self._TRACK)
            filled = QRect(track)
            filled.setWidth(max(0, min(value, most)) * self.PIXELS_PER_POINT)
            painter.fillRect(filled, self._FILL)
            x = self._text(painter, cell, track.right() + 5, digits, str(value)) + self.GAP
        painter.restore()

    def _text(self, painter: QPainter, cell: QRect, x: int, width: int, text: str) -> int:
        painter.setPen(self._TEXT)
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.drawText(QRect(x, cell.y(), width, cell.height()), int(align), text)
        return x + width + 4

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Room for three labels, bars and numbers."""
        metrics = option.fontMetrics
        digits = metrics.horizontalAdvance("00")
        width = 6
        for label, most in PARTS:
            width += metrics.horizontalAdvance(label) + 4 + most * self.PIXELS_PER_POINT
            width += 5 + digits + 4 + self.GAP
        return QSize(width, super().sizeHint(option, index).height())


class CandidatesPanel(QWidget):
    """The selected line, its candidates and the chosen candidate's invoices.

    Signals:
        candidate_changed(object): the chosen ``CandidateView`` (or None).
    """

    candidate_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.style_ = MoneyStyle.SPACE_COMMA
        self.line: QueueRow | None = None
        self.heading = QLabel("Choose a line on the left.")
        self.heading.setObjectName("detailHeading")
        self.heading.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setObjectName("positionLine")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = CandidateModel(self)
        self.table = self._candidate_table()
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setObjectName("reasons")
        self.invoices_heading = QLabel()
        self.invoices_heading.setObjectName("sectionHeading")
        self.invoices = self._invoice_table()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(_section("Candidates, best first (press 1–9 to accept one)"))
        layout.addWidget(self.table, 2)
        layout.addWidget(self.reasons)
        layout.addWidget(self.invoices_heading)
        layout.addWidget(self.invoices, 2)
        layout.addWidget(self.outcome)

    def _candidate_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(28)
        table.horizontalHeader().setHighlightSections(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.setItemDelegateForColumn(CandidateColumn.PARTS, ScoreBarsDelegate(table))
        table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        return table

    @staticmethod
    def _invoice_table() -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels(["Invoice", "Due", "Balance due", "Receives", "Then owes"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)
        for column in (2, 3, 4):
            heading = QTableWidgetItem(table.model().headerData(column, Qt.Orientation.Horizontal))
            heading.setTextAlignment(_RIGHT)
            table.setHorizontalHeaderItem(column, heading)
        return table

    # -- showing ----------------------------------------------------------------------------

    def show_line(self, line: QueueRow | None, style: MoneyStyle) -> None:
        """Show a line and its candidates, choosing the first (or the one it went to)."""
        self.style_ = style
        self.line = line
        self.model.set_rows(line.candidates if line else (), style)
        self._clear_preview()
        if line is None:
            self.heading.setText("Choose a line on the left.")
            self.facts.clear()
            self.reasons.clear()
            self.candidate_changed.emit(None)
            return
        self.heading.setText(
            f"{format_rands(line.amount_cents, style)} on {line.date:%d %b %Y} — {line.who}"
        )
        self.facts.setText(self._facts(line))
        self.table.resizeColumnsToContents()
        # A link's label is long; cut it (the reasons below say it whole) so the score bars fit.
        household = CandidateColumn.HOUSEHOLD
        self.table.setColumnWidth(household, min(self.table.columnWidth(household), _WHO_WIDTH))
        if not line.candidates:
            self.reasons.setText(self._no_candidates(line))
            self.candidate_changed.emit(None)
            return
        first = self._row_for(line.household_ref) if line.household_ref else 0
        self.select_candidate(first)

    def _facts(self, line: QueueRow) -> str:
        facts = [f"Bank text: {line.description}"]
        transacted = transacted_note(line.date, line.transaction_date)
        if transacted:
            facts.append(transacted)
        if line.reference:
            facts.append(f"Reference: {line.reference}")
        if line.payer and line.payer != line.description:
            facts.append(f"Payer: {line.payer}")
        decided = line.kind.value
        if line.household_ref:
            decided += f" for {line.household_ref}"
        if line.note:
            decided += f" — “{line.note}”"
        facts.append(f"Decision: {decided}")
        return "\n".join(facts)

    @staticmethod
    def _no_candidates(line: QueueRow) -> str:
        if line.decision is None:
            return "Not scored yet: run matching to see which households it may belong to."
        return (
            "No household matched this line. Press H to choose one, R to reject it "
            "or P to park it with a note."
        )

    def _row_for(self, household_ref: str) -> int:
        for row, candidate in enumerate(self.model.rows()):
            if candidate.household_ref == household_ref:
                return row
        return 0

    def select_candidate(self, row: int) -> CandidateView | None:
        """Choose candidate ``row`` (0 is the best); None when there is no such candidate."""
        if not 0 <= row < self.model.rowCount():
            return None
        self.table.selectRow(row)
        self._chosen()
        return self.model.row_value(row)

    def selected_candidate(self) -> CandidateView | None:
        """The chosen candidate, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_value(rows[0].row())

    def _chosen(self) -> None:
        candidate = self.selected_candidate()
        self._clear_preview()
        if candidate is None:
            self.reasons.clear()
            return
        reasons = "; ".join(candidate.reasons) or "no reasons recorded"
        why = f"payment {candidate.payment_id}" if candidate.is_link else candidate.household_ref
        self.reasons.setText(f"Why {why}: {reasons}.")
        self.invoices_heading.setText(f"{candidate.household_ref}'s open invoices")
        self.outcome.setText("Reading…")
        self.candidate_changed.emit(candidate)

    def _clear_preview(self) -> None:
        self.invoices_heading.setText("Open invoices")
        self.invoices.setRowCount(0)
        self.invoices.setVisible(True)
        self.outcome.clear()

    def show_preview(self, line_id: int, preview: AcceptPreview) -> None:
        """Show what accepting pays, if it is still for the line and candidate shown."""
        candidate = self.selected_candidate()
        if self.line is None or self.line.line_id != line_id or candidate is None:
            return
        if candidate.household_ref != preview.household_ref:
            return
        receives = {number: (cents, after) for number, cents, after in preview.allocations}
        money = self._money
        self.invoices.setRowCount(len(preview.open_invoices))
        for row, (number, due, balance) in enumerate(preview.open_invoices):
            cents, after = receives.get(number, (0, balance))
            cells = (
                number,
                due.strftime("%d %b %Y"),
                money(balance),
                money(cents) if cents else "",
                "paid in full" if cents and not after else money(after),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:  # noqa: PLR2004 - the money columns
                    item.setTextAlignment(_RIGHT)
                self.invoices.setItem(row, column, item)
        self.outcome.setText(self._outcome_text(preview))

    def show_link(self, candidate: CandidateView) -> None:
        """What accepting a link does: no allocation, the payment recorded by hand stands."""
        line = self.line
        if line is None or candidate is not self.selected_candidate():
            return
        self.invoices_heading.setText(f"{link_words(candidate)} for {candidate.household_ref}")
        self.invoices.setVisible(False)  # linking pays no invoice
        if line.kind not in DECIDABLE_KINDS:
            self.outcome.setText(f"{line.kind.value}: press Ctrl+Z to undo the decision.")
            return
        self.outcome.setText(
            f"Enter links this line to payment {candidate.payment_id} of "
            f"{candidate.household_ref}: the {self._money(line.amount_cents)} is counted once, "
            "and no new payment is recorded."
        )

    def _outcome_text(self, preview: AcceptPreview) -> str:
        line = self.line
        assert line is not None  # noqa: S101 - checked by the caller
        if line.kind not in DECIDABLE_KINDS:
            return f"{line.kind.value}: press Ctrl+Z to undo the decision."
        candidate = self.selected_candidate()
        drafts = candidate.draft_months if candidate else ()
        unsent = ""
        if drafts:
            months = month_words(drafts, line.date)
            unsent = f"{months} {'is' if len(set(drafts)) == 1 else 'are'} not sent yet"
        if drafts and not preview.allocations:
            return (
                f"{unsent}: Enter makes {self._money(preview.credit_cents)} credit for "
                f"{preview.household_ref}, used when the invoice is sent."
            )
        paid = sum(cents for _n, cents, _a in preview.allocations)
        text = f"Enter accepts: {self._money(paid)} pays {len(preview.allocations)} invoice(s)"
        if preview.credit_cents:
            text += f" and {self._money(preview.credit_cents)} becomes credit"
        text += f" for {preview.household_ref}."
        return f"{text} ({unsent}.)" if unsent else text

    def show_preview_error(self, message: str) -> None:
        """The preview could not be made (the household has gone, say)."""
        self.invoices.setRowCount(0)
        self.outcome.setText(message)

    def _money(self, cents: int) -> str:
        return format_rands(cents, self.style_)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionHeading")
    return label
