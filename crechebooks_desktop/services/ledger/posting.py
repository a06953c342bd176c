"""Posting to households' ledgers: the one way a balance moves.

Everything goes through ``post_entries``: a single posting and a monthly run of
thousands take the same path, so there is one set of rules to trust.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.account_statement import AccountStatement, account_statement
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.ledger import (
    BalanceState,
    LedgerPosting,
    next_balance,
)
from crechebooks_desktop.domain.money import check_amount, check_balance
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit


def post_entries(uow: UnitOfWork, actor: Actor, postings: Sequence[LedgerPosting]) -> list[int]:
    """Append ledger entries and move the households' balances with them.

    The balance rows are locked first, so concurrent postings for a household
    queue and each ``balance_after`` follows the one before. Postings for one
    household are applied in the order given.

    Args:
        uow: the transaction (the entries commit with the caller's other work).
        actor: who posts them.
        postings: what to post; each amount is positive (owed more) or
            negative (owed less), never zero.

    Returns:
        The new entries' ids, in the order of ``postings``.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: a household is not in the actor's creche.
        RuleViolation: a posting would use more credit than the household has.
        AmountTooLarge: an amount, or a balance or credit it leads to, beyond
            what a book takes (``domain.money``).
        DateOutOfRange: a date outside the book's years (``domain.dates``).
        ValueError: a zero amount.
        TypeError: an amount that is not integer cents.
    """
    audit.require(actor, Permission.POST_MONEY)
    if not postings:
        return []
    for posting in postings:
        _require_cents(posting.amount_cents)
        check_amount(posting.amount_cents, posting.description)
        check_book_date(posting.entry_date, f"{posting.description}: date")
    states = uow.ledger.lock_balances(p.household_id for p in postings)
    rows, befores = [], []
    for posting in postings:
        before = states[posting.household_id]
        states[posting.household_id] = _apply(before, posting)
        befores.append(before)
        rows.append(_row(posting, states[posting.household_id], actor))
    ids = uow.ledger.append_entries([_columns(row) for row in rows])
    last_ids = {p.household_id: entry_id for p, entry_id in zip(postings, ids, strict=True)}
    uow.ledger.store_balances([states[h] for h in sorted(last_ids)], last_ids)
    audit.record_many(
        uow,
        actor,
        [
            (
                "ledger.post",
                "ledger_entry",
                entry_id,
                {"balance_cents": b.balance_cents, "credit_cents": b.credit_cents},
                _after(row),
            )
            for entry_id, b, row in zip(ids, befores, rows, strict=True)
        ],
    )
    return ids


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
    """Post one entry (see ``post_entries``); returns its id."""
    posting = LedgerPosting(
        household_id, entry_type, amount_cents, entry_date, description, source, credit_delta_cents
    )
    return post_entries(uow, actor, [posting])[0]


def _require_cents(amount: object) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"amount must be integer cents, not {type(amount).__name__}")


def _apply(state: BalanceState, posting: LedgerPosting) -> BalanceState:
    credit = state.credit_cents + posting.credit_delta_cents
    if credit < 0:
        raise RuleViolation(
            f"household has {state.credit_cents} cents of credit; cannot use "
            f"{-posting.credit_delta_cents}"
        )
    balance = next_balance(state.balance_cents, posting.amount_cents)
    check_balance(balance, f"{posting.description}: the household's balance")
    check_balance(credit, f"{posting.description}: the household's credit")
    return BalanceState(state.household_id, balance, credit)


def _row(posting: LedgerPosting, after: BalanceState, actor: Actor) -> dict[str, object]:
    return {
        "household_id": posting.household_id,
        "entry_date": posting.entry_date,
        "entry_type": posting.entry_type,
        "amount_cents": posting.amount_cents,
        "balance_after_cents": after.balance_cents,
        "description": posting.description,
        "source_type": posting.source[0] if posting.source else None,
        "source_id": posting.source[1] if posting.source else None,
        "created_by": actor.user_id,
        "credit_cents": after.credit_cents,  # for the audit record; not a column
    }


def _columns(row: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in row.items() if key != "credit_cents"}


def _after(row: dict[str, object]) -> dict[str, object]:
    return {
        "household_id": row["household_id"],
        "entry_type": str(row["entry_type"]),
        "amount_cents": row["amount_cents"],
        "balance_cents": row["balance_after_cents"],
        "credit_cents": row["credit_cents"],
        "entry_date": str(row["entry_date"]),
        "description": row["description"],
    }


def household_ledger(
    uow: UnitOfWork,
    account_ref: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> AccountStatement:
    """A household's ledger as people read it: by date, with its running balance.

    Args:
        uow: a (read-only) transaction.
        account_ref: the household.
        date_from: show entries from this day, the earlier ones brought
            forward as the opening balance.
        date_to: show entries up to this day; the last running balance is
            then the household's balance as of it.

    Returns:
        The entries in the period by (date, entry id), each with its running balance.

    Raises:
        NotFoundError: no household with that reference.
        RuleViolation: ``date_to`` is before ``date_from``.
    """
    if date_from and date_to and date_to < date_from:
        raise RuleViolation(f"a period from {date_from} to {date_to} ends before it starts")
    household_id = uow.roster.household_id(account_ref)
    if household_id is None:
        raise NotFoundError(f"no household {account_ref!r} in this creche")
    entries = uow.ledger.entries(household_id, date_from, date_to)
    opening = uow.ledger.balance_before(household_id, date_from) if date_from else 0
    return account_statement(entries, opening, date_from=date_from, date_to=date_to)
