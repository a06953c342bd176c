"""Reconcile a bank account to a statement and lock the period: ``reconcile ...``.

The stable API of the Reconciliation tab and the command line:

- :func:`start` a reconciliation at a statement date, with the statement's
  closing balance (the bookkeeper's, else the imported file's);
- :func:`status` and :func:`lines`: the figures (opening, cleared in and
  out, closing, difference, uncleared lines, timing differences) and every
  line of the period with what clears it;
- :func:`finish` when the difference is zero and every line is cleared:
  the period is locked (``db.repositories.locks``) and nothing dated in it
  changes; :func:`unlock` (admins, with a reason) takes the newest lock back;
- :func:`history` and :func:`report`.

The period of a reconciliation covers the account's lines dated after the
previous FINISHED reconciliation's statement date, up to and including its
own. For the first one it starts after the bank account's opening balance
date (``opening_as_of``) when the account has one, since the opening
balance already holds what came before it; otherwise from the first line.
The opening balance is the previous finished reconciliation's closing
balance, else the account's opening balance.

Timing differences (payments recorded by hand and refunds paid out that no
bank line shows yet) are not tied to a bank account in the book: a payment
records a method, not an account. They are shown on the creche's *first*
bank account (lowest id), the one a creche's fees are paid into, dated up to
the statement date and after that account's opening balance date.

Every read is a handful of SQL aggregates and range queries over the
account's lines by date (``bench/reconcile_status.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.bank import BankAccountRecord
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import BankLineStatus, ReconciliationStatus
from crechebooks_desktop.domain.money import check_balance, format_rands
from crechebooks_desktop.domain.reconciliation import (
    CLEARED,
    LineFacts,
    ReconcileLine,
    ReconcileStatus,
    ReconciliationRecord,
    TimingDifference,
    cleared_by,
)
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.bank.accounts_and_imports import require_account
from crechebooks_desktop.services.ledger.allocations import require_reason

__all__ = [
    "ReconcileReport",
    "finish",
    "history",
    "lines",
    "report",
    "start",
    "status",
    "unlock",
]

_IN_PROGRESS = ReconciliationStatus.IN_PROGRESS
_FINISHED = ReconciliationStatus.FINISHED
_UNLOCKED = ReconciliationStatus.UNLOCKED


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What the reconciliation statement a bookkeeper files shows (``reconcile report``).

    Attributes:
        creche: the creche's name.
        status: the figures, uncleared lines, timing differences, and who
            finished it and when (``finished_at`` None: not finished).
    """

    creche: str
    status: ReconcileStatus


@dataclass(frozen=True, slots=True)
class _Period:
    """Where a period starts and the balance it opens with."""

    after: dt.date | None
    opening_cents: int


def _period(uow: UnitOfWork, account: BankAccountRecord, statement_date: dt.date) -> _Period:
    previous = uow.reconciliations.newest(account.id, _FINISHED, before=statement_date)
    if previous is not None:
        return _Period(previous.statement_date, previous.closing_cents)
    return _Period(account.opening_as_of, account.opening_balance_cents)


def _timing(
    uow: UnitOfWork, account: BankAccountRecord, statement_date: dt.date
) -> tuple[TimingDifference, ...]:
    if uow.reconciliations.first_bank_account_id() != account.id:
        return ()
    return tuple(uow.reconciliations.timing_differences(account.opening_as_of, statement_date))


def _compute(
    uow: UnitOfWork, account: BankAccountRecord, record: ReconciliationRecord
) -> ReconcileStatus:
    """A reconciliation's figures as the lines stand now."""
    period = _period(uow, account, record.statement_date)
    # A finished statement keeps the opening it was finished with; one in
    # progress follows the previous finished one (which an unlock may change).
    opening = period.opening_cents if record.status is _IN_PROGRESS else record.opening_cents
    repo = uow.reconciliations
    totals = repo.totals(account.id, period.after, record.statement_date)
    uncleared = repo.uncleared(account.id, period.after, record.statement_date)
    lock = uow.bank.locks.of_account(account.id)
    return ReconcileStatus(
        account=account.name,
        statement_date=record.statement_date,
        opening_cents=opening,
        closing_cents=record.closing_cents,
        cleared_in_cents=totals.cleared_in_cents,
        cleared_out_cents=totals.cleared_out_cents,
        uncleared_lines=tuple(uncleared) if totals.uncleared_count else (),
        timing_differences=_timing(uow, account, record.statement_date),
        status=record.status,
        locked_through=lock.through if lock is not None else None,
        file_balance_cents=record.file_balance_cents,
        reconciliation_id=record.id,
        period_start=period.after + dt.timedelta(days=1) if period.after else None,
        finished_at=record.finished_at,
        finished_by=record.finished_by,
    )


def _file_figure(
    uow: UnitOfWork, account: BankAccountRecord, statement_date: dt.date
) -> tuple[str, int] | None:
    """(where it comes from, the closing balance) the imported statements give for a day."""
    found = uow.reconciliations.file_closing(account.id, statement_date)
    if found is not None:
        return f"{found[0]}'s closing balance", found[1]
    running = uow.reconciliations.last_running_balance(account.id, statement_date)
    if running is not None:
        return "the running balance of the last line", running
    return None


def start(
    uow: UnitOfWork,
    actor: Actor,
    account_name: str,
    statement_date: dt.date,
    closing_balance_cents: int | None = None,
) -> ReconcileStatus:
    """``reconcile start``: reconcile a bank account to a statement date.

    An account has at most one reconciliation in progress: starting again
    gives it the new date and balance.

    Args:
        uow: the transaction.
        actor: who reconciles (needs to post money).
        account_name: the bank account.
        statement_date: the statement's last day.
        closing_balance_cents: the statement's closing balance. None takes
            the imported statement's: the closing balance of an import of the
            account that ends on the statement date, else the running balance
            of the last line dated up to it.

    Returns:
        The reconciliation's figures.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such bank account.
        PeriodLocked: the statement date is on or before the account's lock.
        RuleViolation: a date outside the book's years or not after the
            account's opening balance date; no closing balance given and none
            imported; no closing balance given while a file of the period has
            balances that do not add up (the file and the difference named).
    """
    audit.require(actor, Permission.POST_MONEY)
    check_book_date(statement_date, "statement date")
    if closing_balance_cents is not None:
        check_balance(closing_balance_cents, "closing balance")
    account = require_account(uow, account_name)
    day = statement_date.isoformat()
    lock = uow.bank.locks.of_account(account.id)
    if lock is not None and statement_date <= lock.through:
        raise lock.refusal(f"cannot start a reconciliation of {account.name} at {day}")
    if account.opening_as_of is not None and statement_date <= account.opening_as_of:
        raise RuleViolation(
            f"cannot reconcile {account.name} at {day}: its opening balance is as of "
            f"{account.opening_as_of.isoformat()}; the statement date must be after that"
        )
    period = _period(uow, account, statement_date)
    figure = _file_figure(uow, account, statement_date)
    closing = _closing(uow, account, statement_date, period, figure, closing_balance_cents)
    file_balance = figure[1] if figure is not None and figure[1] != closing else None
    repo = uow.reconciliations
    current = repo.newest(account.id, _IN_PROGRESS)
    values = (statement_date, closing, period.opening_cents, file_balance)
    if current is None:
        record_id = repo.add(account.id, *values, actor.user_id)
    else:
        record_id = current.id
        repo.restart(record_id, *values)
    audit.record(
        uow,
        actor,
        "reconcile.start",
        "reconciliation",
        record_id,
        None
        if current is None
        else {"statement_date": current.statement_date, "closing_cents": current.closing_cents},
        {
            "account": account.name,
            "statement_date": statement_date,
            "closing_cents": closing,
            "opening_cents": period.opening_cents,
            "file_balance_cents": file_balance,
        },
    )
    return _compute(uow, account, _require_record(uow, record_id))


def _closing(
    uow: UnitOfWork,
    account: BankAccountRecord,
    statement_date: dt.date,
    period: _Period,
    figure: tuple[str, int] | None,
    given: int | None,
) -> int:
    """The closing balance: the bookkeeper's, else the file's when its balances add up."""
    if given is not None:
        return given
    day = statement_date.isoformat()
    problems = uow.reconciliations.balance_problems(account.id, period.after, statement_date)
    if problems:
        file_name, problem = problems[0]
        raise RuleViolation(
            f"the balances in {file_name} do not add up ({problem}); a file's balance is not "
            f"taken on trust: give the closing balance on the bank's statement for {day} with "
            "--closing-balance AMOUNT"
        )
    if figure is None:
        raise RuleViolation(
            f"no imported statement of {account.name} gives a closing balance for {day}; "
            "give the one on the bank's statement with --closing-balance AMOUNT"
        )
    return figure[1]


def _require_record(uow: UnitOfWork, record_id: int) -> ReconciliationRecord:
    found = uow.reconciliations.get(record_id)
    if found is None:  # pragma: no cover - written in this transaction
        raise NotFoundError(f"no reconciliation {record_id}")
    return found


def _pick(
    uow: UnitOfWork, account: BankAccountRecord, statement_date: dt.date | None
) -> ReconciliationRecord:
    """The reconciliation a status or report is about."""
    repo = uow.reconciliations
    order = (_IN_PROGRESS, _FINISHED) if statement_date is None else (_FINISHED, _IN_PROGRESS)
    for wanted in (*order, _UNLOCKED):
        found = repo.newest(account.id, wanted, on=statement_date)
        if found is not None:
            return found
    at = f" at {statement_date.isoformat()}" if statement_date else ""
    raise NotFoundError(
        f"{account.name} has no reconciliation{at}; start one with: crechebooks reconcile "
        f"start --account {account.name!r} --statement-date YYYY-MM-DD"
    )


def status(
    uow: UnitOfWork, account_name: str, statement_date: dt.date | None = None
) -> ReconcileStatus:
    """``reconcile status``: where a reconciliation stands.

    Args:
        uow: a (read-only) transaction.
        account_name: the bank account.
        statement_date: which reconciliation; None: the one in progress, else
            the newest finished one.

    Raises:
        NotFoundError: no such account, or no reconciliation of it (at that date).
    """
    account = require_account(uow, account_name)
    return _compute(uow, account, _pick(uow, account, statement_date))


def lines(uow: UnitOfWork, account_name: str, statement_date: dt.date) -> list[ReconcileLine]:
    """Every line of the period up to a statement date, cleared or not, for the screen.

    Split lines come with their parts (each part names its parent, the
    parent its parts); each line says what clears it, in words.

    Raises:
        NotFoundError: no such account.
    """
    account = require_account(uow, account_name)
    after = _period(uow, account, statement_date).after
    repo = uow.reconciliations
    rows = repo.period_lines(account.id, after, statement_date)
    facts = repo.line_facts(account.id, after, statement_date)
    parts: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for line_id, *_rest, line_status, parent, _transacted in rows:
        if parent is not None:
            parts[int(parent)].append((int(line_id), line_status in CLEARED))
    shown = []
    for line_id, day, cents, text, payer, reference, line_status, parent, transacted in rows:
        own = parts.get(line_id, [])
        done = [ok for _id, ok in own]
        words = cleared_by(line_status, facts.get(line_id, LineFacts()), done)
        is_cleared = all(done) if line_status is BankLineStatus.SPLIT else line_status in CLEARED
        shown.append(
            ReconcileLine(
                int(line_id),
                day,
                int(cents),
                str(text),
                payer,
                reference,
                line_status,
                is_cleared,
                words,
                parent,
                tuple(i for i, _ok in own),
                transacted,
            )
        )
    return shown


def finish(uow: UnitOfWork, actor: Actor, account_name: str) -> ReconcileStatus:
    """``reconcile finish``: the book agrees with the bank; lock the period.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such account.
        RuleViolation: nothing in progress; a difference that is not zero or
            lines up to the statement date not cleared (both said, with how
            much and how many).
    """
    audit.require(actor, Permission.POST_MONEY)
    account = require_account(uow, account_name)
    record = uow.reconciliations.newest(account.id, _IN_PROGRESS)
    if record is None:
        raise RuleViolation(
            f"no reconciliation of {account.name} is in progress; start one with: "
            f"crechebooks reconcile start --account {account.name!r} --statement-date YYYY-MM-DD"
        )
    figures = _compute(uow, account, record)
    not_cleared = uow.reconciliations.totals(account.id, None, record.statement_date)
    if figures.difference_cents or not_cleared.uncleared_count:
        raise RuleViolation(_why_not(figures, not_cleared.uncleared_count))
    uow.reconciliations.finish(record.id, figures.opening_cents, actor.user_id)
    audit.record(
        uow,
        actor,
        "reconcile.finish",
        "reconciliation",
        record.id,
        {"status": _IN_PROGRESS.value},
        {
            "status": _FINISHED.value,
            "account": account.name,
            "statement_date": record.statement_date,
            "opening_cents": figures.opening_cents,
            "closing_cents": figures.closing_cents,
            "cleared_in_cents": figures.cleared_in_cents,
            "cleared_out_cents": figures.cleared_out_cents,
        },
    )
    return _compute(uow, account, _require_record(uow, record.id))


def _why_not(figures: ReconcileStatus, not_cleared: int) -> str:
    day = figures.statement_date.isoformat()
    reasons = []
    if figures.difference_cents:
        reasons.append(
            f"the difference is {format_rands(figures.difference_cents)} (closing "
            f"{format_rands(figures.closing_cents)} - opening "
            f"{format_rands(figures.opening_cents)} - cleared "
            f"{format_rands(figures.cleared_cents)}); it must be zero"
        )
    if not_cleared:
        reasons.append(
            f"{not_cleared} line(s) dated up to {day} are not cleared (matched, linked or "
            "categorised)"
        )
    return (
        f"cannot finish the reconciliation of {figures.account} at {day}: "
        + " and ".join(reasons)
        + f"; see: crechebooks reconcile status --account {figures.account!r}"
    )


def unlock(uow: UnitOfWork, actor: Actor, account_name: str, reason: str) -> ReconciliationRecord:
    """``reconcile unlock``: take back the account's newest finished reconciliation.

    The lock moves back to the finished reconciliation before it (or goes).

    Raises:
        PermissionDenied: the actor is not an admin.
        NotFoundError: no such account.
        RuleViolation: no reason; nothing finished to unlock.
    """
    audit.require(actor, Permission.UNLOCK_PERIODS)
    why = require_reason(reason, "unlock a reconciled period")
    account = require_account(uow, account_name)
    record = uow.reconciliations.newest(account.id, _FINISHED)
    if record is None:
        raise RuleViolation(f"{account.name} has no finished reconciliation to unlock")
    uow.reconciliations.unlock(record.id, why, actor.user_id)
    lock = uow.bank.locks.of_account(account.id)
    audit.record(
        uow,
        actor,
        "reconcile.unlock",
        "reconciliation",
        record.id,
        {"status": _FINISHED.value, "locked_through": record.statement_date},
        {
            "status": _UNLOCKED.value,
            "account": account.name,
            "reason": why,
            "locked_through": lock.through if lock is not None else None,
        },
    )
    return _require_record(uow, record.id)


def history(uow: UnitOfWork, account_name: str) -> list[ReconciliationRecord]:
    """``reconcile history``: the account's reconciliations, newest statement date first.

    Raises:
        NotFoundError: no such account.
    """
    return uow.reconciliations.history(require_account(uow, account_name).id)


def report(
    uow: UnitOfWork, account_name: str, statement_date: dt.date, *, lock: bool = False
) -> ReconcileReport:
    """What ``reconcile report`` prints: the creche and the reconciliation at a date.

    Args:
        uow: the transaction.
        account_name: the bank account.
        statement_date: which reconciliation.
        lock: hold the reconciliation until the transaction ends (a write
            transaction that goes on to archive its statement), and read it
            again once held, so a finish or unlock just made counts.

    Raises:
        NotFoundError: no such account, or no reconciliation at that date.
    """
    account = require_account(uow, account_name)
    record = _pick(uow, account, statement_date)
    if lock:
        uow.reconciliations.lock(record.id)
        record = _require_record(uow, record.id)
    creche = uow.tenants.get(uow.tenant_id) if uow.tenant_id is not None else None
    name = creche.name if creche is not None else ""
    return ReconcileReport(name, _compute(uow, account, record))
