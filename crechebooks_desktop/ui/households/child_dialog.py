"""Adding a child to a household, or changing a child's reference, names and date of birth."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLineEdit, QWidget

from crechebooks_desktop.domain.dates import iso_day
from crechebooks_desktop.domain.roster import ChildDetails, StoredChild
from crechebooks_desktop.ui.households import jobs
from crechebooks_desktop.ui.households.roster_dialog import RosterDialog
from crechebooks_desktop.ui.ops import BookSession


def typed_day(text: str) -> dt.date | None:
    """A date typed ``YYYY-MM-DD``; blank is None.

    Raises:
        ValueError: not such a date (the message says why).
    """
    return iso_day(text) if text.strip() else None


class ChildDialog(RosterDialog):
    """A child of the household ``household_ref``: new, or ``child`` changed.

    Signals:
        changed(object): the ``StoredChild`` as saved.
    """

    def __init__(
        self,
        session: BookSession,
        household_ref: str,
        child: StoredChild | None = None,
        parent: QWidget | None = None,
    ) -> None:
        adding = child is None
        if child is None:
            title, ok = f"Add a child to {household_ref}", "Add child"
        else:
            title, ok = f"Child {child.details.child_ref}", "Save"
        super().__init__(session, title, ok, parent)
        self._household_ref = household_ref
        self._child = child
        d = child.details if child else ChildDetails("", "", "")
        self.child_ref = QLineEdit(d.child_ref, placeholderText=f"{household_ref}-n")
        self.first_name = QLineEdit(d.first_name)
        self.last_name = QLineEdit(d.last_name)
        born = d.date_of_birth.isoformat() if d.date_of_birth else ""
        self.date_of_birth = QLineEdit(born, placeholderText="YYYY-MM-DD")
        hint = "blank: the household's reference and the next number" if adding else None
        self.form.add_row("child_ref", "Child reference", self.child_ref, hint)
        self.form.add_row("first_name", "First name", self.first_name)
        self.form.add_row("last_name", "Last name", self.last_name)
        self.form.add_row(
            "date_of_birth", "Date of birth", self.date_of_birth, "blank if not known"
        )
        self.finish_layout()
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        """Add or save through ``services.roster_edit.children``."""
        self.form.clear_problems()
        self.say("")
        try:
            born = typed_day(self.date_of_birth.text())
        except ValueError as exc:
            self.form.show_problems({"date_of_birth": str(exc)})
            self.grow()
            return
        details = ChildDetails(
            self.child_ref.text(), self.first_name.text(), self.last_name.text(), born
        )
        if self._child is None:
            household = self._household_ref
            self.run(lambda book, w: jobs.add_child(book, w, household, details), "add the child")
            return
        ref = self._child.details.child_ref
        self.run(lambda book, w: jobs.edit_child(book, w, ref, details), "save the child")
