"""The Settings dialog (issue 13): everything a creche configures, changed all or nothing.

Fields hold the settings as text, as ``settings set`` takes them; Save sends
only the ones changed to ``creches.change_settings``, which checks every one
before writing any. A refused value is shown beside its field in the service's
own words (its page comes to the front) and nothing is written. The SMTP
password goes to the keyring, never the book, as ``settings set smtp-password``
does; where this computer has no keyring the dialog says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyError, MoneyStyle, format_rands, parse_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.admin import jobs
from crechebooks_desktop.ui.common.forms import FieldForm, FormDialog, error_label
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.domain.creche import CrecheSettings

_SETTINGS_CHANGED = Changes(settings=True)
_MONEY_STYLES = (
    ("R 1 234,56 (space and comma)", MoneyStyle.SPACE_COMMA.name),
    ("R1,234.56 (comma and dot)", MoneyStyle.COMMA_DOT.name),
)
_SECURITY = (
    ("STARTTLS (usually port 587)", "starttls"),
    ("SSL/TLS (usually port 465)", "ssl"),
    ("None (usually port 25)", "none"),
)
_SMTP_KEYS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_from")
REMINDER_KEY = "reminder_min_cents"


def setting_text(creche: CrecheSettings, key: str) -> str:
    """A setting as ``settings set`` takes it: blank for none, yes/no for a switch."""
    value = getattr(creche, key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class SettingsDialog(FormDialog):
    """The creche's settings on four pages: creche, invoices, banking, e-mail.

    Signals:
        loaded(): the settings were read and are shown.
        saved(object): the ``CrecheSettings`` after a save.
        password_done(str): what became of a "Set password…" (stored, or why not).
    """

    loaded = Signal()
    saved = Signal(object)
    password_done = Signal(str)

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__("Settings", "Save", parent)
        self._session = session
        self._initial: dict[str, str] = {}
        self._style = MoneyStyle.SPACE_COMMA
        self.fields: dict[str, QWidget] = {}
        self.forms: list[FieldForm] = []
        self.pages = QTabWidget()
        self._build_pages()
        self.body.addWidget(self.pages)
        self.finish_layout()
        self.set_busy(True)
        self.resize(660, self.sizeHint().height())
        session.query(jobs.load_settings, self._show, lambda exc: self.show_failure(exc, "read"))

    # -- building ------------------------------------------------------------------------

    def _page(self, title: str) -> FieldForm:
        form = FieldForm()
        self.forms.append(form)
        self.pages.addTab(form, title)
        return form

    def _line(self, form: FieldForm, key: str, label: str, hint: str | None = None) -> QLineEdit:
        edit = QLineEdit()
        self.fields[key] = form.add_row(key, label, edit, hint)
        return edit

    def _combo(
        self, form: FieldForm, key: str, label: str, items: tuple[tuple[str, str], ...]
    ) -> None:
        combo = QComboBox()
        for text, value in items:
            combo.addItem(text, value)
        self.fields[key] = form.add_row(key, label, combo)

    def _build_pages(self) -> None:
        creche = self._page("Creche")
        self._line(creche, "name", "Name")
        self._line(
            creche, "trading_name", "Trading name", "if the creche trades under another name"
        )
        self._line(creche, "address", "Address", "one line, as printed on documents")
        self._line(creche, "phone", "Phone")
        self._line(creche, "email", "E-mail")
        self._line(creche, "vat_number", "VAT number", "blank: not VAT-registered")
        include = QCheckBox("Fees and prices include VAT")
        self.fields["prices_include_vat"] = creche.add_row("prices_include_vat", "", include)
        invoices = self._page("Invoices")
        self._line(invoices, "invoice_prefix", "Invoice prefix", "e.g. INV gives INV-2026-000123")
        self._line(invoices, "due_day", "Due on day", "of the billing month, 1 to 28")
        self._line(
            invoices, "sibling_discounts", "Sibling discounts",
            "percent by child, eldest first: 0,10,15 (blank: none)",
        )  # fmt: skip
        self._combo(invoices, "money_style", "Money shown as", _MONEY_STYLES)
        self._line(
            invoices, "billing_day", "Bill automatically on day",
            "the month's invoices are made on this day (blank: bill by hand)",
        )  # fmt: skip
        self._line(
            invoices, REMINDER_KEY, "Remind from",
            "households owing less than this get no reminder",
        )  # fmt: skip
        banking = self._page("Banking")
        self._line(banking, "bank_name", "Bank")
        self._line(banking, "bank_account_name", "Account name")
        self._line(
            banking, "bank_account_number", "Account number",
            "printed on invoices and statements; without it they ask parents to ask the office",
        )  # fmt: skip
        self._line(banking, "bank_branch_code", "Branch code")
        self._line(
            banking, "categorise_confidence", "Apply learned categories from",
            "percent confidence, 0 to 100, for bank lines; below it a person decides",
        )  # fmt: skip
        mail = self._page("E-mail")
        self._line(mail, "smtp_host", "Mail server", "e.g. mail.example.co.za (blank: print)")
        self._line(mail, "smtp_port", "Port", "blank: the usual one for the security chosen")
        self._combo(mail, "smtp_security", "Security", _SECURITY)
        self._line(mail, "smtp_user", "Login", "blank if the server needs no login")
        self._line(mail, "smtp_from", "Send from", "the address parents see and reply to")
        self.password_button = QPushButton("Set password…")
        self.password_button.clicked.connect(self._ask_password)
        self.password_note = error_label()
        self.password_note.setObjectName("fieldHint")
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.password_button)
        line.addWidget(self.password_note, 1)
        mail.add_row("smtp_password", "Password", row)
        self.permission_note = QLabel()
        self.permission_note.setWordWrap(True)
        self.permission_note.hide()
        self.body.addWidget(self.permission_note)

    # -- values --------------------------------------------------------------------------

    def text_of(self, key: str) -> str:
        """What the field ``key`` holds, as ``settings set`` takes it (the reminder in Rand)."""
        field = self.fields[key]
        if isinstance(field, QCheckBox):
            return "yes" if field.isChecked() else "no"
        if isinstance(field, QComboBox):
            return str(field.currentData())
        return cast("QLineEdit", field).text()

    def set_text(self, key: str, text: str) -> None:
        """Put ``text`` (as ``text_of`` gives it) in the field ``key``."""
        field = self.fields[key]
        if isinstance(field, QCheckBox):
            field.setChecked(text == "yes")
        elif isinstance(field, QComboBox):
            field.setCurrentIndex(max(field.findData(text), 0))
        else:
            cast("QLineEdit", field).setText(text)

    def _show(self, screen: jobs.SettingsScreen) -> None:
        creche = screen.creche
        self._style = MoneyStyle[creche.money_style]
        for key in self.fields:
            text = setting_text(creche, key)
            if key == REMINDER_KEY:
                text = format_rands(creche.reminder_min_cents, self._style)
            self.set_text(key, text)
            self._initial[key] = self.text_of(key)
        self._keyring(screen.no_keyring)
        workplace = self._session.workplace
        may = workplace is not None and workplace.actor.can(Permission.MANAGE_SETTINGS)
        if not may:
            self.permission_note.setText(
                "Only an administrator can change the creche's settings; they are shown here."
            )
            self.permission_note.show()
            for form in self.forms:
                form.setEnabled(False)
        self.set_busy(not may)
        self.loaded.emit()

    def _keyring(self, no_keyring: str | None) -> None:
        if no_keyring is None:
            self.password_note.setText("Kept in this computer's keyring, never in the book.")
            return
        self.password_button.setEnabled(False)
        self.password_note.setText(f"{no_keyring[:1].upper()}{no_keyring[1:]}.")

    def changed_values(self) -> dict[str, str]:
        """The settings changed since they were read, as the service takes them.

        Raises:
            MoneyError: the reminder minimum is not an amount (said beside it).
        """
        values = {k: self.text_of(k) for k in self.fields if self.text_of(k) != self._initial[k]}
        if REMINDER_KEY in values:
            values[REMINDER_KEY] = str(parse_rands(values[REMINDER_KEY]))
        return values

    # -- saving ----------------------------------------------------------------------------

    def submit(self) -> None:
        """Save what changed, all or nothing."""
        for form in self.forms:
            form.clear_problems()
        self.say("")
        try:
            values = self.changed_values()
        except MoneyError as exc:
            self.show_problems({REMINDER_KEY: str(exc)})
            self.say(f"{REMINDER_KEY}: {exc}; nothing was changed")
            return
        if not values:
            self.accept()
            return
        self.set_busy(True)
        self._session.mutate(
            lambda book, w: jobs.save_settings(book, w, values),
            _SETTINGS_CHANGED,
            self,
            self._saved,
            self._refused,
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem beside its field, the first such page in front."""
        first = None
        for index, form in enumerate(self.forms):
            mine = {k: v for k, v in problems.items() if k in self._keys_of(form)}
            form.show_problems(mine)
            if mine and first is None:
                first = index
        if first is not None:
            self.pages.setCurrentIndex(first)

    def _keys_of(self, form: FieldForm) -> set[str]:
        return {k for k, field in self.fields.items() if form.isAncestorOf(field)}

    def problem(self, key: str) -> str:
        """What is shown as wrong beside the field ``key``."""
        for form in self.forms:
            if form.isAncestorOf(self.fields[key]):
                return form.problem(key)
        return ""

    def _refused(self, error: BaseException) -> None:
        from crechebooks_desktop.services.admin.creches import SettingsRefused  # noqa: PLC0415

        if isinstance(error, SettingsRefused):
            self.show_problems(error.problems)
        self.show_failure(error, "save the settings")

    def _saved(self, creche: CrecheSettings) -> None:
        workplace = self._session.workplace
        if workplace is not None:
            self._session.set_workplace(replace(workplace, creche=creche))
        self.saved.emit(creche)
        self.accept()

    # -- the SMTP password -------------------------------------------------------------------

    def _ask_password(self) -> None:
        password, ok = QInputDialog.getText(
            self, "SMTP password", "Password:", QLineEdit.EchoMode.Password
        )
        if ok:
            self.set_smtp_password(password)

    def set_smtp_password(self, password: str) -> None:
        """Store the password for the mailbox as saved (not as typed and unsaved)."""
        if any(self.text_of(k) != self._initial[k] for k in _SMTP_KEYS):
            self._password_result("Save the mail server settings first, then set the password.")
            return
        self.password_button.setEnabled(False)
        self._session.run(
            lambda: jobs.store_smtp_password(
                self._session.book(), self._require_workplace(), password
            ),
            self._password_result,
            self._password_failed,
        )

    def _require_workplace(self) -> Workplace:
        workplace = self._session.workplace
        if workplace is None:
            raise RuntimeError("no creche chosen yet")
        return workplace

    def _password_failed(self, error: BaseException) -> None:
        from crechebooks_desktop.errors import UserFacingError  # noqa: PLC0415

        if isinstance(error, UserFacingError):
            self._password_result(str(error))
        else:
            self._password_result("")
            self.show_failure(error, "store the password")

    def _password_result(self, text: str) -> None:
        self.password_button.setEnabled(True)
        self.password_note.setText(text)
        self.password_done.emit(text)
