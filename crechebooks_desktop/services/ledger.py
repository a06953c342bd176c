"""Posting to a household's ledger: the one way a balance moves."""

from __future__ import annotations

import datetime as dt

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.ledger import LedgerEntryValue, next_balance
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit


def post_entry(
    uow: UnitOfWork,
    actor: Actor,
    household_id: int,
    entry_type: EntryType,
    amount_cents: int,
    entry_date: dt.date,
    description: str,
    *,
    source: tuple[str, int] | None = None,
    credit_delta_cents: int = 0,
) -> int:
    """Append a ledger entry and move the household's balance with it.

    The household's balance row is locked first, so concurrent postings for
    one household queue and each ``balance_after`` follows the one before.

    Args:
        uow: the transaction (the entry commits with the caller's other work).
        actor: who posts it.
        household_id: the household whose balance moves.
        entry_type: CHARGE, PAYMENT, CREDIT, REFUND, ADJUSTMENT or REVERSAL.
        amount_cents: positive = owed more, negative = owed less; not zero.
        entry_date: the business date of the movement.
        description: shown on the ledger and statements.
        source: the (kind, id) of what caused it, e.g. ``("invoice", 12)``.
        credit_delta_cents: how much the household's unused credit changes.

    Returns:
        The new entry's id.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: the household is not in the actor's creche.
        RuleViolation: the change would use more credit than the household has.
        ValueError: a zero amount.
        TypeError: an amount that is not integer cents.
    """
    audit.require(actor, Permission.POST_MONEY)
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise TypeError(f"amount must be integer cents, not {type(amount_cents).__name__}")
    balance = uow.ledger.lock_balance(household_id)
    if balance.credit_cents + credit_delta_cents < 0:
        raise RuleViolation(
            f"household has {balance.credit_cents} cents of credit; cannot use "
            f"{-credit_delta_cents}"
        )
    before = {"balance_cents": balance.balance_cents, "credit_cents": balance.credit_cents}
    after_cents = next_balance(balance.balance_cents, amount_cents)
    entry_id = uow.ledger.append(
        balance,
        entry_date=entry_date,
        entry_type=entry_type,
        amount_cents=amount_cents,
        balance_after_cents=after_cents,
        description=description,
        source=source,
        user_id=actor.user_id,
        credit_delta_cents=credit_delta_cents,
    )
    audit.record(
        uow,
        actor,
        "ledger.post",
        "ledger_entry",
        entry_id,
        before,
        {
            "household_id": household_id,
            "entry_type": entry_type.value,
            "amount_cents": amount_cents,
            "balance_cents": after_cents,
            "credit_cents": balance.credit_cents,
            "entry_date": entry_date.isoformat(),
            "description": description,
        },
    )
    return entry_id


def household_ledger(
    uow: UnitOfWork,
    account_ref: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[LedgerEntryValue]:
    """A household's entries, oldest first.

    Raises:
        NotFoundError: no household with that reference.
    """
    household_id = uow.roster.household_id(account_ref)
    if household_id is None:
        raise NotFoundError(f"no household {account_ref!r} in this creche")
    return uow.ledger.entries(household_id, date_from, date_to)
