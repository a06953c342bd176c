"""Phone numbers and account numbers in matching, through the real services (SQLite, PostgreSQL).

The creche is ``tests/bank_fixtures.py``'s. The households' phone numbers are
set as a person edits a household; the bank lines come in through a
statement import, and ``match run`` and ``match accept`` decide them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import InvoiceStatus, MatchOutcome
from crechebooks_desktop.services.admin.creches import change_settings
from crechebooks_desktop.services.bank import payment_matching, review_queue
from crechebooks_desktop.services.roster.households import edit_household, find_household
from tests.bank_fixtures import Creche, build_creche, credit, import_lines, write

A = MatchOutcome


@pytest.fixture
def creche(book: Book) -> Creche:
    found = build_creche(book)
    phones = {"DLAMINI02": "+27 82 123 4567", "DLAMINI01": "071 234 5678", "BOTHA04": "0712345678"}
    with book.write(found.tenant) as uow:
        for ref, phone in phones.items():
            details = find_household(uow, ref).details
            edit_household(uow, found.actor, ref, replace(details, phone=phone))
    return found


def run(creche: Creche) -> dict[int, payment_matching.DecidedLine]:
    result = write(creche, lambda uow: payment_matching.run_matching(uow, creche.actor))
    return {line.line.id: line for line in result.lines}


def aliases(creche: Creche) -> set[tuple[str, str]]:
    with creche.book.read(creche.tenant) as uow:
        return {(a.household_ref, a.payer_key) for a in review_queue.aliases(uow)}


def test_a_households_phone_number_finds_it(creche: Creche) -> None:
    own, shared = import_lines(
        creche,
        credit(2, 5, 320_000, "MAGIC 0821234567"),  # DLAMINI02's number, in another form
        credit(3, 6, 485_000, "PAYMENT RECEIVED 071-234-5678"),  # DLAMINI01's and BOTHA04's
    )
    decided = run(creche)
    applied = decided[own]
    assert (applied.decision, applied.household_ref) == (A.AUTO_APPLIED, "DLAMINI02")
    best = applied.candidates[0]
    assert (best["reference_points"], best["amount_points"]) == (40, 40)
    assert "phone number 082 123 4567 is the DLAMINI02 household's" in best["reasons"]
    with creche.book.read(creche.tenant) as uow:
        paid = uow.invoices.get(creche.invoice["DLAMINI02-1"])
    assert paid is not None
    assert paid.status is InvoiceStatus.PAID
    # Both households owe R 4 850: the shared number is a tie, and a person decides.
    tie = decided[shared]
    assert tie.decision is A.REVIEW_REQUIRED
    best_two = [(c["household_ref"], c["reference_points"], c["score"]) for c in tie.candidates]
    assert best_two[:2] == [("BOTHA04", 15, 55), ("DLAMINI01", 15, 55)]
    shared_by = "phone number 071 234 5678 is shared by BOTHA04 and DLAMINI01"
    assert tie.candidates[0]["reasons"][0].startswith(shared_by)


def test_an_account_number_is_learned_on_accept_and_used_next_time(creche: Creche) -> None:
    with creche.book.write(creche.tenant) as uow:
        change_settings(uow, creche.actor, {"bank_account_number": "628 1234 5678"})
    # The creche's own account number is in the text too: it is never learned.
    (first,) = import_lines(
        creche, credit(2, 5, 200_000, "IB PAYMENT FROM 62012345678 TO 62812345678")
    )
    assert run(creche)[first].decision is not A.AUTO_APPLIED
    write(creche, lambda uow: payment_matching.accept(uow, creche.actor, first, "BOTHA04"))
    assert aliases(creche) == {("BOTHA04", "acct:62012345678")}
    # The rest of the invoice, from the same account, with other words around it.
    (later,) = import_lines(
        creche, credit(2, 20, 285_000, "ACB CREDIT 62012345678"), name="later.csv"
    )
    decided = run(creche)[later]
    assert (decided.decision, decided.household_ref) == (A.AUTO_APPLIED, "BOTHA04")
    best = decided.candidates[0]
    assert (best["reference_points"], best["name_points"], best["amount_points"]) == (40, 20, 40)
    assert any(
        reason.startswith("account number 62012345678 was matched to BOTHA04 before (alias ")
        for reason in best["reasons"]
    )
    # Undoing the decision that taught it forgets it.
    write(creche, lambda uow: review_queue.undo(uow, creche.actor, later))
    write(creche, lambda uow: review_queue.undo(uow, creche.actor, first))
    assert aliases(creche) == set()
