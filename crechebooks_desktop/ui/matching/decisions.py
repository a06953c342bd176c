"""What the Matching tab's keys and buttons do: decide lines, undo, run matching, bulk accept.

The keyboard map (on the queue):

======== ===========================================================
Up/Down  move in the queue
Enter    accept the chosen candidate (the best one unless another is
         chosen; clicking a candidate chooses it); a link candidate
         links the line to the payment recorded by hand, paying nothing
1-9      choose candidate N and accept it at once
R        reject: not a household's money
P        park, with a note
S        split into parts that add up to the line
H        accept for a household chosen by hand
Ctrl+Z   undo the last decision made in this session; when there is
         none, the chosen line's decision
======== ===========================================================

After a decision the queue reloads and the selection moves on to the next
line still waiting (never back to the top). Every decision is a mutation on
the database thread announcing ``Changes(bank, ledger, invoices)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence

from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.matching import dialogs, jobs
from crechebooks_desktop.ui.matching.jobs import (
    DECIDABLE_KINDS,
    OPEN_KINDS,
    Kind,
    QueueEntry,
    QueueRow,
)
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.ui.matching.view import MatchingView
    from crechebooks_desktop.ui.ops import Workplace

DECIDED = Changes(bank=True, ledger=True, invoices=True)
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
_UNDOABLE = frozenset(
    {Kind.AUTO, Kind.ACCEPTED, Kind.LINKED, Kind.PARKED, Kind.REJECTED, Kind.SPLIT}
)


@dataclass(frozen=True, slots=True)
class Move:
    """Where the selection goes after the queue reloads.

    Attributes:
        line_id: the line just decided (or to show).
        position: its row in the filtered list before the change.
        stay: select that line itself (after an undo) rather than the next.
    """

    line_id: int
    position: int
    stay: bool = False


class Decisions(QObject):
    """Runs the tab's decisions and keeps the session's undo list."""

    def __init__(self, view: MatchingView, session: BookSession) -> None:
        super().__init__(view)
        self._view = view
        self._session = session
        self._busy = False
        self.undo_stack: list[int] = []
        """Lines decided in this session, newest last (Ctrl+Z takes them back in turn)."""
        view.table.installEventFilter(self)
        view.panel.table.installEventFilter(self)  # after a candidate is clicked
        undo = QAction("Undo decision", view)
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.triggered.connect(self.undo)
        view.addAction(undo)

    # -- keys -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Decision keys on the queue; everything else goes on to the table."""
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
        if key in _DIGITS:
            n = _DIGITS[key]
            return lambda: self.accept(n)
        return {
            Qt.Key.Key_Return: self.accept,
            Qt.Key.Key_Enter: self.accept,
            Qt.Key.Key_R: self.reject,
            Qt.Key.Key_P: self.park,
            Qt.Key.Key_S: self.split,
            Qt.Key.Key_H: self.choose_household,
        }.get(key)

    # -- the decisions ------------------------------------------------------------------------

    def _line(self, kinds: frozenset[Kind], doing: str) -> QueueEntry | None:
        """The current line, if it can be decided that way; otherwise say why not."""
        line = self._view.selected_line()
        if line is None:
            self._view.say("Choose a line first.")
            return None
        if self._busy:
            self._view.say("Still saving the last decision…")
            return None
        if line.kind not in kinds:
            self._view.say(
                f"This line is {line.kind.value.lower()}: it cannot be {doing}"
                + (" (Ctrl+Z undoes its decision)." if line.kind in _UNDOABLE else ".")
            )
            return None
        return line

    def accept(self, candidate_number: int | None = None) -> None:
        """Accept the chosen candidate, or candidate N (1 is the best)."""
        line = self._line(DECIDABLE_KINDS, "accepted")
        if line is None:
            return
        if not self._view.panel_shows(line.line_id):  # read when the line was chosen
            self._view.say("Still reading this line's suggestions…")
            return
        panel = self._view.panel
        if candidate_number is not None:
            candidate = panel.select_candidate(candidate_number - 1)
            if candidate is None:
                self._view.say(f"This line has no candidate {candidate_number}.")
                return
        else:
            candidate = panel.selected_candidate()
            if candidate is None:
                self._view.say("No household is suggested: press H to choose one.")
                return
        if candidate.is_link:
            self._link(line, candidate)
        else:  # chosen over any link shown above it: a new payment, on purpose
            self._accept(line, candidate.household_ref, candidate.invoice_numbers, new=True)

    def _accept(
        self, line: QueueEntry, ref: str, numbers: tuple[str, ...], *, new: bool = False
    ) -> None:
        money = format_rands(line.amount_cents, self._view.style_())
        self._decide(
            line,
            lambda book, w: jobs.accept(book, w, line.line_id, ref, numbers, new_payment=new),
            f"accept the line for {ref}",
            f"Accepted {money} for {ref} — Ctrl+Z to undo",
        )

    def _link(self, line: QueueEntry, candidate: jobs.CandidateView) -> None:
        payment_id = candidate.payment_id
        assert payment_id is not None  # noqa: S101 - a link names its payment
        money = format_rands(line.amount_cents, self._view.style_())
        self._decide(
            line,
            lambda book, w: jobs.link(book, w, line.line_id, payment_id),
            f"link the line to payment {payment_id}",
            f"Linked {money} to payment {payment_id} of {candidate.household_ref} "
            "(no new payment) — Ctrl+Z to undo",
        )

    def reject(self) -> None:
        """Not a household's money (bank interest, a supplier's refund)."""
        line = self._line(DECIDABLE_KINDS, "rejected")
        if line is not None:
            money = format_rands(line.amount_cents, self._view.style_())
            self._decide(
                line,
                lambda book, w: jobs.reject(book, w, line.line_id),
                "reject the line",
                f"Rejected {money} from {line.who} — Ctrl+Z to undo",
            )

    def park(self) -> None:
        """Set the line aside with a note."""
        line = self._line(OPEN_KINDS, "parked")
        if line is None:
            return
        money = format_rands(line.amount_cents, self._view.style_())
        dialog = dialogs.ParkDialog(f"{money} from {line.who}", self._view)
        if not dialog.exec() or dialog.result_value is None:
            return
        note = dialog.result_value
        self._decide(
            line,
            lambda book, w: jobs.park(book, w, line.line_id, note),
            "park the line",
            f"Parked {money} from {line.who} — Ctrl+Z to undo",
        )

    def split(self) -> None:
        """Split the line into parts that add up to it."""
        line = self._line(DECIDABLE_KINDS, "split")
        if line is None:
            return
        if line.split_parent_id is not None:
            self._view.say("This line is a part of a split line already.")
            return
        dialog = dialogs.SplitDialog(line.amount_cents, self._view.style_(), self._view)
        if not dialog.exec() or dialog.result_value is None:
            return
        parts = dialog.result_value
        self._decide(
            line,
            lambda book, w: jobs.split(book, w, line.line_id, parts),
            "split the line",
            f"Split into {len(parts)} parts, scored for review — Ctrl+Z joins them",
        )

    def choose_household(self) -> None:
        """Accept the line for a household picked from the list."""
        line = self._line(DECIDABLE_KINDS, "accepted")
        if line is None:
            return

        def ask(refs: list[str]) -> None:
            best = self._view.panel.selected_candidate()
            what = f"{format_rands(line.amount_cents, self._view.style_())} from {line.who}"
            dialog = dialogs.HouseholdDialog(
                what, refs, best.household_ref if best else None, self._view
            )
            if dialog.exec() and dialog.result_value:
                self._accept(line, dialog.result_value, ())

        self._session.query(
            jobs.household_refs, ask, lambda exc: report(self._view, exc, "list the households")
        )

    def _decide(
        self,
        line: QueueEntry,
        change: Callable[[Book, Workplace], object],
        doing: str,
        said: str,
    ) -> None:
        self._busy = True
        move = Move(line.line_id, self._view.current_position())

        def done(result: object) -> None:
            self._busy = False
            self.undo_stack.append(line.line_id)
            self._view.say(said)
            if isinstance(result, jobs.Decided):  # no need to read them all
                self._view.show_decided(result.row, move, result.others)
            elif isinstance(result, QueueRow):  # one line changed
                self._view.show_decided(result, move)
            else:  # a split: its parts are new lines
                self._view.reload(move)
            self._view.table.setFocus()  # the keys work on the queue again

        def failed(exc: BaseException) -> None:
            self._busy = False
            report(self._view, exc, doing)
            self._view.reload(Move(line.line_id, move.position, stay=True))

        self._session.mutate(change, DECIDED, self, done, failed)

    def undo(self) -> None:
        """Take back the last decision of this session (or the chosen line's)."""
        if self._busy:
            self._view.say("Still saving the last decision…")
            return
        if self.undo_stack:
            line_id = self.undo_stack[-1]
        else:
            line = self._view.selected_line()
            if line is None or line.kind not in _UNDOABLE:
                self._view.say("Nothing to undo.")
                return
            line_id = line.line_id
        self._run_undo(line_id)

    def _run_undo(self, line_id: int) -> None:
        self._busy = True
        position = self._view.current_position()

        def done(row: jobs.QueueRow) -> None:
            self._busy = False
            if self.undo_stack and self.undo_stack[-1] == line_id:
                self.undo_stack.pop()
            joined = row.kind is Kind.NEW and row.decision is None
            what = "joined its parts again" if joined else "back to review"
            self._view.say(
                f"Undone: {format_rands(row.amount_cents, self._view.style_())} "
                f"from {row.who} is {what}"
            )
            move = Move(line_id, position, stay=True)
            if joined:  # its parts are gone
                self._view.reload(move)
            else:
                self._view.show_decided(row, move)

        def failed(exc: BaseException) -> None:
            self._busy = False
            if self.undo_stack and self.undo_stack[-1] == line_id:
                self.undo_stack.pop()  # it cannot be undone: do not offer it again
            report(self._view, exc, "undo the decision")
            self._view.reload()

        self._session.mutate(
            lambda book, w: jobs.undo(book, w, line_id), DECIDED, self, done, failed
        )

    # -- the buttons --------------------------------------------------------------------------

    def start_matching(self) -> None:
        """Run matching in the background, with progress and Cancel."""
        from crechebooks_desktop.services.tasks import Cancelled  # noqa: PLC0415
        from crechebooks_desktop.ui.matching.progress import task_with_progress  # noqa: PLC0415

        progress, task = task_with_progress(self._view, "Matching", "Matching bank lines…")

        def finished(summary: jobs.RunSummary) -> None:
            progress.reset()
            self._view.say(
                f"Matched {summary.lines} lines: {summary.auto_applied} auto-applied, "
                f"{summary.review} to review, {summary.no_match} with no match"
            )
            self._view.reload()
            self._view.matched.emit(summary)

        def failed(exc: BaseException) -> None:
            progress.reset()
            if isinstance(exc, Cancelled):
                self._view.say("Matching stopped; nothing was changed.")
            else:
                report(self._view, exc, "run matching")

        self._session.mutate(
            lambda book, w: jobs.run_matching(book, w, task), DECIDED, self, finished, failed
        )
        progress.show()
        self.progress = progress

    def accept_all(self, min_score: int) -> None:
        """Say how many lines a bulk accept takes, and accept them if the user agrees."""

        def counted(count: int) -> None:
            if count == 0:
                self._view.say(f"No line's best match scores {min_score} or more on its own.")
                return
            lines = f"{count} line{'s' if count != 1 else ''}"
            text = f"Accept {lines} whose best match scores {min_score} or more?"
            if dialogs.confirm(self._view, "Accept all", text, f"Accept {count}"):
                self._accept_all(min_score)

        self._session.query(
            lambda book, w: jobs.count_accept_all(book, w, min_score),
            counted,
            lambda exc: report(self._view, exc, "count the lines"),
        )

    def _accept_all(self, min_score: int) -> None:
        def done(rows: list[QueueRow]) -> None:
            total = sum(r.amount_cents for r in rows)
            self._view.say(
                f"Accepted {len(rows)} lines, {format_rands(total, self._view.style_())} in all"
            )
            self._view.reload()

        self._session.mutate(
            lambda book, w: jobs.accept_all(book, w, min_score),
            DECIDED,
            self,
            done,
            lambda exc: report(self._view, exc, "accept the lines"),
        )

    def import_statement(self) -> None:
        """The Import statement dialog; then, if asked, a matching run."""
        from crechebooks_desktop.ui.matching.import_dialog import ImportDialog  # noqa: PLC0415

        dialog = ImportDialog(self._session, self._view)
        self.import_dialog = dialog
        if dialog.exec() and dialog.run_matching_wanted:
            self.start_matching()
        elif dialog.imported:
            self._view.reload()
