"""What the administrator's dialogs ask of the book; each function runs on the database thread.

Each takes the open book and the workplace, calls the same service as the
command line (so the same checks, audit records and messages), and returns
plain values. Services load here rather than at import, so the window shows first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.repositories.tenancy import UserValue
    from crechebooks_desktop.domain.bank import BankAccountRecord
    from crechebooks_desktop.domain.creche import CrecheSettings
    from crechebooks_desktop.services.admin.users import AddedUser, SetUpCode


@dataclass(frozen=True, slots=True)
class SettingsScreen:
    """The creche's settings, and why the SMTP password cannot be kept here (None: it can)."""

    creche: CrecheSettings
    no_keyring: str | None


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user as typed in the Add user dialog."""

    username: str
    full_name: str | None
    role: Role
    password: str | None  # None: they get a one-time set-up code


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A bank account as typed in the Add account dialog."""

    name: str
    bank: str
    number: str | None
    opening_balance_cents: int
    opening_as_of: dt.date | None


# -- settings ---------------------------------------------------------------------------


def load_settings(book: Book, workplace: Workplace) -> SettingsScreen:
    """The creche's settings as stored now, and whether a keyring can keep the SMTP password."""
    from crechebooks_desktop.errors import UserFacingError  # noqa: PLC0415
    from crechebooks_desktop.integrations.smtp_password import check_keyring  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        creche = uow.tenants.get(workplace.creche.tenant_id)
    if creche is None:  # pragma: no cover - the workplace was resolved in this book
        raise RuntimeError("the creche is no longer in the book")
    try:
        check_keyring()
    except UserFacingError as exc:
        return SettingsScreen(creche, str(exc))
    return SettingsScreen(creche, None)


def save_settings(book: Book, workplace: Workplace, values: Mapping[str, str]) -> CrecheSettings:
    """Change the settings typed, all or none (``creches.change_settings``)."""
    from crechebooks_desktop.services.admin.creches import change_settings  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return change_settings(uow, workplace.actor, values)


def store_smtp_password(book: Book, workplace: Workplace, password: str) -> str:
    """Keep the SMTP password in the keyring, as ``settings set smtp-password`` does.

    Returns:
        What was done, in a sentence.

    Raises:
        UserFacingError: no server or login set yet, no keyring here, or an empty password.
    """
    from crechebooks_desktop.integrations import smtp_password  # noqa: PLC0415
    from crechebooks_desktop.services.delivery import settings  # noqa: PLC0415

    tenant = workplace.creche.tenant_id
    with book.read(tenant) as uow:
        smtp = settings.smtp_for_password(uow, workplace.actor)
    smtp_password.check_keyring()
    with book.write(tenant) as uow:
        settings.record_password_stored(uow, workplace.actor, smtp)
        smtp_password.store_smtp_password(smtp, password)
    return f"The password is stored in the keyring for {smtp.user} at {smtp.host}."


# -- users -------------------------------------------------------------------------------


def users(book: Book, workplace: Workplace) -> list[UserValue]:
    """The creche's users, disabled ones too, by name."""
    from crechebooks_desktop.services.admin.users import list_users  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return list_users(uow, workplace.creche.tenant_id)


def add_user(book: Book, workplace: Workplace, new: NewUser) -> AddedUser:
    """Add a user with a role and a first password, or a set-up code."""
    from crechebooks_desktop.services.admin import users as service  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return service.add_user(
            uow, workplace.actor, new.username, new.role, new.password, new.full_name
        )


def change_role(book: Book, workplace: Workplace, username: str, role: Role) -> UserValue:
    """Give a user another role in the creche."""
    from crechebooks_desktop.services.admin import users as service  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return service.change_role(uow, workplace.actor, username, role)


def set_disabled(book: Book, workplace: Workplace, username: str, *, disabled: bool) -> UserValue:
    """Disable a user in the creche, or enable them again."""
    from crechebooks_desktop.services.admin import users as service  # noqa: PLC0415

    change = service.disable_user if disabled else service.enable_user
    with book.write(workplace.creche.tenant_id) as uow:
        return change(uow, workplace.actor, username)


def reset_password(book: Book, workplace: Workplace, username: str, password: str) -> UserValue:
    """Give a user a new password."""
    from crechebooks_desktop.services.admin import users as service  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return service.reset_password(uow, workplace.actor, username, password)


def issue_setup_code(book: Book, workplace: Workplace, username: str) -> SetUpCode:
    """Give a user a new one-time set-up code (their password stops working)."""
    from crechebooks_desktop.services.admin import users as service  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return service.issue_setup_code(uow, workplace.actor, username)


# -- bank accounts -----------------------------------------------------------------------


def accounts(book: Book, workplace: Workplace) -> list[BankAccountRecord]:
    """The creche's bank accounts with their lines and balances, closed ones too."""
    from crechebooks_desktop.services.bank.accounts_and_imports import list_accounts  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return list_accounts(uow)


def add_account(book: Book, workplace: Workplace, new: NewAccount) -> BankAccountRecord:
    """Add a bank account (and its account in the chart)."""
    from crechebooks_desktop.services.bank import accounts_and_imports as bank  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return bank.add_account(
            uow, workplace.actor, new.name, new.bank, new.number,
            new.opening_balance_cents, new.opening_as_of,
        )  # fmt: skip


def rename_account(book: Book, workplace: Workplace, name: str, new_name: str) -> BankAccountRecord:
    """Give a bank account a new name."""
    from crechebooks_desktop.services.bank import accounts_and_imports as bank  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return bank.rename_account(uow, workplace.actor, name, new_name)


def set_closed(book: Book, workplace: Workplace, name: str, *, closed: bool) -> BankAccountRecord:
    """Close a bank account (every line reconciled), or reopen it."""
    from crechebooks_desktop.services.bank import accounts_and_imports as bank  # noqa: PLC0415

    change = bank.close_account if closed else bank.reopen_account
    with book.write(workplace.creche.tenant_id) as uow:
        return change(uow, workplace.actor, name)
