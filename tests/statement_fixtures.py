"""A book for the statement tests: the demo creche, its November invoiced, sent and partly paid.

The demo creche on its first day (45 households, banking details set) has its opening balances
on 1 November 2026; the November run then invoices every enrolled child and
the invoices are sent. In November DLAMINI01 pays R 3 000 of its R 5 100 and
the first household with a balance pays it all and R 500 more, so it holds
credit and owes nothing at the end of the month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.services.household_statements.statement import Period
from crechebooks_desktop.services.ledger.payments import add_payment

NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
PAYER = "DLAMINI01"
PAID_CENTS = 300_000


@dataclass(frozen=True, slots=True)
class November:
    """The book, its creche's admin and who is where.

    Attributes:
        in_credit: the household that paid R 500 more than it owed.
        owing: every household that owes at the end of November, by reference.
        refs: every household, by reference.
    """

    book: Book
    actor: Actor
    in_credit: str
    owing: tuple[str, ...]
    refs: tuple[str, ...]


def build_november(book: Book) -> November:
    """Build the book (see the module's docstring)."""
    with book.write() as uow:
        tenant = create_demo_creche(uow, dt.date(2026, 11, 21), months=0).creche.tenant_id
    with book.read(tenant) as uow:
        actor = acting_user(uow, tenant, None)
    generate_month(lambda: book.write(tenant), actor, NOVEMBER.date_from)
    with book.write(tenant) as uow:
        send_month(uow, actor, NOVEMBER.date_from)
        held = uow.statements.balances_before(dt.date(2026, 12, 1))
        balances = {p.household_ref: held.get(p.household_id, 0) for p in uow.statements.parties()}
        day = dt.date(2026, 11, 10)
        add_payment(uow, actor, PAYER, PAID_CENTS, day, PaymentMethod.EFT, f"{PAYER} NOV")
        in_credit = next(r for r in sorted(balances) if r != PAYER and balances[r] > 0)
        add_payment(uow, actor, in_credit, balances[in_credit] + 50_000, day, PaymentMethod.CASH)
        balances[PAYER] -= PAID_CENTS
        balances[in_credit] = -50_000
    owing = tuple(sorted(r for r, cents in balances.items() if cents > 0))
    return November(book, actor, in_credit, owing, tuple(sorted(balances)))


@pytest.fixture
def november(book: Book) -> November:
    """``book`` holding the demo creche's November (see the module's docstring)."""
    return build_november(book)
