"""The import dialog's choice of CSV layout: recognise it, a bank's profile, or a saved one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QWidget

from crechebooks_desktop.ui.bank_mapping import jobs
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.ops import BookSession


class LayoutsCombo(QComboBox):
    """The layouts offered: recognise from the header, the banks', then the creche's saved ones.

    An item's data is the profile's name (None to recognise the layout), as
    ``importers.bank.layouts`` takes it.
    """

    def __init__(
        self,
        session: BookSession,
        banks: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._banks = session, tuple(banks)
        self._fill(())

    def _fill(self, saved: Sequence[str]) -> None:
        self.clear()
        self.addItem("Recognise from the header", None)
        for shown, name in self._banks:
            self.addItem(shown, name)
        for name in saved:
            self.addItem(f"{name} (saved)", name)

    def load(self, select: str | None = None) -> None:
        """Read the saved profiles (in the background); keep the choice, or choose ``select``."""

        def show(names: tuple[str, ...]) -> None:
            keep = select or self.currentData()
            self.blockSignals(True)  # the same choice: nothing to read again
            self._fill(names)
            self.setCurrentIndex(max(self.findData(keep), 0) if keep else 0)
            self.blockSignals(False)

        self._session.query(
            jobs.profile_names, show, lambda exc: report(self, exc, "list the CSV profiles")
        )

    def choice(self) -> str | None:
        """The profile chosen, or None to recognise the layout."""
        data = self.currentData()
        return str(data) if data else None
