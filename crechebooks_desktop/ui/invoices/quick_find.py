"""Quick find on the Invoices tab: suggestions under the search box as you type (issue 16).

The tab's search box already filters the list by words; quick find adds a
popup of the best invoices and households for what is typed (Ctrl+F goes to
the box). A pause in typing (``DELAY_MS``) asks the database thread; an
answer for text that has changed since is dropped. Choosing an invoice shows
it: the list turns to every month and no other filter, with its number as
the words, and selects it once read. Choosing a household filters the list
to it (every month, no other filter, no words).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QCompleter

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.invoices import find_jobs
from crechebooks_desktop.ui.invoices.filter_values import BarFilters
from crechebooks_desktop.ui.invoices.model import status_text

if TYPE_CHECKING:
    from crechebooks_desktop.services.lists.invoice_find import Suggestion
    from crechebooks_desktop.ui.invoices.jobs import ListOrder
    from crechebooks_desktop.ui.invoices.view import InvoicesView
    from crechebooks_desktop.ui.ops import BookSession

DELAY_MS = 150
"""Typing pauses this long before suggestions are asked for (one query, not one per key)."""
SHOWN = 10
"""Suggestions in the popup."""
POPUP_WIDTH = 460
"""The popup is at least this wide, and wide enough for its longest suggestion."""


class QuickFind(QObject):
    """The search box's suggestions, and what choosing one does to the list.

    Signals:
        suggested(object): suggestions for the box's text arrived (a tuple,
            possibly empty); the popup shows them.
        applied(object): the list shows the chosen suggestion (the invoice
            selected, or the household's invoices listed).
    """

    suggested = Signal(object)
    applied = Signal(object)

    def __init__(self, session: BookSession, view: InvoicesView) -> None:
        super().__init__(view)
        self._session = session
        self._view = view
        self._asked = ""
        self._choice: tuple[Suggestion, ListOrder] | None = None
        self.items = QStandardItemModel(self)
        self.completer = QCompleter(self.items, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(SHOWN)
        self.completer.setWidget(view.search)  # not setCompleter: a choice is not typed in
        chosen = self.completer.activated[QModelIndex]  # type: ignore[index] # the index overload
        chosen.connect(self._activated)
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self.ask)
        view.search.textEdited.connect(lambda _t: self._timer.start())
        view.loaded.connect(lambda _n: self._on_loaded())
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), view)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus)

    @property
    def popup(self) -> QAbstractItemView:
        """The suggestions' list."""
        popup = self.completer.popup()
        assert popup is not None  # noqa: S101 - a completer always makes one
        return popup

    def ask(self) -> None:
        """Ask for suggestions for the box's text now (typing asks after a pause)."""
        self._timer.stop()
        text = self._text()
        self._asked = text
        if not text or self._session.workplace is None:
            self._show(text, ())
            return
        self._session.query(
            lambda book, w: find_jobs.quick_find(book, w, text, SHOWN),
            lambda found: self._show(text, found),
            lambda exc: report(self._view, exc, "find invoices"),
        )

    def choose(self, suggestion: Suggestion) -> None:
        """Show ``suggestion`` in the list: select the invoice, or list the household's."""
        from crechebooks_desktop.services.lists.invoice_find import InvoiceSuggestion  # noqa: PLC0415

        self.popup.hide()
        if isinstance(suggestion, InvoiceSuggestion):
            self._filter_list(text=suggestion.number, household="")
        else:
            self._filter_list(text="", household=suggestion.household_ref)
        view = self._view
        order = view.current_filter()
        self._choice = (suggestion, order)
        if order != view.model.order or not view.model.is_open:
            view.apply_filters()  # the list reloads; ``_on_loaded`` selects
        else:
            self._on_loaded()

    # -- inside -----------------------------------------------------------------------------

    def _text(self) -> str:
        return " ".join(self._view.search.text().split())

    def _show(self, text: str, found: tuple[Suggestion, ...]) -> None:
        if text != self._asked or text != self._text():
            return  # the box has moved on: a newer answer is coming
        self.items.clear()
        for suggestion in found:
            item = QStandardItem(self._describe(suggestion))
            item.setData(suggestion, Qt.ItemDataRole.UserRole)
            item.setEditable(False)
            self.items.appendRow(item)
        if found and self._view.search.isVisible():
            box = self._view.search.rect()
            box.setWidth(max(box.width(), POPUP_WIDTH, self._content_width()))
            self.completer.complete(box)
            self.popup.setCurrentIndex(self.completer.completionModel().index(0, 0))  # Enter
        else:
            self.popup.hide()
        self.suggested.emit(found)

    def _content_width(self) -> int:
        """How wide the popup must be to show its longest suggestion whole."""
        popup = self.popup
        scrollbar = popup.verticalScrollBar()
        bar = scrollbar.sizeHint().width() if scrollbar is not None else 0
        return popup.sizeHintForColumn(0) + 2 * popup.frameWidth() + bar

    def _describe(self, suggestion: Suggestion) -> str:
        from crechebooks_desktop.services.lists.invoice_find import InvoiceSuggestion  # noqa: PLC0415

        if isinstance(suggestion, InvoiceSuggestion):
            total = format_rands(suggestion.total_cents, self._style())
            return (
                f"{suggestion.number}  —  {suggestion.household_ref}, {suggestion.parent_name}"
                f"  —  {total}, {status_text(suggestion.status)}"
            )
        names = ", ".join(n for n in (suggestion.parent_name, suggestion.second_parent_name) if n)
        count = suggestion.invoice_count
        return (
            f"Household {suggestion.household_ref}  —  {names}"
            f"  —  {count} invoice{'' if count == 1 else 's'}"
        )

    def _style(self) -> MoneyStyle:
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _activated(self, index: QModelIndex) -> None:
        suggestion = index.data(Qt.ItemDataRole.UserRole)
        if suggestion is not None:
            self.choose(suggestion)

    def _filter_list(self, *, text: str, household: str) -> None:
        """Every month, ``household`` (or any), no other filter, and ``text``; no reload yet.

        The one place that knows the filter bar's widgets; the bar remembers
        the choice as it remembers its own.
        """
        view = self._view
        with QSignalBlocker(view.month), QSignalBlocker(view.search):  # one reload, no popup
            _choose_none(view.month)
            view.search.setText(text)
        view.filter_bar.show_filters(BarFilters(households=(household,) if household else ()))
        view.filter_bar.remember()

    def _on_loaded(self) -> None:
        if self._choice is None:
            return
        suggestion, order = self._choice
        self._choice = None
        view = self._view
        if view.model.order != order:
            return  # the filters changed since: the choice no longer applies
        number = getattr(suggestion, "number", None)
        if number is not None:
            row = view.model.row_of_number(number)
            if row is not None:
                view.table.selectRow(row)
                view.table.scrollTo(view.model.index(row, 0))
        self.applied.emit(suggestion)

    def _focus(self) -> None:
        self._view.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._view.search.selectAll()


def _choose_none(box: QComboBox) -> None:
    """Select the box's item for "any" (its data is None)."""
    for index in range(box.count()):
        if box.itemData(index) is None:
            box.setCurrentIndex(index)
            return
