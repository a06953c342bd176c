"""What the Households tab's change dialogs share: a refused field is said beside it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from crechebooks_desktop.ui.common.forms import ChangeDialog
from crechebooks_desktop.ui.ops import BookSession, Changes

ROSTER_CHANGED = Changes(roster=True)


class RosterDialog(ChangeDialog):
    """A ``ChangeDialog`` whose refusals (``RosterRefused``) show beside each field too.

    The whole refusal stays in the error line as well, in the command line's words.

    Signals:
        changed(object): the change's result (the dialog then closes).
    """

    def __init__(
        self, session: BookSession, title: str, ok_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, title, ok_text, ROSTER_CHANGED, parent)

    def show_failure(self, error: BaseException, doing: str) -> None:
        """Each refused field's problem beside it, and the refusal in the error line."""
        from crechebooks_desktop.services.roster.checks import RosterRefused  # noqa: PLC0415

        if isinstance(error, RosterRefused):
            self.form.show_problems(error.problems)
        super().show_failure(error, doing)
        self.grow()

    def grow(self) -> None:
        """Make room for the messages just shown, rather than squeezing the fields."""
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def problem(self, key: str) -> str:
        """What is shown as wrong beside the field ``key``."""
        return self.form.problem(key)
