"""One household under the list: its details, its children and each child's enrolments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import format_plain
from crechebooks_desktop.domain.roster import StoredChild

if TYPE_CHECKING:  # the services load on the database thread, after the window shows
    from crechebooks_desktop.services.roster.enrolments import EnrolmentValue
    from crechebooks_desktop.services.roster.household_view import HouseholdDetail

_ROW = Qt.ItemDataRole.UserRole
HEADERS = ("Child / enrolment", "Fee structure", "From", "To", "Status", "Terms")


def _terms(enrolment: EnrolmentValue) -> str:
    t = enrolment.terms
    parts = []
    if t.custom_amount_cents is not None:
        parts.append(f"R {format_plain(t.custom_amount_cents)} a month")
    if t.hours_per_month is not None:
        parts.append(f"{t.hours_per_month} hours a month")
    parts += [
        f"{(e.description or e.line_type.value)} R {format_plain(e.amount_cents)}" for e in t.extras
    ]
    return "; ".join(parts)


class HouseholdDetailPanel(QWidget):
    """The chosen household's details and a tree of its children and their enrolments.

    Signals:
        selection_changed(): another child or enrolment was chosen.
    """

    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Choose a household to see its children and enrolments.")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(lambda *_: self.selection_changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree)
        self.detail: HouseholdDetail | None = None

    def show_detail(self, detail: HouseholdDetail | None) -> None:
        """Show ``detail`` (None: nothing chosen), keeping the chosen child or enrolment."""
        kept = self._current_key()
        self.detail = detail
        self.tree.clear()
        if detail is None:
            self.heading.setText("Choose a household to see its children and enrolments.")
            self.selection_changed.emit()
            return
        d = detail.household.details
        parents = " and ".join(p for p in (d.parent_name, d.second_parent_name) if p)
        contacts = " · ".join(v for v in (d.email, d.phone, d.address) if v)
        self.heading.setText(f"<b>{d.account_ref}</b> — {parents}<br>{contacts or 'no contacts'}")
        for entry in detail.children:
            item = self._child_item(entry.child)
            for enrolment in entry.enrolments:
                item.addChild(self._enrolment_item(enrolment))
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        self._restore(kept)
        self.selection_changed.emit()

    def _child_item(self, child: StoredChild) -> QTreeWidgetItem:
        c = child.details
        born = f"born {c.date_of_birth:%d %b %Y}" if c.date_of_birth else ""
        item = QTreeWidgetItem([f"{c.name} ({c.child_ref})", "", "", "", born, ""])
        item.setData(0, _ROW, ("child", child))
        return item

    def _enrolment_item(self, enrolment: EnrolmentValue) -> QTreeWidgetItem:
        t = enrolment.terms
        item = QTreeWidgetItem(
            [
                f"Enrolment {enrolment.enrolment_id}",
                enrolment.fee_name,
                f"{t.start_date:%d %b %Y}",
                f"{t.end_date:%d %b %Y}" if t.end_date else "—",
                enrolment.status.value.capitalize(),
                _terms(enrolment),
            ]
        )
        item.setData(0, _ROW, ("enrolment", enrolment))
        return item

    def _current_key(self) -> tuple[str, int] | None:
        item = self.tree.currentItem()
        return None if item is None else self._key_of(item)

    def _items(self) -> list[QTreeWidgetItem]:
        """Every child and enrolment item, in the order shown."""
        found: list[QTreeWidgetItem] = []
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top is not None:
                found += [top, *filter(None, (top.child(i) for i in range(top.childCount())))]
        return found

    def _restore(self, key: tuple[str, int] | None) -> None:
        items = self._items()
        chosen = next((i for i in items if key is not None and self._key_of(i) == key), None)
        if chosen is None and items:
            chosen = items[0]
        if chosen is not None:
            self.tree.setCurrentItem(chosen)

    @staticmethod
    def _key_of(item: QTreeWidgetItem) -> tuple[str, int]:
        kind, value = item.data(0, _ROW)
        return (kind, value.enrolment_id if kind == "enrolment" else value.id)

    def select(self, kind: str, row_id: int) -> None:
        """Choose the child (``"child"``) or enrolment (``"enrolment"``) with this id."""
        self._restore((kind, row_id))

    def selected_child(self) -> StoredChild | None:
        """The chosen child, or the child of the chosen enrolment."""
        item = self.tree.currentItem()
        if item is None:
            return None
        child: StoredChild = (item.parent() or item).data(0, _ROW)[1]
        return child

    def selected_enrolment(self) -> EnrolmentValue | None:
        """The chosen enrolment, if an enrolment (not a child) is chosen."""
        item = self.tree.currentItem()
        if item is None or item.parent() is None:
            return None
        enrolment: EnrolmentValue = item.data(0, _ROW)[1]
        return enrolment
