"""Opening balances (services.opening_balances)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import InvoiceSequence
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance

Creche = tuple[CrecheSettings, Actor]
AS_OF = dt.date(2026, 3, 1)


def test_debt_becomes_an_invoice_and_a_charge(book: Book, creche: Creche, household: int) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        first = post_opening_balance(uow, actor, settings, household, 97_000, AS_OF)
        second = post_opening_balance(uow, actor, settings, household, 3_000, AS_OF)
    assert (first, second) == ("INV-2026-000001", "INV-2026-000002")
    with book.read(settings.tenant_id) as uow:
        entries = uow.ledger.entries(household)
        (summary,) = uow.roster.household_summaries()
        report = check_creche(uow)
    assert [(e.entry_type, e.amount_cents, e.balance_after_cents) for e in entries] == [
        (EntryType.CHARGE, 97_000, 97_000),
        (EntryType.CHARGE, 3_000, 100_000),
    ]
    assert entries[0].description == "INV-2026-000001 Opening balance as at 2026-03-01"
    assert entries[0].source_type == "invoice"
    assert (summary.balance_cents, summary.outstanding_cents, summary.credit_cents) == (
        100_000,
        100_000,
        0,
    )
    assert (report.invoices, report.ok) == (2, True)


def test_credit_becomes_unused_credit(book: Book, creche: Creche, household: int) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        assert post_opening_balance(uow, actor, settings, household, -25_000, AS_OF) is None
    with book.read(settings.tenant_id) as uow:
        (entry,) = uow.ledger.entries(household)
        (summary,) = uow.roster.household_summaries()
        assert check_creche(uow).ok
    assert (entry.entry_type, entry.amount_cents, entry.description) == (
        EntryType.CREDIT,
        -25_000,
        "Opening balance (in credit)",
    )
    assert (summary.balance_cents, summary.credit_cents, summary.outstanding_cents) == (
        -25_000,
        25_000,
        0,
    )


def test_zero_and_viewers_are_refused(book: Book, creche: Creche, household: int) -> None:
    settings, actor = creche
    with pytest.raises(RuleViolation, match="zero"), book.write(settings.tenant_id) as uow:
        post_opening_balance(uow, actor, settings, household, 0, AS_OF)
    with book.write(settings.tenant_id) as uow:
        add_user(uow, actor, "olivia", Role.OWNER_VIEWER, None)
    with book.read(settings.tenant_id) as uow:
        viewer = acting_user(uow, settings.tenant_id, "olivia")
    with pytest.raises(PermissionDenied), book.write(settings.tenant_id) as uow:
        post_opening_balance(uow, viewer, settings, household, 100, AS_OF)
    with book.read(settings.tenant_id) as uow:
        assert uow.ledger.entries(household) == []
        assert uow._session.scalars(select(InvoiceSequence)).all() == []  # no number used up


def test_invoice_prefix_is_the_creches(book: Book, creche: Creche, household: int) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        settings = change_setting(uow, actor, "invoice_prefix", "acorn")
        number = post_opening_balance(uow, actor, settings, household, 100, dt.date(2027, 1, 1))
    assert number == "ACORN-2027-000001"
