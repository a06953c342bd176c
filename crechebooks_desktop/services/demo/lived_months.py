"""The demo's lived-in months: billed, sent, paid through the bank, matched and reconciled.

Each month, as a creche's office lives it: the month's invoices are made and
sent on the 1st; the bank's statement for the month (an FNB CSV export) is
imported and matching is run; the bookkeeper accepts what matching left for
review, categorises what the rules did not, and reconciles the month. Today's
month is still open: its statement runs to today, and a few lines wait for
the bookkeeper (a payment with a mistyped reference, a part payment, money
from someone matching does not know, and a bank charge no rule covers).

Who pays what is fixed by the household's position, so the book is the same
for a given ``today``:

- most households pay the month in its first week, with their account
  reference, an invoice number, or their name only (the bookkeeper accepts
  those, and matching learns the payer for next time);
- every seventh (from the fourth) stopped paying two months ago and every
  ninth (from the fifth) has not paid this month: the arrears and reminders;
- a household that came in owing pays off its opening balance in the first
  month when it is every tenth (from the third); the others carry it.

Everything goes through the services the window and the command line use,
so the audit log, the ledger invariants and ``check`` hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain import billing
from crechebooks_desktop.domain.enums import BankLineStatus
from crechebooks_desktop.domain.matching import Payee
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching as matching
from crechebooks_desktop.services.billing.invoice_lifecycle import mark_overdue, send_month
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.reconciliation import categorise, reconcile, rules, suggestions

DEMO_ACCOUNT = "FNB Cheque"
ACCOUNT_NUMBER = "62812345678"
OPENING_CENTS = 12_500_000

# The bookkeeper's categorisation rules (name, text, direction, account).
_RULES = (
    ("Salaries", "SALARIES", "out", "5000"),
    ("Food", "WOOLWORTHS FOOD", "out", "5100"),
    ("Water and electricity", "CITY OF JHB", "out", "6200"),
    ("Bank fees", "ACCOUNT FEE", "out", "6500"),
    ("Interest", "CREDIT INTEREST", "in", "4100"),
)
# Every month's debits: (day, text, cents); ``{month}`` is the month's name.
_DEBITS = (
    (2, "WOOLWORTHS FOOD RANDBURG", -184_350),
    (3, "SNAPSCAN FEES", -3_120),
    (10, "CITY OF JHB WATER ELEC", -412_900),
    (16, "WOOLWORTHS FOOD RANDBURG", -96_480),
    (25, "SALARIES {month}", -3_850_000),
    (28, "#MONTHLY ACCOUNT FEE", -28_500),
)
_INTEREST = (28, "CREDIT INTEREST", 1_842)
# The bookkeeper's own choices for lines no rule covers (text, account).
_BY_HAND = (("SNAPSCAN FEES", "6500"), ("REFUND MAKRO", "5110"))


@dataclass(frozen=True, slots=True)
class LivedMonths:
    """What the months made.

    Attributes:
        months: the billed months (their first days), oldest first.
        invoices: monthly invoices made and sent.
        bank_lines: statement lines imported.
        reconciled_through: the last day of the newest reconciled month, if any.
    """

    months: tuple[dt.date, ...]
    invoices: int
    bank_lines: int
    reconciled_through: dt.date | None


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """A line of the month's statement, and who the bookkeeper knows it is from.

    Attributes:
        household: the household it is from (accepted for it if matching is unsure).
        invoices: the invoices it pays first, when the payer named them.
    """

    day: dt.date
    text: str
    cents: int
    household: str | None = None
    invoices: tuple[str, ...] = ()


@contextmanager
def _same(uow: UnitOfWork) -> Iterator[UnitOfWork]:
    """The demo's one transaction, for services that open their own (the monthly run)."""
    yield uow


def month_after(month: dt.date) -> dt.date:
    """The first of the next month."""
    return billing.month_end(month) + dt.timedelta(days=1)


def live_months(uow: UnitOfWork, actor: Actor, first: dt.date, today: dt.date) -> LivedMonths:
    """Bill, send, bank, match and reconcile each month from ``first`` to today's.

    Args:
        uow: the demo's transaction, scoped to its creche.
        actor: the demo's administrator.
        first: the first billed month (its first day): the book's first day.
        today: the book's today; its month is billed and banked up to today.

    Returns:
        What was made.
    """
    bank.add_account(
        uow, actor, DEMO_ACCOUNT, "fnb", ACCOUNT_NUMBER, OPENING_CENTS, first - dt.timedelta(1)
    )
    for name, text, direction, code in _RULES:
        rules.add_rule(uow, actor, name, contains=text, direction=direction, account_code=code)
    this_month = today.replace(day=1)
    months: list[dt.date] = []
    balance, invoices, lines = OPENING_CENTS, 0, 0
    reconciled: dt.date | None = None
    month = first
    while month <= this_month:
        current = month == this_month
        last = today if current else billing.month_end(month)
        made = generate_month(lambda: _same(uow), actor, month)
        send_month(uow, actor, month)
        numbers = {inv.number for inv in made.created}
        plan = _statement_plan(uow.matching.payees(), numbers, month, last, len(months), current)
        statement, text = month_statement(plan, month, balance)
        digest = hashlib.sha256(text.encode()).hexdigest()
        imported = bank.import_statement(uow, actor, DEMO_ACCOUNT, statement, digest).imported
        matching.run_matching(uow, actor)
        suggestions.run(uow, actor)
        if not current:
            _bookkeeper(uow, actor, plan, [line.id for line in imported])
            reconcile.start(uow, actor, DEMO_ACCOUNT, last)
            reconcile.finish(uow, actor, DEMO_ACCOUNT)
            reconciled = last
        months.append(month)
        invoices += len(made.created)
        lines += len(imported)
        balance = statement.closing_balance_cents or balance
        month = month_after(month)
    mark_overdue(uow, actor, today)
    return LivedMonths(tuple(months), invoices, lines, reconciled)


def _statement_plan(
    payees: Sequence[Payee],
    numbers: set[str],
    month: dt.date,
    last: dt.date,
    index: int,
    current: bool,
) -> list[PlannedLine]:
    """The month's statement lines, by date (see the module docstring for who pays)."""
    rng = random.Random(f"crechebooks-demo-bank-{month:%Y-%m}")  # noqa: S311 - demo data
    planned: list[PlannedLine] = []
    for n, payee in enumerate(payees):
        planned.extend(_payment(rng, payee, numbers, month, n, index, current=current))
    if current:
        planned.extend(_for_review(payees, numbers, last))
    for day, text, cents in (*_DEBITS, _INTEREST):
        planned.append(
            PlannedLine(month.replace(day=day), text.format(month=f"{month:%B}".upper()), cents)
        )
    if index == 1:  # a supplier's refund, once
        planned.append(PlannedLine(month.replace(day=12), "REFUND MAKRO WHOLESALE", 56_990))
    kept = [line for line in planned if line.day <= last]
    return sorted(kept, key=lambda line: line.day)


def _payer(payee: Payee) -> str:
    """A parent's name as the bank prints it: ``MRS N DLAMINI``, upper case."""
    words = payee.parent_names[0].replace(".", "").split()
    title, first, surname = words[0], words[1], " ".join(words[2:])
    return f"{title} {first[0]} {surname}".upper()


# Households by their position (see the module docstring).
_STOPPED = frozenset({3, 24, 38})  # paid the first month only
_NOT_YET = frozenset({4, 13, 40})  # have not paid today's month yet
_ROUNDS_UP = 9  # pays today's month rounded up to the next R 500: credit


def _payment(
    rng: random.Random,
    payee: Payee,
    numbers: set[str],
    month: dt.date,
    n: int,
    index: int,
    *,
    current: bool,
) -> list[PlannedLine]:
    """A household's payments this month (none when it does not pay)."""
    due = [inv for inv in payee.invoices if inv.number in numbers]
    if (
        not due
        or (n in _STOPPED and index > 0)
        or (current and (n in _NOT_YET or n in _REVIEW_PAYERS))
    ):
        return []
    day = month.replace(day=1 + rng.randrange(7))
    payer = _payer(payee)
    if n % 10 == 2 and index == 0:  # noqa: PLR2004 - pays off the opening balance too
        text = f"FNB APP PAYMENT FROM {payer} {payee.ref}"
        return [PlannedLine(day, text, payee.outstanding_cents, payee.ref)]
    if n % 6 == 0 or len(due) < len(payee.invoices):
        # One payment per invoice, each with its number (and the older debt left owing).
        return [
            PlannedLine(
                day, f"{payer} {inv.number}", inv.balance_due_cents, payee.ref, (inv.number,)
            )
            for inv in due
        ]
    cents = sum(inv.balance_due_cents for inv in due)
    kind = n % 6
    if n == _ROUNDS_UP and current:
        cents = (cents // 50_000 + 1) * 50_000
        text = f"FNB APP PAYMENT FROM {payer} {payee.ref}"
    elif kind == 2:  # noqa: PLR2004 - name only: for the bookkeeper, once
        text = f"{payer} FEES"
    elif kind == 3:  # noqa: PLR2004
        text = f"IB PAYMENT {payee.ref}"
    elif kind == 4:  # noqa: PLR2004 - a grandparent pays, with the reference
        surname = payer.split(" ", 2)[-1]
        text = f"GOGO {rng.choice(('M', 'T', 'S'))} {surname} {payee.ref}"
    elif kind == 5 and index == 0:  # noqa: PLR2004 - cash at the branch: for the bookkeeper
        text = f"CASH DEPOSIT {('RANDBURG', 'FERNDALE', 'CRESTA')[n % 3]} {n:02d}"
    else:
        text = f"FNB APP PAYMENT FROM {payer} {payee.ref}"
    return [PlannedLine(day, text, cents, payee.ref)]


# Households whose payment this month is one of the lines left for review.
_REVIEW_PAYERS = (1, 14)


def _for_review(payees: Sequence[Payee], numbers: set[str], last: dt.date) -> list[PlannedLine]:
    """This month's lines for the bookkeeper: matching cannot be sure of them (up to ``last``)."""

    def on(day: int) -> dt.date:
        return last.replace(day=min(day, last.day))

    lines = []
    typo, part = (payees[n] for n in _REVIEW_PAYERS)
    owed = sum(inv.balance_due_cents for inv in typo.invoices if inv.number in numbers)
    letters, digits = typo.ref[:-2], typo.ref[-2:]
    wrong = f"{letters}{digits[::-1]}" if digits[0] != digits[1] else f"{letters}0{digits}"
    lines.append(PlannedLine(on(3), f"IB PAYMENT {wrong}", owed, typo.ref))
    half = sum(inv.balance_due_cents for inv in part.invoices if inv.number in numbers) // 2
    lines.append(PlannedLine(on(4), f"IB PAYMENT {part.ref}", half // 100 * 100, part.ref))
    lines.append(PlannedLine(on(5), "ACB CREDIT L BRANDT", 137_500))
    lines.append(PlannedLine(on(6), "#CASH DEPOSIT FEE", -6_850))
    return [line for line in lines if line.cents]


def month_statement(
    plan: Sequence[PlannedLine], month: dt.date, opening: int
) -> tuple[Statement, str]:
    """The month's FNB CSV export: the statement as the importer reads it, and its text.

    The statement is built as ``importers.bank`` reads such a file (services
    do not import the importers); a test reads the text and compares.
    """
    balances = list(itertools.accumulate((line.cents for line in plan), initial=opening))
    header = (
        f"Account Number,{ACCOUNT_NUMBER},FNB Gold Business",
        "Date,Amount,Balance,Description",
    )
    rows = [
        f"{line.day:%d/%m/%Y},{_rands(line.cents)},{_rands(balance)},{line.text}"
        for line, balance in zip(plan, balances[1:], strict=True)
    ]
    lines = tuple(
        StatementLine(n + len(header) + 1, line.day, line.cents, line.text, balance_cents=balance)
        for n, (line, balance) in enumerate(zip(plan, balances[1:], strict=True))
    )
    statement = Statement(
        f"fnb-{month:%Y-%m}.csv",
        "csv",
        "fnb",
        lines,
        opening_balance_cents=opening,
        closing_balance_cents=balances[-1],
    )
    return statement, "\n".join((*header, *rows)) + "\n"


def _rands(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _bookkeeper(
    uow: UnitOfWork, actor: Actor, plan: Sequence[PlannedLine], ids: Sequence[int]
) -> None:
    """What the bookkeeper does before reconciling a month.

    Accepts each payment matching left for review for the household it is
    from, turns away the credits that are no household's (the rules then
    categorise the interest), and categorises by hand what no rule covers.
    """
    stored = {line.id: line for line in uow.bank.lines_by_id(ids)}
    for planned, line_id in zip(plan, ids, strict=True):
        line = stored[line_id]
        if line.status is BankLineStatus.MATCHED or line.status is BankLineStatus.CATEGORISED:
            continue
        if planned.household is not None:
            matching.accept(uow, actor, line.id, planned.household, planned.invoices or None)
        elif line.amount_cents > 0:
            matching.reject(uow, actor, line.id)
    suggestions.run(uow, actor)
    for line in uow.bank.lines_by_id(ids):
        if line.status is not BankLineStatus.CATEGORISED and line.status is not (
            BankLineStatus.MATCHED
        ):
            code = next(code for text, code in _BY_HAND if text in line.description)
            categorise.categorise_line(uow, actor, line.id, account_code=code)
