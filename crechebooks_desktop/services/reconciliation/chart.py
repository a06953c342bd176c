"""The creche's chart of accounts: ``accounts list``, ``accounts add``, ``accounts archive``.

Every creche starts with ``domain.chart.DEFAULT_CHART``; each bank account
adds its own asset account. The bookkeeper adds accounts and archives those
no longer wanted. Nothing is ever deleted: an archived account keeps
everything that was categorised to it and is only no longer offered.
"""

from __future__ import annotations

import re

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.chart import AccountRecord
from crechebooks_desktop.domain.enums import AccountType, VatType
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import require_one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit

__all__ = [
    "CODE_LENGTH",
    "NAME_LENGTH",
    "add_account",
    "archive_account",
    "find_accounts",
    "list_accounts",
    "require_account_code",
]

CODE_LENGTH = 20
NAME_LENGTH = 200
_CODE = re.compile(rf"[0-9A-Za-z-]{{1,{CODE_LENGTH}}}")
_SEE = "see the codes with: crechebooks accounts list"


def list_accounts(uow: UnitOfWork, *, include_archived: bool = False) -> list[AccountRecord]:
    """``accounts list``: the chart by code.

    Args:
        uow: a (read-only) transaction.
        include_archived: also the archived accounts (``--all``).
    """
    return uow.chart.accounts(include_archived=include_archived)


def find_accounts(uow: UnitOfWork, text: str) -> list[AccountRecord]:
    """Accounts for a search box: by code prefix, or by the words of their name.

    Archived accounts are never offered.

    Args:
        uow: a (read-only) transaction.
        text: what was typed, e.g. ``62``, ``util`` or ``bank char``; blank: all.

    Returns:
        Accounts whose code starts with ``text`` first, then those whose name
        holds every word of it (ignoring case), each group by code.
    """
    wanted = text.strip().lower()
    accounts = uow.chart.accounts(include_archived=False)
    if not wanted:
        return accounts
    by_code = [a for a in accounts if a.code.lower().startswith(wanted)]
    words = wanted.split()
    by_name = [
        a for a in accounts if a not in by_code and all(word in a.name.lower() for word in words)
    ]
    return by_code + by_name


def _lookup(uow: UnitOfWork, code: str) -> AccountRecord:
    wanted = code.strip()
    found = uow.chart.by_code(wanted)
    if found is None:
        found = next((a for a in uow.chart.accounts() if a.code.lower() == wanted.lower()), None)
    if found is None:
        raise NotFoundError(f"no account with code {wanted!r} in the chart; {_SEE}")
    return found


def require_account_code(uow: UnitOfWork, code: str) -> AccountRecord:
    """The account with this code, to categorise to or to write a rule for.

    Args:
        uow: the transaction.
        code: the account's code (case does not matter).

    Raises:
        NotFoundError: no account has it; the message says how to see the codes.
        RuleViolation: the account is archived.
    """
    found = _lookup(uow, code)
    if found.archived:
        raise RuleViolation(
            f"account {found.label} is archived and takes nothing new; choose another ({_SEE})"
        )
    return found


def add_account(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    name: str,
    account_type: AccountType,
    vat_type: VatType | None = None,
) -> AccountRecord:
    """``accounts add``: a new account in the chart.

    Args:
        uow: the transaction.
        actor: who adds it (needs to post money).
        code: 1 to 20 letters, digits or hyphens, not taken (ignoring case).
        name: one line of 1 to 200 characters (spaces collapsed).
        account_type: income, expense, asset, liability or equity.
        vat_type: the VAT type its lines take by default (no VAT when None).

    Returns:
        The account as stored.

    Raises:
        PermissionDenied: the actor may not post money.
        RuleViolation: a bad or taken code, or a bad name.
    """
    audit.require(actor, Permission.POST_MONEY)
    code = code.strip()
    if _CODE.fullmatch(code) is None:
        raise RuleViolation(
            f"an account code is 1 to {CODE_LENGTH} letters, digits or hyphens (got {code!r})"
        )
    require_one_line(name, "the account name")
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise RuleViolation(f"an account needs a name of 1 to {NAME_LENGTH} characters")
    taken = next((a for a in uow.chart.accounts() if a.code.lower() == code.lower()), None)
    if taken is not None:
        raise RuleViolation(f"the chart has an account {taken.label} already")
    vat = vat_type or VatType.NO_VAT
    account_id = uow.chart.add(code, name, account_type, vat)
    added = AccountRecord(account_id, code, name, account_type, vat, None, False, False)
    audit.record(uow, actor, "account.add", "account", account_id, None, added.as_json())
    return added


def archive_account(uow: UnitOfWork, actor: Actor, code: str) -> AccountRecord:
    """``accounts archive``: stop offering an account; it stays, with all it was used for.

    There is no deleting: an account that was never used is archived the
    same way.

    Args:
        uow: the transaction.
        actor: who archives it (needs to post money).
        code: the account's code.

    Returns:
        The account, archived.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such account.
        RuleViolation: the book itself uses it (a bank account's, the
            debtors control, VAT...); it is archived already; a rule sends
            lines to it.
    """
    audit.require(actor, Permission.POST_MONEY)
    found = _lookup(uow, code)
    if found.system_role is not None:
        raise RuleViolation(
            f"account {found.label} is used by the book itself ({found.system_role.lower()}) "
            "and cannot be archived"
        )
    if found.archived:
        raise RuleViolation(f"account {found.label} is archived already")
    rules = uow.categories.rules_using(found.id)
    if rules:
        names = ", ".join(repr(name) for name in rules)
        raise RuleViolation(
            f"account {found.label} is the action of rule(s) {names}; change or remove "
            "them first (crechebooks rules remove NAME)"
        )
    uow.chart.archive(found.id)
    archived = AccountRecord(
        found.id,
        found.code,
        found.name,
        found.account_type,
        found.vat_type,
        found.system_role,
        True,
        found.is_default,
    )
    audit.record(
        uow, actor, "account.archive", "account", found.id, found.as_json(), archived.as_json()
    )
    return archived
