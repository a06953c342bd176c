"""Rosters for the billing tests, built through the repositories, and looks behind the services.

Amounts are those of a typical Johannesburg creche: a full day R 4 850, a half
day R 3 200, registration R 750, re-registration R 500.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.db.tables import (
    Allocation,
    AuditRecord,
    Invoice,
    InvoiceSequence,
    LedgerEntry,
)
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.enums import FeeType, LineType
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing import monthly_run
from crechebooks_desktop.services.billing.invoice_lifecycle import find_invoices
from crechebooks_desktop.services.tasks import TaskState

FULL_DAY = 485_000
HALF_DAY = 320_000
REGISTRATION = 75_000
RE_REGISTRATION = 50_000
VAT_NUMBER = "4123456789"


def new_creche(
    book: Book,
    name: str = "Acorns",
    *,
    vat_number: str = "",
    prices_include_vat: str = "yes",
    sibling_discounts: str = "0,10,15",
    due_day: str = "7",
    invoice_prefix: str = "INV",
) -> tuple[CrecheSettings, Actor]:
    """A creche in ``book`` and its first administrator as the acting user."""
    with book.write() as uow:
        settings, _admin = init_creche(
            uow,
            NewCreche(
                name=name,
                vat_number=vat_number,
                prices_include_vat=prices_include_vat,
                sibling_discounts=sibling_discounts,
                due_day=due_day,
                invoice_prefix=invoice_prefix,
                admin_password="demo",  # as the test keyring answers for admin
            ),
        )
    with book.read(settings.tenant_id) as uow:
        actor = acting_user(uow, settings.tenant_id, None)
    return settings, actor


@dataclass(frozen=True, slots=True)
class Fees:
    """Fee structure ids."""

    full_day: int  # R 4 850, registration R 750, re-registration R 500
    half_day: int  # R 3 200, registration R 750, re-registration R 500
    plain: int  # R 4 850, no registration fees


def add_fees(uow: UnitOfWork) -> Fees:
    """The three fee structures the tests enrol children on."""
    roster = uow.roster
    return Fees(
        full_day=roster.add_fee_structure(
            "Full Day", FeeType.FULL_DAY, FULL_DAY, REGISTRATION, RE_REGISTRATION
        ),
        half_day=roster.add_fee_structure(
            "Half Day", FeeType.HALF_DAY, HALF_DAY, REGISTRATION, RE_REGISTRATION
        ),
        plain=roster.add_fee_structure("Full Day Plain", FeeType.FULL_DAY, FULL_DAY),
    )


@dataclass(frozen=True, slots=True)
class Kid:
    """A child to enrol: reference, date of birth, fee and dates."""

    ref: str
    fee_id: int
    start: dt.date
    end: dt.date | None = None
    born: dt.date | None = dt.date(2022, 6, 1)
    extras: tuple[tuple[LineType, int, str | None], ...] = ()


def add_family(uow: UnitOfWork, ref: str, *kids: Kid) -> tuple[int, list[int]]:
    """A household with its children, each enrolled once; (household id, child ids)."""
    household_id = uow.roster.add_household(ref, f"Parent of {ref}")
    child_ids = []
    for kid in kids:
        child_id = uow.roster.add_child(
            household_id, kid.ref, kid.ref.title(), ref.title(), kid.born
        )
        uow.roster.add_enrolment(
            child_id, kid.fee_id, kid.start, end_date=kid.end, extras=kid.extras
        )
        child_ids.append(child_id)
    return household_id, child_ids


def add_big_roster(
    uow: UnitOfWork, fee_id: int, households: int, children: int, start: dt.date
) -> dict[int, list[int]]:
    """``households`` one- and two-child families with ``children`` in all; id -> child ids.

    The first ``children - households`` families have two children.
    """
    assert households <= children <= 2 * households
    made: dict[int, list[int]] = {}
    for index in range(households):
        ref = f"FAM{index:05d}"
        household_id = uow.roster.add_household(ref, f"Parent {index}")
        made[household_id] = []
        for order in range(2 if index < children - households else 1):
            born = dt.date(2021 + order, 1 + index % 12, 1 + index % 28)
            child_id = uow.roster.add_child(household_id, f"{ref}-{order + 1}", "Kid", ref, born)
            uow.roster.add_enrolment(child_id, fee_id, start)
            made[household_id].append(child_id)
    return made


def writer(book: Book, tenant_id: int) -> Callable[[], AbstractContextManager[UnitOfWork]]:
    """The ``transactions`` argument of ``generate_month`` for a creche."""
    return lambda: book.write(tenant_id)


def run_month(
    book: Book,
    actor: Actor,
    month: dt.date,
    issue_date: dt.date | None = None,
    task: TaskState | None = None,
) -> monthly_run.GenerationResult:
    """The monthly run, as the window and the command line start it."""
    return monthly_run.generate_month(writer(book, actor.tenant_id), actor, month, issue_date, task)


def invoices(book: Book, tenant_id: int, **where: object) -> list[InvoiceValue]:
    """The creche's invoices (``InvoiceFilter`` fields as keywords), by number."""
    with book.read(tenant_id) as uow:
        return find_invoices(uow, InvoiceFilter(**where))  # type: ignore[arg-type]


def get(book: Book, tenant_id: int, number: str) -> InvoiceValue:
    """One invoice by number."""
    with book.read(tenant_id) as uow:
        found = uow.invoices.get(number)
    assert found is not None, number
    return found


def sequence(number: str) -> int:
    """``INV-2026-000123`` -> 123."""
    return int(number.rsplit("-", 1)[1])


def audit_actions(book: Book) -> Counter[str]:
    """How many audit records of each action the book holds."""
    with book.read() as uow:
        rows = uow._session.execute(
            select(AuditRecord.action, func.count()).group_by(AuditRecord.action)
        )
        return Counter({action: int(count) for action, count in rows})


def row_counts(book: Book) -> dict[str, int]:
    """Rows of the tables a monthly run writes to (audit records included)."""
    with book.read() as uow:
        session = uow._session
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Invoice, LedgerEntry, AuditRecord, Allocation)
        }


def last_numbers(book: Book) -> dict[int, int]:
    """The invoice sequences: year -> last number used."""
    with book.read() as uow:
        rows = uow._session.execute(select(InvoiceSequence.year, InvoiceSequence.last_number))
        return {int(year): int(last) for year, last in rows}


def line_summary(invoice: InvoiceValue) -> list[tuple[str, str, int, int, int]]:
    """(line type, description, net, VAT, gross) of each line, in order."""
    return [
        (line.line_type.value, line.description, line.net_cents, line.vat_cents, line.gross_cents)
        for line in invoice.lines
    ]


def numbers(found: Sequence[InvoiceValue]) -> list[str]:
    """The invoices' numbers, in order."""
    return [inv.number for inv in found]
