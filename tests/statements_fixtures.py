"""A small book for the Statements tab: households owing at every age, paid up, in credit.

Built through the services, as a creche would: one child per household on
R 4 850 a month (no registration fee, no VAT, no sibling discount), invoices
for August to October 2026 issued on the 1st and due on the 7th, November's
issued early on 25 October (due 7 November), each month sent before any
money comes in.

At 31 October 2026:

=========== ============ ======== ======== ======== ======== ========
household   balance      current  30 days  60 days  90+ days credit
=========== ============ ======== ======== ======== ======== ========
DLAMINI01   R 38 800,00  9 700    9 700    9 700    9 700    -
MOKOENA05   R 4 850,00   4 850    -        -        -        -
NAIDOO02    R 0,00       -        -        -        -        -
BOTHA03     -R 500,00    -        -        -        -        500
PILLAY04    R 9 700,00   4 850    4 850    -        -        -
=========== ============ ======== ======== ======== ======== ========

DLAMINI01 has two children (THABO and LERATO), so each month owes R 9 700.
"""

from __future__ import annotations

import datetime as dt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.ledger.payments import add_payment
from tests.billing_fixtures import Kid, add_family, add_fees, new_creche, run_month

FEE = 485_000
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
MONTHS = (
    (dt.date(2026, 8, 1), dt.date(2026, 8, 1)),
    (dt.date(2026, 9, 1), dt.date(2026, 9, 1)),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
    (dt.date(2026, 11, 1), dt.date(2026, 10, 25)),  # billed in advance
)
START = dt.date(2026, 8, 1)

# household -> payments made after each month's invoices went out (date, cents), per month.
PAYMENTS: dict[str, tuple[tuple[tuple[dt.date, int], ...], ...]] = {
    "DLAMINI01": ((), (), (), ()),
    "NAIDOO02": (
        ((dt.date(2026, 8, 5), FEE),),
        ((dt.date(2026, 9, 5), FEE),),
        ((dt.date(2026, 10, 5), FEE),),
        ((dt.date(2026, 10, 28), FEE),),
    ),
    "BOTHA03": (
        ((dt.date(2026, 8, 5), FEE),),
        ((dt.date(2026, 9, 5), FEE),),
        ((dt.date(2026, 10, 5), FEE),),
        ((dt.date(2026, 10, 28), FEE + 50_000),),
    ),
    "PILLAY04": (
        ((dt.date(2026, 8, 5), FEE),),
        ((dt.date(2026, 9, 5), FEE),),
        (),
        (),
    ),
    "MOKOENA05": (
        ((dt.date(2026, 8, 5), FEE),),
        ((dt.date(2026, 9, 5), FEE),),
        ((dt.date(2026, 10, 5), FEE),),
        (),
    ),
}

EXPECTED = {
    # ref: (balance, current, 30, 60, 90+, credit)
    "DLAMINI01": (3_880_000, 970_000, 970_000, 970_000, 970_000, 0),
    "MOKOENA05": (FEE, FEE, 0, 0, 0, 0),
    "NAIDOO02": (0, 0, 0, 0, 0, 0),
    "BOTHA03": (-50_000, 0, 0, 0, 0, 50_000),
    "PILLAY04": (2 * FEE, FEE, FEE, 0, 0, 0),
}


def build_statement_book(book: Book) -> tuple[CrecheSettings, Actor]:
    """The book described above, in ``book``; returns the creche and its administrator."""
    settings, actor = new_creche(book, sibling_discounts="")
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        for ref in PAYMENTS:
            names = ("THABO", "LERATO") if ref == "DLAMINI01" else (f"{ref[:-2]}KID",)
            add_family(uow, ref, *(Kid(f"{name}{ref[-2:]}", fees.plain, START) for name in names))
    for n, (month, issued) in enumerate(MONTHS):
        run_month(book, actor, month, issued)
        with book.write(settings.tenant_id) as uow:
            send_month(uow, actor, month)
            for ref, months in PAYMENTS.items():
                for day, cents in months[n]:
                    add_payment(uow, actor, ref, cents, day, PaymentMethod.EFT, f"{ref} fees")
    return settings, actor
