"""A small creche with invoices sent and a bank statement imported, for the matching tests.

Households (no VAT, no sibling discount), each invoiced for October 2026 (due
7 October) and sent:

- DLAMINI01, Mrs Nomsa Dlamini: Thabo, full day R 4 850
- DLAMINI02, Mr Sipho Dlamini: Lerato, half day R 3 200
- NAIDOO03, Mrs Priya Naidoo: Kavir (full day) and Anika (half day), R 8 050 in all
- BOTHA04, Ms Anna Botha: Pieter, full day R 4 850
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from tests.billing_fixtures import add_fees, new_creche, run_month
from tests.billing_fixtures import invoices as find

OCT = dt.date(2026, 10, 1)
TERM = dt.date(2026, 1, 14)
ACCOUNT = "Cheque"
FAMILIES = (
    ("DLAMINI01", "Mrs Nomsa Dlamini", None, (("Thabo", "Dlamini", "plain"),)),
    ("DLAMINI02", "Mr Sipho Dlamini", None, (("Lerato", "Dlamini", "half_day"),)),
    (
        "NAIDOO03",
        "Mrs Priya Naidoo",
        "Mr Devan Naidoo",
        (("Kavir", "Naidoo", "plain"), ("Anika", "Naidoo", "half_day")),
    ),
    ("BOTHA04", "Ms Anna Botha", None, (("Pieter", "Botha", "plain"),)),
)


@dataclass(frozen=True)
class Creche:
    """The book, its creche, the acting admin and each child's October invoice number."""

    book: Book
    settings: CrecheSettings
    actor: Actor
    invoice: dict[str, str]

    @property
    def tenant(self) -> int:
        return self.settings.tenant_id


def build_creche(book: Book) -> Creche:
    """The creche of this module's docstring, October sent, with a bank account."""
    settings, actor = new_creche(book, sibling_discounts="")
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        for ref, parent, second, kids in FAMILIES:
            household = uow.roster.add_household(ref, parent, second_parent_name=second)
            for n, (first, last, fee) in enumerate(kids, start=1):
                child = uow.roster.add_child(
                    household, f"{ref}-{n}", first, last, dt.date(2022, 1, n)
                )
                uow.roster.add_enrolment(child, getattr(fees, fee), TERM)
        bank.add_account(uow, actor, ACCOUNT, "fnb")
    run_month(book, actor, OCT)
    with book.write(settings.tenant_id) as uow:
        send_month(uow, actor, OCT)
    numbers = {inv.child_ref: inv.number for inv in find(book, settings.tenant_id, month=OCT)}
    return Creche(book, settings, actor, numbers)


def credit(
    n: int, day: int, cents: int, text: str, reference: str | None = None, payer: str | None = None
) -> StatementLine:
    """A statement line on the given day of October."""
    return StatementLine(n, dt.date(2026, 10, day), cents, text, reference=reference, payer=payer)


def import_lines(creche: Creche, *lines: StatementLine, name: str = "oct.csv") -> list[int]:
    """Import the lines into the creche's account; their ids."""
    statement = Statement(name, "csv", "generic", tuple(lines))
    with creche.book.write(creche.tenant) as uow:
        result = bank.import_statement(uow, creche.actor, ACCOUNT, statement, name.ljust(64, "0"))
    return [line.id for line in result.imported]


def write(creche: Creche, action: Callable[[UnitOfWork], Any]) -> Any:
    """Run a service in one transaction, then check every invariant."""
    with creche.book.write(creche.tenant) as uow:
        result = action(uow)
    with creche.book.read(creche.tenant) as uow:
        assert check_creche(uow).violations == ()
    return result
