"""The demo creche's bank account and this month's statement, imported, not yet matched.

The statement is what a creche's cheque account shows in a month: parents
paying with the invoice number, with the account reference, with only their
name, part payments, a payment from a grandparent, a cash deposit, and money
that is not a household's (interest, a supplier's refund), with the month's
debits. The lines are left for the bookkeeper to run matching on; the debits
have categorisation rules waiting (SnapScan's fees have none: a line for the
bookkeeper to categorise by hand).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.matching import Payee
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.reconciliation import rules

DEMO_ACCOUNT = "FNB Cheque"
_DEBITS = (
    ("SALARIES NOVEMBER", -3_850_000),
    ("WOOLWORTHS FOOD RANDBURG", -184_350),
    ("CITY OF JHB WATER ELEC", -412_900),
    ("#MONTHLY ACCOUNT FEE", -28_500),
    ("SNAPSCAN FEES", -3_120),
)
_PREPAID = 485_000
_OPENING = 12_500_000
_UNRELATED = (("CREDIT INTEREST", 1_842), ("REFUND MAKRO WHOLESALE", 56_990))
# The bookkeeper's categorisation rules for the month's debits (name, text, account).
_RULES = (
    ("Salaries", "SALARIES", "5000"),
    ("Food", "WOOLWORTHS FOOD", "5100"),
    ("Water and electricity", "CITY OF JHB", "6200"),
    ("Bank fees", "ACCOUNT FEE", "6500"),
)


def _payer(payee: Payee) -> str:
    """A parent's name as the bank prints it: ``MRS N DLAMINI``, upper case."""
    words = payee.parent_names[0].replace(".", "").split()
    title, first, surname = words[0], words[1], " ".join(words[2:])
    return f"{title} {first[0]} {surname}".upper()


def _credit(rng: random.Random, payee: Payee, n: int) -> tuple[str, int, str | None]:
    """(description, cents, reference) of one household's payment."""
    invoice = payee.invoices[0]
    kind = n % 6
    if kind == 0:
        return (f"{_payer(payee)} {invoice.number}", invoice.balance_due_cents, invoice.number)
    if kind == 1:
        return (f"{_payer(payee)} {payee.ref}", payee.outstanding_cents, payee.ref)
    if kind == 2:  # noqa: PLR2004 - name only: left for review
        return (f"{_payer(payee)} FEES", invoice.balance_due_cents, None)
    if kind == 3:  # noqa: PLR2004 - part payment with the account reference
        part = (invoice.balance_due_cents // 2) // 100 * 100 or invoice.balance_due_cents
        return (f"IB PAYMENT {payee.ref}", part, payee.ref)
    if kind == 4:  # noqa: PLR2004 - a grandparent pays, with the reference
        return (
            f"GOGO {rng.choice(('M', 'T', 'S'))} {payee.ref}",
            invoice.balance_due_cents,
            payee.ref,
        )
    return ("CASH DEPOSIT RANDBURG", invoice.balance_due_cents, None)


def demo_statement(payees: list[Payee], today: dt.date, opening_cents: int = 0) -> Statement:
    """This month's statement for the demo's households (deterministic).

    Each line carries the running balance from ``opening_cents``, as a bank's
    statement does, so the month can be reconciled to the file's own figures.
    """
    rng = random.Random(f"crechebooks-demo-bank-{today.year}")  # noqa: S311 - demo data
    first = today.replace(day=1)
    days = max(1, min(today.day, 28))
    raw: list[tuple[dt.date, str, int, str | None]] = []
    for n, payee in enumerate(payees):
        if payee.invoices:
            text, cents, reference = _credit(rng, payee, n)
        elif n % 3 == 0:  # paying this month's fees before the invoice is sent
            text, cents, reference = f"{_payer(payee)} {payee.ref}", _PREPAID, payee.ref
        else:
            continue
        raw.append((first + dt.timedelta(days=rng.randrange(days)), text, cents, reference))
    for text, cents in (*_DEBITS, *_UNRELATED):
        raw.append((first + dt.timedelta(days=rng.randrange(days)), text, cents, None))
    raw.sort(key=lambda r: r[0])
    balances = list(
        itertools.accumulate((cents for _d, _t, cents, _r in raw), initial=opening_cents)
    )
    lines = tuple(
        StatementLine(n + 2, day, cents, text, reference=reference, balance_cents=balances[n + 1])
        for n, (day, text, cents, reference) in enumerate(raw)
    )
    return Statement(
        f"fnb-{first:%Y-%m}.csv",
        "csv",
        "fnb",
        lines,
        opening_balance_cents=opening_cents,
        closing_balance_cents=balances[-1],
    )


def add_demo_bank(uow: UnitOfWork, actor: Actor, today: dt.date) -> int:
    """The demo's cheque account with this month's statement imported; returns lines added."""
    bank.add_account(
        uow,
        actor,
        DEMO_ACCOUNT,
        "fnb",
        "62812345678",
        _OPENING,
        today.replace(day=1) - dt.timedelta(days=1),
    )
    statement = demo_statement(uow.matching.payees(), today, _OPENING)
    result = bank.import_statement(uow, actor, DEMO_ACCOUNT, statement, "demo")
    for name, text, code in _RULES:
        rules.add_rule(uow, actor, name, contains=text, direction="out", account_code=code)
    return len(result.imported)
