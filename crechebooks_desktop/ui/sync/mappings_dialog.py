"""What goes where in Xero: our income accounts, bank accounts and VAT treatments (issue 15).

Each of ours is shown with the Xero code it is mapped to, or, unmapped, the
code the sync would choose from the organisation's chart (read from Xero on
the network thread when the creche is connected). A list of Xero's fitting
codes is offered; a code can also be typed (before connecting, or when Xero
cannot be reached). Saving keeps every changed row in one transaction. What
a sync said must be mapped first is marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.domain.xero import MappingProblem
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import log_bug
from crechebooks_desktop.ui.common.forms import error_label, ok_cancel
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.sync import choices, jobs, remote, words
from crechebooks_desktop.ui.sync.jobs import EVERY, MappingRow, MappingScreen
from crechebooks_desktop.ui.sync.network import NetworkThread
from crechebooks_desktop.ui.sync.remote import XeroChart

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book

VIEW_ONLY = "Only an administrator or a bookkeeper may change the mappings"
_SECTIONS = (
    ("account", "Invoice lines: our income accounts → Xero's accounts"),
    ("bank_account", "Payments: our bank accounts → Xero's bank accounts"),
    ("tax", "VAT: how our lines are taxed → Xero's tax rates"),
)
UNREAD = "chosen from Xero's chart"
MUST_MAP = "to map: the sync waits for it"
_LOOK = """
QLabel#mappingSection { font-weight: bold; color: #2d3748; padding-top: 8px; }
QLabel#mappingNote { color: #4a5568; }
QLabel#mappingNote[problem="true"] { color: #c53030; font-weight: bold; }
QLabel#chartLine { color: #4a5568; }
"""


class _Row:
    """One mapping's widgets."""

    def __init__(self, row: MappingRow) -> None:
        self.row = row
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setMinimumContentsLength(26)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.note = QLabel()
        self.note.setObjectName("mappingNote")
        self.combo.setEditText(row.mapped or "")

    def code(self) -> str:
        """The Xero code chosen or typed (blank: none)."""
        text = self.combo.currentText().strip()
        found = self.combo.findText(text)
        if found >= 0 and self.combo.itemData(found):
            return str(self.combo.itemData(found))
        return text.split(" · ")[0].strip()

    def offer(self, chart: XeroChart, today: dt.date, default: str | None) -> None:
        """Fill the list from Xero's chart; keep the mapped code shown."""
        self.combo.clear()
        for option in choices.options(self.row.kind, chart):
            self.combo.addItem(option.text, option.code)
        at = self.combo.findData(self.row.mapped) if self.row.mapped else -1
        self.combo.setCurrentIndex(at)
        if at < 0:
            self.combo.setEditText(self.row.mapped or "")
        if not self.row.mapped:
            text, problem = choices.automatic(self.row, chart, today, default)
            self.say(text, problem=problem)
            edit = self.combo.lineEdit()
            if edit is not None:
                edit.setPlaceholderText("choose, or leave it to the sync")
        elif at < 0:
            self.say(f"{self.row.mapped} is not in Xero's chart", problem=True)
        else:
            self.say("mapped", problem=False)

    def say(self, text: str, *, problem: bool, more: str = "") -> None:
        """The note beside the row (``more``: its tooltip)."""
        self.note.setText(text)
        self.note.setToolTip(more or text)
        self.note.setProperty("problem", problem)
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)


class MappingsDialog(QDialog):
    """Where our accounts, bank accounts and VAT treatments go in Xero.

    Signals:
        loaded(object): our side was read (its ``MappingScreen``).
        chart_loaded(object): Xero's chart was read (a ``XeroChart``), or None when it could not be.
        saved(int): how many mappings were kept (the dialog then closes).
    """

    loaded = Signal(object)
    chart_loaded = Signal(object)
    saved = Signal(int)

    def __init__(
        self,
        session: BookSession,
        today: dt.date,
        problems: Sequence[MappingProblem] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Xero mappings")
        self.setStyleSheet(_LOOK)
        self.setMinimumWidth(960)
        self._session = session
        self._today = today
        self._problems = tuple(problems)
        self.network = NetworkThread("crechebooks-xero-chart", self)
        self.rows: list[_Row] = []
        self.shown: MappingScreen | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Where each of ours goes in Xero. Unmapped, the sync chooses by meaning from the "
            "organisation's own chart and tax rates; choose here where it cannot, or should not."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.problems_line = QLabel(words.problem_lines(self._problems))
        self.problems_line.setObjectName("formError")
        self.problems_line.setWordWrap(True)
        self.problems_line.setVisible(bool(self._problems))
        layout.addWidget(self.problems_line)
        self.sections = QVBoxLayout()
        layout.addLayout(self.sections)
        self.chart_line = QLabel("Reading what is mapped…")
        self.chart_line.setObjectName("chartLine")
        self.chart_line.setWordWrap(True)
        layout.addWidget(self.chart_line)
        self.error = error_label()
        self.error.hide()
        layout.addWidget(self.error)
        buttons, self.save_button = ok_cancel(self, "Save")
        buttons.accepted.connect(self.save)
        self.save_button.setEnabled(False)
        layout.addWidget(buttons)
        session.query(jobs.mapping_screen, self._show, self._load_failed)

    # -- loading ----------------------------------------------------------------------------

    def _show(self, screen: MappingScreen) -> None:
        self.shown = screen
        self.sections.addLayout(self._grid(screen.rows))
        may = self.may_change()
        for row in self.rows:
            row.combo.setEnabled(may)
        self.save_button.setEnabled(may)
        self.save_button.setDefault(may)  # it was off while loading: Cancel took the default
        if not may:
            role = self._session.workplace.actor.role.value if self._session.workplace else ""
            self.save_button.setToolTip(f"{VIEW_ONLY} (signed in as {role})")
        self._mark_problems()
        self.loaded.emit(screen)
        if screen.connected:
            self.chart_line.setText("Reading Xero's chart of accounts and tax rates…")
            self._session.run(self._session.book, self._read_chart, self._chart_failed)
        else:
            self.chart_line.setText(
                "Not connected to Xero: type Xero's codes, or connect first to choose from "
                "the organisation's chart."
            )
            self.chart_loaded.emit(None)

    def _grid(self, rows: Sequence[MappingRow]) -> QGridLayout:
        """One grid for every section, so the columns line up."""
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)
        line = 0
        for kind, title in _SECTIONS:
            found = [r for r in rows if r.kind == kind]
            if not found:
                continue
            heading = QLabel(title)
            heading.setObjectName("mappingSection")
            grid.addWidget(heading, line, 0, 1, 3)
            line += 1
            for row in found:
                widgets = _Row(row)
                own_code = row.kind == "account" and row.ours != EVERY
                label = f"{row.ours} {row.name}" if own_code else row.name
                grid.addWidget(QLabel(label), line, 0)
                grid.addWidget(widgets.combo, line, 1)
                grid.addWidget(widgets.note, line, 2)
                widgets.say("mapped" if row.mapped else UNREAD, problem=False)
                self.rows.append(widgets)
                line += 1
        return grid

    def _mark_problems(self) -> None:
        for problem in self._problems:
            for row in self.rows:
                if (row.row.kind, row.row.ours) == (problem.kind, problem.ours):
                    row.say(MUST_MAP, problem=True, more=words.problem_text(problem))

    def _read_chart(self, book: Book) -> None:
        workplace = self._session.workplace
        if workplace is None:
            return
        actor = workplace.actor
        self.network.submit(
            lambda: remote.read_chart(book, actor),
            self._chart_read,  # type: ignore[arg-type]
            self._chart_failed,
        )

    def _chart_read(self, chart: XeroChart) -> None:
        defaults = choices.defaults([row.row for row in self.rows], chart)
        for row in self.rows:
            row.offer(chart, self._today, defaults.get(row.row.kind))
        self._mark_problems()
        self.chart_line.setText(
            f"Xero's chart: {len(chart.accounts)} accounts and {len(chart.tax_rates)} tax rates."
        )
        self.chart_loaded.emit(chart)

    def _chart_failed(self, error: BaseException) -> None:
        if not isinstance(error, UserFacingError):
            log_bug(error)
        self.chart_line.setText(
            f"Xero's chart could not be read: {words.plain(str(error))}. Type Xero's codes."
        )
        self.chart_loaded.emit(None)

    def _load_failed(self, error: BaseException) -> None:
        if not isinstance(error, UserFacingError):
            log_bug(error)
        self.chart_line.setText(f"The mappings could not be read: {error}")

    # -- saving -----------------------------------------------------------------------------

    def may_change(self) -> bool:
        """Whether the person signed in may change the mappings."""
        workplace = self._session.workplace
        return workplace is not None and workplace.actor.can(Permission.POST_MONEY)

    def chosen(self) -> dict[tuple[str, str], str]:
        """The rows whose code was changed: (kind, ours) -> Xero's code."""
        return {
            (row.row.kind, row.row.ours): row.code()
            for row in self.rows
            if row.code() and row.code() != (row.row.mapped or "")
        }

    def save(self) -> None:
        """Keep what was changed; close when it is kept, else say why and stay."""
        changed = self.chosen()
        if not changed:
            self.accept()
            return
        self.save_button.setEnabled(False)
        self._say("")
        self._session.mutate(
            lambda book, w: jobs.save_mappings(book, w, changed),
            Changes(),
            self,
            self._saved,
            self._save_failed,
        )

    def _saved(self, count: int) -> None:
        self.saved.emit(count)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if not isinstance(error, UserFacingError):
            log_bug(error)
        self._say(f"Not saved: {words.plain(str(error))}")

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
