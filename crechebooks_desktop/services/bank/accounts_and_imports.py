"""Bank accounts and statement imports: ``bank accounts``, ``bank import``, ``bank split``.

An import is one transaction: the statement's lines that the account does not
have yet (``domain.statement.dedup_keys``) are written in bulk with a
``bank_imports`` row and one audit record; lines it already has are counted
as duplicates and skipped, so importing the same file twice, or a file that
overlaps an earlier one, adds nothing new.

Whatever reader built the statement, its lines are held to the book's rules
before anything is written: amounts within ``domain.money.MAX_AMOUNT_CENTS``
and dates within the book's years (``domain.dates``); a line dated far from
today is imported with a warning.

A file's own balances are checked too (``domain.statement_balance``): one
whose opening balance, lines, running balances and closing balance do not add
up is imported with a warning, and the first disagreement is kept on the
import (``bank_imports.balance_problem``) so that reconciling it asks for the
bank's figure instead of trusting the file's. New lines dated inside a
reconciled, locked period refuse the whole file before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.bank import (
    BANKS,
    MATCHABLE,
    BankAccountRecord,
    BankLineRecord,
    NewBankLine,
    transaction_date_apart,
)
from crechebooks_desktop.domain.chart import SystemRole, bank_account_code
from crechebooks_desktop.domain.dates import book_date_problem, check_book_date, date_warning
from crechebooks_desktop.domain.enums import (
    AccountType,
    BankLineStatus,
    ReconciliationStatus,
    VatType,
)
from crechebooks_desktop.domain.money import (
    MoneyError,
    check_amount,
    check_balance,
    format_rands,
)
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.statement import Statement, StatementLine, dedup_keys
from crechebooks_desktop.domain.statement_balance import balance_problem
from crechebooks_desktop.domain.text import one_line, require_one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.tasks import TaskState

__all__ = [
    "ImportResult",
    "SplitResult",
    "add_account",
    "close_account",
    "import_statement",
    "list_accounts",
    "rename_account",
    "reopen_account",
    "require_account",
    "split_line",
]

NAME_LENGTH = 200
NUMBER_LENGTH = 40
_TEXT_LIMITS = {"description": 500, "reference": 200, "payer": 200, "fitid": 255}
# Lines written per progress step; also the cancel granularity of a big import.
_STEP = 20_000
# Lines dated far from today named one by one; the rest are counted.
_MAX_DATE_WARNINGS = 5


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did.

    Attributes:
        import_id: the bank_imports row (None when every line was a duplicate).
        account: the account imported into.
        file_format: ``ofx``, ``qif`` or ``csv``.
        profile: the CSV profile used, if any.
        imported: the lines this run added.
        duplicates: lines the account already had.
        warnings: what the user should know (naming file and line).
        bank: the bank whose layout the file was recognised as, if any.
    """

    import_id: int | None
    account: str
    file_format: str
    profile: str | None
    imported: tuple[BankLineRecord, ...]
    duplicates: int
    warnings: tuple[str, ...]
    bank: str | None = None

    def as_json(self) -> dict[str, object]:
        """``{"imported", "duplicates", "warnings", "lines"}`` as ``--json`` prints it."""
        return {
            "imported": len(self.imported),
            "duplicates": self.duplicates,
            "warnings": list(self.warnings),
            "lines": [line.as_json() for line in self.imported],
            "format": self.file_format,
            "profile": self.profile,
            "bank": self.bank,
            "account": self.account,
        }


@dataclass(frozen=True, slots=True)
class SplitResult:
    """A line split into parts.

    Attributes:
        line_id: the line that was split.
        parts: the new lines, in the order given.
    """

    line_id: int
    parts: tuple[BankLineRecord, ...]

    def as_json(self) -> dict[str, object]:
        """``{"line_id", "parts": [line, ...]}``."""
        return {"line_id": self.line_id, "parts": [p.as_json() for p in self.parts]}


def list_accounts(uow: UnitOfWork) -> list[BankAccountRecord]:
    """``bank accounts list``: every account with its line count and balance."""
    return uow.bank.accounts()


def require_account(uow: UnitOfWork, name: str) -> BankAccountRecord:
    """The account with this name.

    Raises:
        NotFoundError: none has it; the message lists the accounts there are.
    """
    found = uow.bank.account_named(name)
    if found is None:
        names = ", ".join(a.name for a in uow.bank.accounts()) or "none yet"
        raise NotFoundError(
            f"no bank account named {name!r} (accounts: {names}); "
            "add one with: crechebooks bank accounts add --name NAME"
        )
    return found


def add_account(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    bank: str = "other",
    number: str | None = None,
    opening_balance_cents: int = 0,
    opening_as_of: dt.date | None = None,
) -> BankAccountRecord:
    """``bank accounts add``: a bank account whose statements will be imported.

    Args:
        uow: the transaction.
        actor: who adds it (needs to post money).
        name: a name unique in the creche (compared without regard to case).
        bank: one of ``domain.bank.BANKS``.
        number: the account number as printed, if wanted.
        opening_balance_cents: the balance on ``opening_as_of``.
        opening_as_of: the day of the opening balance; required with one.

    Raises:
        PermissionDenied: the actor may not post money.
        RuleViolation: a blank, too long or taken name; a name or number with a
            line break or other control character; an unknown bank; an
            opening balance without its date, beyond the book's limit, or
            dated outside the book's years.
    """
    audit.require(actor, Permission.POST_MONEY)
    require_one_line(name, "the account name")
    require_one_line(number, "the account number")
    check_amount(opening_balance_cents, "opening balance")
    if opening_as_of is not None:
        check_book_date(opening_as_of, "opening balance date")
    name = _account_name(name)
    if bank not in BANKS:
        raise RuleViolation(f"unknown bank {bank!r}; expected one of {', '.join(BANKS)}")
    number = (number or "").strip() or None
    if number is not None and len(number) > NUMBER_LENGTH:
        raise RuleViolation(f"the account number is too long (at most {NUMBER_LENGTH} characters)")
    if opening_balance_cents and opening_as_of is None:
        raise RuleViolation("an opening balance needs the date it is for (--as-of)")
    if uow.bank.account_named(name) is not None:
        raise RuleViolation(f"there is already a bank account named {name!r}")
    account_id = uow.bank.add_account(name, bank, number, opening_balance_cents, opening_as_of)
    _add_ledger_account(uow, account_id, name)
    record = BankAccountRecord(
        account_id,
        name,
        bank,
        number,
        opening_balance_cents,
        opening_as_of,
        0,
        opening_balance_cents,
    )
    audit.record(uow, actor, "bank_account.add", "bank_account", account_id, None, record.as_json())
    return record


def _account_name(name: str) -> str:
    """A bank account's name as kept: one line, spaces folded, 1 to ``NAME_LENGTH`` long."""
    require_one_line(name, "the account name")
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise RuleViolation(f"a bank account needs a name of 1 to {NAME_LENGTH} characters")
    return name


def rename_account(uow: UnitOfWork, actor: Actor, name: str, new_name: str) -> BankAccountRecord:
    """``bank accounts rename``: a new name for an account (and its account in the chart).

    Imports and reconciliations find the account by name, so scheduled
    commands that name it need the new name afterwards.

    Raises:
        PermissionDenied: the actor is not an administrator.
        NotFoundError: no such bank account.
        RuleViolation: a blank, too long or taken name, or a line break in it.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    account = require_account(uow, name)
    new_name = _account_name(new_name)
    if new_name == account.name:
        raise RuleViolation(f"the account is already named {new_name!r}")
    taken = uow.bank.account_named(new_name)
    if taken is not None and taken.id != account.id:
        raise RuleViolation(f"there is already a bank account named {taken.name!r}")
    uow.bank.rename_account(account.id, new_name)
    audit.record(
        uow,
        actor,
        "bank_account.rename",
        "bank_account",
        account.id,
        {"name": account.name},
        {"name": new_name},
    )
    return require_account(uow, new_name)


def close_account(uow: UnitOfWork, actor: Actor, name: str) -> BankAccountRecord:
    """``bank accounts close``: the account takes no more statements; its lines stay.

    Only an account whose books are finished can close: every line inside a
    finished (locked) reconciliation and none in progress. An account with no
    lines at all (added by mistake) closes too. Closing is audited and can be
    undone with ``reopen_account``.

    Raises:
        PermissionDenied: the actor is not an administrator.
        NotFoundError: no such bank account.
        RuleViolation: already closed; a reconciliation in progress; lines
            dated after the last finished reconciliation (they are counted).
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    account = require_account(uow, name)
    if account.closed:
        raise RuleViolation(f"{account.name} is already closed")
    if uow.reconciliations.newest(account.id, ReconciliationStatus.IN_PROGRESS) is not None:
        raise RuleViolation(
            f"cannot close {account.name}: a reconciliation of it is in progress; finish it first"
        )
    lock = uow.bank.locks.of_account(account.id)
    through = lock.through if lock is not None else None
    left = uow.bank.lines_after(account.id, through)
    if left and through is not None:
        raise RuleViolation(
            f"cannot close {account.name}: {left} of its lines are dated after its last "
            f"reconciliation ({through.isoformat()}); reconcile it to its last statement first"
        )
    if left:
        raise RuleViolation(
            f"cannot close {account.name}: its {left} lines were never reconciled; "
            "reconcile it to its last statement first"
        )
    uow.bank.set_closed(account.id, closed=True)
    audit.record(
        uow, actor, "bank_account.close", "bank_account", account.id,
        {"name": account.name, "closed": False}, {"name": account.name, "closed": True},
    )  # fmt: skip
    return require_account(uow, account.name)


def reopen_account(uow: UnitOfWork, actor: Actor, name: str) -> BankAccountRecord:
    """``bank accounts reopen``: a closed account takes statements again; audited.

    Raises:
        PermissionDenied: the actor is not an administrator.
        NotFoundError: no such bank account.
        RuleViolation: the account is not closed.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    account = require_account(uow, name)
    if not account.closed:
        raise RuleViolation(f"{account.name} is not closed")
    uow.bank.set_closed(account.id, closed=False)
    audit.record(
        uow, actor, "bank_account.reopen", "bank_account", account.id,
        {"name": account.name, "closed": True}, {"name": account.name, "closed": False},
    )  # fmt: skip
    return require_account(uow, account.name)


def _add_ledger_account(uow: UnitOfWork, bank_account_id: int, name: str) -> None:
    """The bank account's own asset account in the chart (1000 upwards)."""
    taken = {a.code for a in uow.chart.accounts()}
    try:
        code = bank_account_code(taken)
    except ValueError as exc:
        raise RuleViolation(f"cannot add another bank account: {exc}") from None
    ledger_id = uow.chart.add(code, name, AccountType.ASSET, VatType.NO_VAT, SystemRole.BANK)
    uow.chart.link_bank_account(bank_account_id, ledger_id)


def _cut(value: str, column: str) -> str:
    limit = _TEXT_LIMITS[column]
    return value if len(value) <= limit else value[:limit]


def _folded(value: str | None, column: str) -> str | None:
    """A bank's text on one line (``domain.text.one_line``), cut to its column; blank is None."""
    return None if value is None else _cut(one_line(value), column) or None


def _new_line(line: StatementLine, key: str) -> NewBankLine:
    fitid = line.fitid
    return NewBankLine(
        line.date,
        line.amount_cents,
        _cut(one_line(line.description), "description"),
        _folded(line.reference, "reference"),
        _folded(line.payer, "payer"),
        None if fitid is None else _cut(fitid, "fitid"),
        key,
        None,
        line.balance_cents,
        transaction_date_apart(line.date, line.transaction_date),
    )


def import_statement(
    uow: UnitOfWork,
    actor: Actor,
    account_name: str,
    statement: Statement,
    sha256: str,
    state: TaskState | None = None,
) -> ImportResult:
    """``bank import``: add a statement's new lines to a bank account.

    Args:
        uow: the transaction.
        actor: who imports (needs to post money).
        account_name: the bank account.
        statement: the file, read (``importers.bank.read_statement``).
        sha256: the file's digest, kept with the import.
        state: progress and cancel; cancelling rolls the whole import back.

    Returns:
        The lines added, the duplicates skipped and the warnings.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such bank account.
        ProblemsError: lines with an amount beyond the book's limit or a date
            outside its years (every one is listed; nothing is written).
        PeriodLocked: new lines dated inside the account's reconciled, locked
            period (each named as FILE:LINE with its date; nothing is written).
        AmountTooLarge: an opening or closing balance beyond the book's limit.
        Cancelled: the import was cancelled (nothing is written).
    """
    audit.require(actor, Permission.POST_MONEY)
    _check_statement(statement)
    account = require_account(uow, account_name)
    if account.closed:
        raise RuleViolation(
            f"{account.name} is closed and takes no more statements; an admin can reopen it "
            f"with: crechebooks bank accounts reopen --name {account.name!r}"
        )
    keys = dedup_keys(statement.lines)
    dates = [line.date for line in statement.lines]
    known = uow.bank.known_keys(account.id, min(dates), max(dates)) if dates else set()
    fresh = [i for i, key in enumerate(keys) if key not in known]
    warnings = [*statement.warnings, *_date_warnings(statement, dt.date.today())]  # noqa: DTZ011
    earlier = uow.bank.imports_of(account.id, sha256)
    if earlier:
        warnings.append(
            f"{statement.file_name} was imported into {account.name} before "
            f"({earlier[0]:%Y-%m-%d %H:%M} UTC)"
        )
    if not fresh:
        return ImportResult(
            None,
            account.name,
            statement.file_format,
            statement.profile,
            (),
            len(keys),
            tuple(warnings),
            statement.bank,
        )
    # Before anything is written: a line dated inside a reconciled period is refused,
    # naming each as FILE:LINE (lines the account already has are duplicates, not new).
    uow.bank.locks.check_dates(
        account.id,
        [(f"{statement.file_name}:{statement.lines[i].line_no}", dates[i]) for i in fresh],
        f"cannot import {statement.file_name} into {account.name}",
    )
    problem = balance_problem(statement)
    if problem is not None:
        warnings.append(
            f"{statement.file_name}: the file's balances do not add up: {problem}; reconciling "
            "will need the closing balance from the bank's statement"
        )
    values = _import_values(account, statement, sha256, len(fresh), actor)
    import_id = uow.bank.add_import({**values, "balance_problem": problem})
    imported = _write_lines(uow, statement, keys, fresh, import_id, account.id, state)
    audit.record(
        uow,
        actor,
        "bank.import",
        "bank_import",
        import_id,
        None,
        {
            "account": account.name,
            "file": statement.file_name,
            "sha256": sha256,
            "format": statement.file_format,
            "profile": statement.profile,
            "imported": len(imported),
            "duplicates": len(keys) - len(fresh),
            "total_cents": sum(line.amount_cents for line in imported),
            "balance_problem": problem,
        },
    )
    return ImportResult(
        import_id,
        account.name,
        statement.file_format,
        statement.profile,
        imported,
        len(keys) - len(fresh),
        tuple(warnings),
        statement.bank,
    )


def _check_statement(statement: Statement) -> None:
    """Refuse a statement whose lines or balances a book does not take."""
    problems = []
    for line in statement.lines:
        for field, day in (("date", line.date), ("transaction date", line.transaction_date)):
            date_problem = None if day is None else book_date_problem(day)
            if date_problem is not None:
                problems.append(
                    ImportProblem(statement.file_name, line.line_no, field, date_problem)
                )
        for field, cents in (("amount", line.amount_cents), ("balance", line.balance_cents)):
            if cents is None:
                continue
            try:
                check_amount(cents)
            except MoneyError as exc:
                problems.append(ImportProblem(statement.file_name, line.line_no, field, str(exc)))
    if problems:
        raise ProblemsError(problems, statement.file_name)
    # The opening balance may be worked out from the lines, so it is a balance, not an amount.
    for what, cents in (
        ("opening balance", statement.opening_balance_cents),
        ("closing balance", statement.closing_balance_cents),
    ):
        if cents is not None:
            check_balance(cents, f"{statement.file_name}: {what}")


def _date_warnings(statement: Statement, today: dt.date) -> list[str]:
    """``FILE:LINE: date: ...`` for the first lines dated far from today; the rest counted."""
    far = [
        (line.line_no, warning)
        for line in statement.lines
        if (warning := date_warning(line.date, today)) is not None
    ]
    shown = [
        f"{statement.file_name}:{line_no}: date: {warning}; check the date"
        for line_no, warning in far[:_MAX_DATE_WARNINGS]
    ]
    if len(far) > _MAX_DATE_WARNINGS:
        shown.append(
            f"{statement.file_name}: {len(far) - _MAX_DATE_WARNINGS} more lines are dated "
            "as far from today"
        )
    return shown


def _import_values(
    account: BankAccountRecord, statement: Statement, sha256: str, count: int, actor: Actor
) -> dict[str, object]:
    dates = [line.date for line in statement.lines]
    return {
        "bank_account_id": account.id,
        "file_name": statement.file_name[:300],
        "sha256": sha256,
        "file_format": statement.file_format,
        "profile": statement.profile,
        "period_start": statement.period_start or (min(dates) if dates else None),
        "period_end": statement.period_end or (max(dates) if dates else None),
        "opening_balance_cents": statement.opening_balance_cents,
        "closing_balance_cents": statement.closing_balance_cents,
        "line_count": count,
        "imported_by": actor.user_id,
    }


def _write_lines(
    uow: UnitOfWork,
    statement: Statement,
    keys: Sequence[str],
    fresh: Sequence[int],
    import_id: int,
    account_id: int,
    state: TaskState | None,
) -> tuple[BankLineRecord, ...]:
    written: list[BankLineRecord] = []
    stored = BankLineRecord.stored
    for start in range(0, len(fresh), _STEP):
        if state is not None:
            state.check()
            state.progress(start, len(fresh), "Saving lines")
        lines = [_new_line(statement.lines[i], keys[i]) for i in fresh[start : start + _STEP]]
        ids = uow.bank.add_lines(account_id, import_id, lines)
        written.extend(stored(i, account_id, line) for i, line in zip(ids, lines, strict=True))
    if state is not None:
        state.progress(len(fresh), len(fresh), "Saved")
    return tuple(written)


def split_line(uow: UnitOfWork, actor: Actor, line_id: int, parts: Sequence[int]) -> SplitResult:
    """``bank split``: one bank line as several that add up to it.

    E.g. R1 000 received as a R950 payment and a R50 bank fee. The line
    becomes SPLIT and is no longer matched itself; its parts are, each on
    its own.

    Args:
        uow: the transaction.
        actor: who splits it (needs to post money).
        line_id: the line.
        parts: two or more amounts in cents adding up to the line's amount;
            for money out they may be given without the minus sign.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line.
        PeriodLocked: the line is dated inside a reconciled, locked period.
        RuleViolation: the line was matched, rejected, split already or is a
            part itself; fewer than two parts; a part of zero or of the
            other sign; parts that do not add up to the line.
    """
    audit.require(actor, Permission.POST_MONEY)
    line = require_line(uow, line_id)
    uow.bank.locks.check_lines([line.id], f"cannot split bank line {line.id}")
    if line.amount_cents < 0 and all(cents > 0 for cents in parts):
        parts = [-cents for cents in parts]
    _check_split(line, parts)
    new_lines = [
        NewBankLine(
            line.date,
            cents,
            _cut(f"{line.description} (part {n} of {len(parts)})", "description"),
            line.reference,
            line.payer,
            None,
            f"S:{line.id}:{n}",
            line.id,
            transaction_date=line.transaction_date,  # each part was made when the whole was
        )
        for n, cents in enumerate(parts, start=1)
    ]
    ids = uow.bank.add_lines(line.account_id, None, new_lines)
    uow.bank.set_status([line.id], BankLineStatus.SPLIT)
    audit.record(
        uow,
        actor,
        "bank_line.split",
        "bank_line",
        line.id,
        {"status": line.status.value, "amount_cents": line.amount_cents},
        {
            "status": BankLineStatus.SPLIT.value,
            "parts": [{"id": i, "amount_cents": c} for i, c in zip(ids, parts, strict=True)],
        },
    )
    return SplitResult(line.id, tuple(uow.bank.lines_by_id(ids)))


def require_line(uow: UnitOfWork, line_id: int) -> BankLineRecord:
    """A bank line of the creche, locked for the transaction.

    Raises:
        NotFoundError: no such line.
    """
    line = uow.bank.line(line_id, lock=True)
    if line is None:
        raise NotFoundError(f"no bank line {line_id} in this creche")
    return line


def _check_split(line: BankLineRecord, parts: Sequence[int]) -> None:
    if line.status not in (*MATCHABLE, BankLineStatus.PARKED):
        raise RuleViolation(
            f"bank line {line.id} is {line.status.value}; only a line not yet matched, "
            "rejected or split can be split (undo its decision first)"
        )
    if line.split_parent_id is not None:
        raise RuleViolation(f"bank line {line.id} is a part of line {line.split_parent_id} already")
    if len(parts) < 2:  # noqa: PLR2004 - a split has at least two parts
        raise RuleViolation("a split needs at least two parts")
    for cents in parts:
        if cents == 0 or (cents > 0) != (line.amount_cents > 0):
            raise RuleViolation(
                f"each part must be {'more' if line.amount_cents > 0 else 'less'} than zero, "
                f"like the line's {format_rands(line.amount_cents)} (got {format_rands(cents)})"
            )
    if sum(parts) != line.amount_cents:
        raise RuleViolation(
            f"the parts add up to {format_rands(sum(parts))}, not the line's "
            f"{format_rands(line.amount_cents)}"
        )
