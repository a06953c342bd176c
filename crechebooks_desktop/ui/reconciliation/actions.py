"""What the Reconciliation tab's keys and buttons do.

The keyboard map (on the lines):

======== ===========================================================
Up/Down  move between lines
Enter    accept what the book suggests: the account a rule or earlier
         choices point to, or the payment recorded by hand to link
C        categorise: choose the account (search by code or name)
R        make a rule from the line (pre-filled), save it and apply it
S        split the line across accounts
Ctrl+Z   undo the last change made here; when there is none, the
         chosen line's categorisation or match
======== ===========================================================

After a change the tab reloads and the selection stays at its place (the
next line moves up into it under "Uncleared"), never back to the top.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.printing import print_pdf
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.reconciliation import dialogs, jobs
from crechebooks_desktop.ui.reconciliation.jobs import Row, Side

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.ui.ops import Workplace
    from crechebooks_desktop.ui.reconciliation.view import ReconciliationView

CHANGED = Changes(bank=True, ledger=True, invoices=True)


class LineKeys(QObject):
    """Runs the tab's changes and keeps the session's undo list."""

    def __init__(self, view: ReconciliationView, session: BookSession) -> None:
        super().__init__(view)
        self._view = view
        self._session = session
        self._busy = False
        self.undo_stack: list[int] = []
        """Lines changed in this session, newest last (Ctrl+Z takes them back in turn)."""
        view.table.installEventFilter(self)
        undo = QAction("Undo", view)
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.triggered.connect(self.undo)
        view.addAction(undo)
        view.start_button.clicked.connect(self.start)
        view.finish_button.clicked.connect(self.finish)
        view.report_button.clicked.connect(self.save_report)
        view.print_button.clicked.connect(self.print_report)
        view.unlock_button.clicked.connect(self.unlock)

    # -- keys -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The tab's keys on the lines; everything else goes on to the table."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier:
            return super().eventFilter(watched, event)
        action = self._action_for(Qt.Key(event.key()))
        if action is None:
            return super().eventFilter(watched, event)
        action()
        return True

    def _action_for(self, key: Qt.Key) -> Callable[[], None] | None:
        return {
            Qt.Key.Key_Return: self.accept,
            Qt.Key.Key_Enter: self.accept,
            Qt.Key.Key_C: self.categorise,
            Qt.Key.Key_R: self.make_rule,
            Qt.Key.Key_S: self.split,
        }.get(key)

    # -- changing lines ---------------------------------------------------------------------

    def _line(self, doing: str) -> Row | None:
        """The current statement line, if it can be changed; otherwise say why not."""
        row = self._view.selected_row()
        if row is None or row.side is not Side.STATEMENT or row.line_id is None:
            self._view.say("Choose a statement line first.")
            return None
        if self._busy:
            self._view.say("Still saving the last change…")
            return None
        if row.cleared:
            self._view.say(f"This line is cleared ({row.book}): Ctrl+Z undoes that before {doing}.")
            return None
        return row

    def _change(
        self,
        line_id: int,
        change: Callable[[Book, Workplace], Any],
        done_text: Callable[[Any], str],
        doing: str,
        *,
        undoable: bool = True,
    ) -> None:
        self._busy = True

        def done(result: Any) -> None:
            self._busy = False
            if undoable:
                self.undo_stack.append(line_id)
            self._view.say(done_text(result))
            self._view.reload()

        def failed(exc: BaseException) -> None:
            self._busy = False
            report(self._view, exc, doing)

        self._session.mutate(change, CHANGED, self, done, failed)

    def accept(self) -> None:
        """Enter: take the suggested account, or link the suggested payment."""
        row = self._line("accepting a suggestion")
        if row is None:
            return
        suggestion = row.suggestion
        if suggestion is None:
            self._view.say("Nothing is suggested for this line: C chooses an account.")
            return
        line_id = row.line_id
        assert line_id is not None  # noqa: S101 - _line returns statement lines only
        self._change(
            line_id,
            lambda book, w: jobs.accept_suggestion(book, w, line_id, suggestion),
            lambda _r: f"Line of {row.date:%d %b}: {suggestion.label}.",
            "accept the suggestion",
        )

    def categorise(self) -> None:
        """C: choose the line's account and VAT type."""
        row = self._line("categorising it again")
        if row is None or row.line_id is None:
            return
        chosen = row.suggestion.account_code if row.suggestion else None
        dialog = dialogs.CategoriseDialog(
            self._view.shown.chart,
            row.description,
            row.amount_cents,
            self._view.style_(),
            chosen,
            self._view,
        )
        if not dialog.exec() or dialog.result_value is None:
            return
        code, vat = dialog.result_value
        line_id = row.line_id
        self._change(
            line_id,
            lambda book, w: jobs.categorise(book, w, line_id, code, vat),
            lambda _r: f"Line of {row.date:%d %b} categorised to {code}.",
            "categorise the line",
        )

    def split(self) -> None:
        """S: split the line across accounts."""
        row = self._line("splitting it")
        if row is None or row.line_id is None:
            return
        dialog = dialogs.SplitAcrossDialog(
            self._view.shown.chart, row.amount_cents, self._view.style_(), self._view
        )
        if not dialog.exec() or dialog.result_value is None:
            return
        parts = dialog.result_value
        line_id = row.line_id
        self._change(
            line_id,
            lambda book, w: jobs.categorise_parts(book, w, line_id, parts),
            lambda _r: f"Line of {row.date:%d %b} split across {len(parts)} accounts.",
            "split the line",
        )

    def make_rule(self) -> None:
        """R: a rule pre-filled from the line; saving it applies it to every line it fits."""
        row = self._line("making a rule from it")
        if row is None or row.line_id is None:
            return
        line_id = row.line_id
        self._session.query(
            lambda book, w: jobs.rule_draft(book, w, line_id),
            self._ask_rule,
            lambda exc: report(self._view, exc, "prepare a rule"),
        )

    def _ask_rule(self, draft: jobs.RuleDraftView) -> None:
        dialog = dialogs.RuleDialog(
            self._view.shown.chart,
            draft.contains,
            draft.direction,
            draft.account_code,
            self._view,
        )
        if not dialog.exec() or dialog.result_value is None:
            return
        rule = dialog.result_value
        self._change(
            draft.line_id,
            lambda book, w: jobs.save_rule(book, w, rule),
            lambda applied: f"Rule “{rule.name}” saved; it categorised {applied} line(s).",
            "save the rule",
            undoable=False,
        )

    def undo(self) -> None:
        """Ctrl+Z: take back the last change made here, else the chosen line's."""
        if self._busy:
            self._view.say("Still saving the last change…")
            return
        if self.undo_stack:
            line_id = self.undo_stack.pop()
        else:
            row = self._view.selected_row()
            if row is None or row.line_id is None or not row.cleared:
                self._view.say("Nothing to undo.")
                return
            line_id = row.line_id
        self._busy = True

        def done(_result: object) -> None:
            self._busy = False
            self._view.say(f"Undone: bank line {line_id} is uncleared again.")
            self._view.reload(keep=("line", line_id))

        def failed(exc: BaseException) -> None:
            self._busy = False
            report(self._view, exc, "undo")

        self._session.mutate(
            lambda book, w: jobs.undo(book, w, line_id), CHANGED, self, done, failed
        )

    # -- the statement ----------------------------------------------------------------------

    def _account(self) -> str | None:
        account = self._view.shown.account
        if account is None:
            self._view.say("Add a bank account and import a statement first.")
        return account

    def start(self) -> None:
        """Reconcile the account to a statement: its date and closing balance."""
        account = self._account()
        if account is None:
            return
        rows = [r for r in self._view.shown.rows if r.side is Side.STATEMENT]
        day = max((r.date for r in rows), default=None) or jobs.today()
        dialog = dialogs.StartDialog(day, self._view.style_(), self._view)
        if not dialog.exec() or dialog.result_value is None:
            return
        statement_date, closing = dialog.result_value
        self._session.mutate(
            lambda book, w: jobs.start(book, w, account, statement_date, closing),
            CHANGED,
            self,
            lambda _r: self._view.reload(),
            lambda exc: report(self._view, exc, "start the reconciliation"),
        )

    def finish(self) -> None:
        """Finish at a zero difference; the period locks."""
        account = self._account()
        if account is None:
            return
        self._session.mutate(
            lambda book, w: jobs.finish(book, w, account),
            CHANGED,
            self,
            lambda _r: self._done(f"{account} reconciled and locked."),
            lambda exc: report(self._view, exc, "finish the reconciliation"),
        )

    def unlock(self) -> None:
        """An administrator opens the last locked period again, with a reason."""
        account, through = self._view.shown.account, self._view.shown.locked_through
        if account is None or through is None:
            return
        dialog = dialogs.UnlockDialog(account, through, self._view)
        if not dialog.exec() or dialog.result_value is None:
            return
        reason = dialog.result_value
        self._session.mutate(
            lambda book, w: jobs.unlock(book, w, account, reason),
            CHANGED,
            self,
            lambda _r: self._done(f"{account} unlocked."),
            lambda exc: report(self._view, exc, "unlock the period"),
        )

    def _done(self, text: str) -> None:
        self._view.say(text)
        self._view.reload()

    def _report_date(self) -> jobs.ReportChoice | None:
        screen = self._view.shown
        day = screen.statement_date or (
            screen.history[0].statement_date if screen.history else None
        )
        if screen.account is None or day is None:
            self._view.say("There is no reconciliation to report on yet.")
            return None
        return jobs.ReportChoice(screen.account, day)

    def save_report(self) -> None:
        """Save the reconciliation statement as PDF or Excel."""
        choice = self._report_date()
        if choice is None:
            return
        name = f"reconciliation-{choice.statement_date.isoformat()}.pdf"
        path, _filter = QFileDialog.getSaveFileName(
            self._view, "Save reconciliation report", name, "PDF (*.pdf);;Excel (*.xlsx)"
        )
        if not path:
            return
        # The statement is made (and a finished one's PDF archived) on the database thread.
        self._session.query(
            lambda book, w: jobs.save_report(book, w, choice, Path(path)),
            lambda made: self._view.say(f"Saved {made.written}.{made.archive_words()}"),
            lambda exc: report(self._view, exc, "save the report"),
        )

    def print_report(self) -> None:
        """Print the reconciliation statement (a finished one's PDF is archived first)."""
        choice = self._report_date()
        if choice is None:
            return
        self._session.query(
            lambda book, w: jobs.report_pdf(book, w, choice),
            self._print,
            lambda exc: report(self._view, exc, "prepare the report"),
        )

    def _print(self, made: jobs.MadeReport) -> None:
        archive = made.archive_words()
        if archive:
            self._view.say(archive.strip())
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self._view).exec() != QDialog.DialogCode.Accepted:
            return
        try:
            pages = print_pdf(made.data, printer)
        except RuntimeError as exc:
            report(self._view, exc, "print the report")
            return
        self._view.say(f"Printed {pages} page(s).{archive}")
