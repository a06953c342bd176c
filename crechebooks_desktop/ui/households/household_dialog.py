"""Adding a household, or changing one's parents, contacts and account reference."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from crechebooks_desktop.domain.roster import HouseholdDetails, StoredHousehold
from crechebooks_desktop.ui.households import jobs
from crechebooks_desktop.ui.households.roster_dialog import RosterDialog
from crechebooks_desktop.ui.ops import BookSession

# (key as the service names it, label, hint)
_FIELDS = (
    (
        "account_ref",
        "Account reference",
        "unique in the creche, e.g. DLAMINI01; parents pay with it",
    ),
    ("parent_name", "Parent / guardian", None),
    ("second_parent_name", "Second parent / guardian", None),
    ("email", "E-mail", "where invoices and statements are sent"),
    ("phone", "Phone", None),
    ("address", "Address", "printed on invoices and statements"),
)


class HouseholdDialog(RosterDialog):
    """The household's details; OK adds it, or saves the changes to ``household``.

    Signals:
        changed(object): the ``StoredHousehold`` as saved.
    """

    def __init__(
        self,
        session: BookSession,
        household: StoredHousehold | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if household is None:
            title, ok = "Add a household", "Add household"
        else:
            title, ok = f"Household {household.details.account_ref}", "Save"
        super().__init__(session, title, ok, parent)
        self._household = household
        self.fields: dict[str, QLineEdit] = {}
        for key, label, hint in _FIELDS:
            value = getattr(household.details, key) if household else None
            self.fields[key] = self.form.add_row(key, label, QLineEdit(value or ""), hint)  # type: ignore[assignment]
        self.finish_layout()
        self.resize(520, self.sizeHint().height())

    def typed(self) -> HouseholdDetails:
        """The details as typed (the service strips and checks them)."""
        return HouseholdDetails(**{key: field.text() for key, field in self.fields.items()})

    def submit(self) -> None:
        """Add or save through ``services.roster_edit.households``."""
        self.form.clear_problems()
        details = self.typed()
        if self._household is None:
            self.run(lambda book, w: jobs.add_household(book, w, details), "add the household")
            return
        ref = self._household.details.account_ref
        self.run(lambda book, w: jobs.edit_household(book, w, ref, details), "save the household")
