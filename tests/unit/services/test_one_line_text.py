"""Names and references given to the services are one line; reasons and bank text are folded.

The window's forms and the command line reach the book through these
services, so each refuses a line break or other control character in a name
or reference with nothing written (issue 10), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import LineType, PaymentMethod
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.admin import creches, users
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching
from crechebooks_desktop.services.billing import invoice_lifecycle
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.ledger.adjustments import adjust_balance
from crechebooks_desktop.services.roster import charges_and_endings
from tests.roster_support import load_samples, snapshot

Creche = tuple[CrecheSettings, Actor]
D = dt.date
LINE_BREAK = "contains a line break; it must be one line of text, without control characters"
TAB = "contains a tab; it must be one line of text, without control characters"
CONTROL_1B = LINE_BREAK.replace("a line break", "a control character (U+001B)")

Change = Callable[[UnitOfWork, Actor], Any]
REFUSED: dict[str, tuple[Change, str]] = {
    "charge description": (
        lambda uow, a: charges_and_endings.add_charge(
            uow, a, "DLAMINI01-1", LineType.AD_HOC, 100, D(2026, 3, 1), "Zoo\ntrip"
        ),
        f"the description {LINE_BREAK}",
    ),
    "bank account name": (
        lambda uow, a: bank.add_account(uow, a, "FNB\tCheque"),
        f"the account name {TAB}",
    ),
    "bank account number": (
        lambda uow, a: bank.add_account(uow, a, "FNB Cheque", "fnb", "62 123\n456"),
        f"the account number {LINE_BREAK}",
    ),
    "payment reference": (
        lambda uow, a: payments.add_payment(
            uow, a, "DLAMINI01", 100, D(2026, 3, 1), PaymentMethod.EFT, "DLAMINI01\r\nMARCH"
        ),
        f"the reference {LINE_BREAK}",
    ),
    "invoice line": (
        lambda uow, a: invoice_lifecycle.new_ad_hoc_invoice(
            uow,
            a,
            "DLAMINI01-1",
            D(2026, 3, 1),
            [invoice_lifecycle.AdHocLine(LineType.UNIFORM, 35_000, "Winter\u2028jersey")],
        ),
        f"a line's description {LINE_BREAK}",
    ),
    "user name": (
        lambda uow, a: users.add_user(uow, a, "bob\nadmin", Role.BOOKKEEPER, None),
        f"the user name {LINE_BREAK}",
    ),
    "user full name": (
        lambda uow, a: users.add_user(uow, a, "bob", Role.BOOKKEEPER, None, "Bob\x1b[2J"),
        f"the full name {CONTROL_1B}",
    ),
    "creche name": (
        lambda uow, a: creches.change_setting(uow, a, "name", "Acorns\nEducare"),
        f"name: {LINE_BREAK}",
    ),
    "creche address": (
        lambda uow, a: creches.change_setting(uow, a, "address", "12 Main Rd\nSoweto"),
        f"address: {LINE_BREAK}",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_name_or_reference_with_a_control_character_is_refused(
    book: Book, creche: Creche, case: str
) -> None:
    _settings, actor = creche
    load_samples(book, actor)
    change, message = REFUSED[case]
    before = snapshot(book)
    with pytest.raises(UserFacingError) as refused, book.write(actor.tenant_id) as uow:
        change(uow, actor)
    assert str(refused.value) == message
    assert snapshot(book) == before


def test_reasons_are_folded_onto_one_line(book: Book, creche: Creche) -> None:
    _settings, actor = creche
    load_samples(book, actor)
    uniform = invoice_lifecycle.AdHocLine(LineType.UNIFORM, 35_000, "Winter jersey")
    with book.write(actor.tenant_id) as uow:
        adjust_balance(uow, actor, "DLAMINI01", -100, D(2026, 3, 1), "Fee\nwaived\x07 (sibling)")
        made = invoice_lifecycle.new_ad_hoc_invoice(
            uow, actor, "DLAMINI01-1", D(2026, 3, 1), [uniform]
        )
        invoice_lifecycle.void_invoice(uow, actor, made.number, "Ordered\r\nby mistake")
        household = uow.payments.household("DLAMINI01")
        assert household is not None
        entries = [e.description for e in uow.ledger.entries(household[0])]
    assert entries[0] == "Adjustment: Fee waived (sibling)"
    assert entries[-1] == f"Void {made.number}: Ordered by mistake"


def test_bank_text_is_stored_on_one_line(book: Book, creche: Creche) -> None:
    _settings, actor = creche
    load_samples(book, actor)
    line = StatementLine(
        5,
        D(2026, 3, 2),
        485_000,
        "MAGTAPE\nCREDIT",
        reference="DLAMINI01\r\nMARCH",
        payer="N\tDLAMINI",
    )
    with book.write(actor.tenant_id) as uow:
        bank.add_account(uow, actor, "Cheque")
        bank.import_statement(
            uow, actor, "Cheque", Statement("m.csv", "csv", None, (line,)), "a" * 64
        )
        (stored,) = uow.bank.lines()
        assert (stored.description, stored.reference, stored.payer) == (
            "MAGTAPE CREDIT",
            "DLAMINI01 MARCH",
            "N DLAMINI",
        )
        decided = payment_matching.park(uow, actor, stored.id, "Ask\x07\nMrs Dlamini")
    assert decided.note == "Ask Mrs Dlamini"
