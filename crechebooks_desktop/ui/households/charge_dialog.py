"""A charge for a child (late pick-up, trip, uniform, ...) that the next invoice picks up."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from crechebooks_desktop.domain.enums import LineType, VatTreatment
from crechebooks_desktop.domain.money import MoneyError, parse_rands
from crechebooks_desktop.domain.roster import CHARGE_LINE_TYPES
from crechebooks_desktop.ui.common.forms import date_edit, day_of
from crechebooks_desktop.ui.households import jobs
from crechebooks_desktop.ui.households.enrolment_dialog import words
from crechebooks_desktop.ui.households.roster_dialog import RosterDialog
from crechebooks_desktop.ui.ops import BookSession


class ChargeDialog(RosterDialog):
    """A charge for the child ``child_ref``, through ``charges_and_endings.add_charge``.

    Signals:
        changed(object): the ``ChargeValue`` as recorded.
    """

    def __init__(
        self,
        session: BookSession,
        child_ref: str,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, f"Add a charge for {child_ref}", "Add charge", parent)
        self._child_ref = child_ref
        self.line_type = QComboBox()
        for line_type in CHARGE_LINE_TYPES:
            self.line_type.addItem(words(line_type), line_type.value)
        self.amount = QLineEdit(placeholderText="0.00")
        self.date = date_edit(today or dt.date.today())  # noqa: DTZ011
        self.description = QLineEdit(placeholderText="as it reads on the invoice")
        self.exempt = QCheckBox("VAT exempt (ad-hoc charges only)")
        self.line_type.currentIndexChanged.connect(lambda _i: self._ad_hoc_only())
        self.form.add_row("line_type", "Type", self.line_type)
        self.form.add_row("amount", "Amount", self.amount)
        self.form.add_row("charge_date", "Date", self.date, "billed on that month's invoice")
        self.form.add_row("description", "Description", self.description)
        self.form.add_row("vat", "VAT", self.exempt)
        self._ad_hoc_only()
        self.finish_layout()
        self.resize(460, self.sizeHint().height())

    def _ad_hoc_only(self) -> None:
        ad_hoc = self.line_type.currentData() == LineType.AD_HOC.value
        self.exempt.setEnabled(ad_hoc)
        if not ad_hoc:
            self.exempt.setChecked(False)

    def submit(self) -> None:
        """Record the charge."""
        self.form.clear_problems()
        self.say("")
        try:
            cents = parse_rands(self.amount.text())
        except MoneyError as exc:
            self.form.show_problems({"amount": str(exc)})
            self.grow()
            return
        line_type = LineType(self.line_type.currentData())
        vat = None
        if line_type is LineType.AD_HOC:
            vat = VatTreatment.EXEMPT if self.exempt.isChecked() else VatTreatment.STANDARD
        charge = jobs.NewCharge(
            self._child_ref, line_type, cents, day_of(self.date),
            self.description.text().strip() or None, vat,
        )  # fmt: skip
        self.run(lambda book, w: jobs.add_charge(book, w, charge), "add the charge")
