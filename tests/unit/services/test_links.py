"""Link, don't count twice; candidates stay true (issue 11), SQLite and PostgreSQL.

The creche is that of ``tests/bank_fixtures.py``: October invoiced and sent,
a bank account ``Cheque``. After every change the book's invariants are
checked (``crechebooks check``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.db.tables import LedgerEntry, Payment, Reconciliation, RefundLink
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import (
    BankLineStatus,
    EntryType,
    InvoiceStatus,
    MatchOutcome,
    PaymentMethod,
    ReconciliationStatus,
)
from crechebooks_desktop.errors import NotFoundError, PeriodLocked, RuleViolation
from crechebooks_desktop.services.bank import payment_matching, review_queue
from crechebooks_desktop.services.billing.invoice_lifecycle import void_invoice
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.ledger.credits import refund_credit
from crechebooks_desktop.services.reconciliation import links
from tests.bank_fixtures import Creche, build_creche, credit, import_lines, write

A = MatchOutcome
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def creche(book: Book) -> Creche:
    return build_creche(book)


def refused(
    creche: Creche, error: type[Exception], match: str, action: Callable[[UnitOfWork], Any]
):
    with pytest.raises(error, match=match), creche.book.write(creche.tenant) as uow:
        action(uow)


def pay_by_hand(
    creche: Creche,
    ref: str,
    cents: int,
    day: int,
    requested: list[tuple[str, int]] | None = None,
) -> int:
    paid = write(
        creche,
        lambda uow: payments.add_payment(
            uow,
            creche.actor,
            ref,
            cents,
            dt.date(2026, 10, day),
            PaymentMethod.EFT,
            "by hand",
            requested,
        ),
    )
    return int(paid.payment_id)


def run(creche: Creche) -> dict[int, payment_matching.DecidedLine]:
    result = write(creche, lambda uow: payment_matching.run_matching(uow, creche.actor))
    return {line.line.id: line for line in result.lines}


def listed(creche: Creche) -> dict[int, payment_matching.DecidedLine]:
    with creche.book.read(creche.tenant) as uow:
        return {line.line.id: line for line in review_queue.list_lines(uow)}


def payment_rows(creche: Creche) -> dict[int, tuple[int | None, bool]]:
    """Each payment's bank line and whether it was reversed."""
    with creche.book.read() as uow:
        rows = uow._session.execute(select(Payment.id, Payment.bank_line_id, Payment.reversed_at))
        return {int(i): (line, reversed_at is not None) for i, line, reversed_at in rows}


def invoice_state(creche: Creche, child: str) -> tuple[InvoiceStatus, int]:
    with creche.book.read(creche.tenant) as uow:
        found = uow.invoices.get(creche.invoice[child])
    assert found is not None
    return found.status, found.balance_due_cents


def lock_through(creche: Creche, day: dt.date) -> None:
    """A finished reconciliation of the Cheque account up to ``day``."""
    with creche.book.write(creche.tenant) as uow:
        account = uow.bank.account_named("Cheque")
        assert account is not None
        uow._session.execute(
            insert(Reconciliation),
            [
                {
                    "tenant_id": creche.tenant,
                    "bank_account_id": account.id,
                    "statement_date": day,
                    "statement_balance_cents": 0,
                    "status": ReconciliationStatus.FINISHED,
                    "created_at": utc_now(),
                    "finished_at": utc_now(),
                }
            ],
        )


# ----------------------------------------------------------------------------- link candidates


def test_a_line_that_is_a_hand_payment_offers_the_link_first_and_waits(creche: Creche) -> None:
    kavir, anika = creche.invoice["NAIDOO03-1"], creche.invoice["NAIDOO03-2"]
    # Recorded by hand on the 3rd, but put on Kavir's invoice by mistake.
    payment_id = pay_by_hand(creche, "NAIDOO03", 320_000, 3, [(kavir, 320_000)])
    # Without the payment this line (Anika's invoice quoted, its exact balance) is certain.
    (line_id,) = import_lines(creche, credit(2, 5, 320_000, f"P NAIDOO {anika}", anika))
    decided = run(creche)[line_id]
    assert decided.decision is A.REVIEW_REQUIRED  # never applied: it would count twice
    assert decided.line.status is BankLineStatus.REVIEW
    first, second = decided.candidates[:2]
    assert (first["kind"], first["payment_id"], first["household_ref"]) == (
        "link",
        payment_id,
        "NAIDOO03",
    )
    assert first["payment_date"] == "2026-10-03"
    assert first["invoice_numbers"] == []
    assert first["reasons"][0] == (
        f"payment {payment_id} of R 3 200,00 recorded by hand on 2026-10-03 for NAIDOO03; "
        "accepting links this line to it"
    )
    assert (second["kind"], second["household_ref"]) == ("pay", "NAIDOO03")
    assert second["score"] >= 80
    assert second["payment_id"] is None
    assert set(payment_rows(creche)) == {payment_id}


def test_a_payment_of_a_household_not_scored_is_offered_when_it_is_the_only_one(
    creche: Creche,
) -> None:
    payment_id = pay_by_hand(creche, "BOTHA04", 123_400, 8, [])
    other_day = pay_by_hand(creche, "BOTHA04", 55_500, 1, [])
    near, far, odd = import_lines(
        creche,
        credit(2, 12, 123_400, "CASH DEPOSIT"),  # 4 days later
        credit(3, 2, 123_400, "CASH DEPOSIT 2"),  # 6 days before: outside the window
        credit(4, 8, 55_500, "DEPOSIT"),  # 7 days after payment 2
    )
    decided = run(creche)
    (link,) = decided[near].candidates
    assert (link["kind"], link["payment_id"], link["score"]) == ("link", payment_id, 40)
    assert decided[near].decision is A.REVIEW_REQUIRED
    assert decided[far].decision is A.NO_MATCH
    assert decided[odd].decision is A.NO_MATCH
    assert other_day not in {c.get("payment_id") for c in decided[odd].candidates}


def test_a_hand_payment_of_another_household_holds_up_no_certain_line(creche: Creche) -> None:
    thabo = creche.invoice["DLAMINI01-1"]
    pay_by_hand(creche, "BOTHA04", 485_000, 3, [])  # BOTHA04 owes R 4 850,00 too
    (line_id,) = import_lines(creche, credit(2, 4, 485_000, f"MRS N DLAMINI {thabo}", thabo))
    decided = run(creche)[line_id]
    assert decided.decision is A.AUTO_APPLIED
    assert all(c["kind"] == "pay" for c in decided.candidates)


def test_two_strangers_of_the_same_amount_are_a_guess_not_a_link(creche: Creche) -> None:
    pay_by_hand(creche, "BOTHA04", 123_400, 8, [])
    pay_by_hand(creche, "DLAMINI02", 123_400, 9, [])
    (line_id,) = import_lines(creche, credit(2, 10, 123_400, "CASH DEPOSIT"))
    assert run(creche)[line_id].candidates == ()


def test_reversed_and_linked_payments_are_not_offered(creche: Creche) -> None:
    gone = pay_by_hand(creche, "BOTHA04", 123_400, 8, [])
    write(creche, lambda uow: payments.reverse_payment(uow, creche.actor, gone, "typo"))
    (line_id,) = import_lines(creche, credit(2, 9, 123_400, "CASH DEPOSIT"))
    assert run(creche)[line_id].candidates == ()


# ----------------------------------------------------------------------------- linking payments


def test_linking_makes_no_new_payment_and_teaches_the_payer(creche: Creche) -> None:
    payment_id = pay_by_hand(creche, "BOTHA04", 485_000, 4)
    assert invoice_state(creche, "BOTHA04-1") == (InvoiceStatus.PAID, 0)
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    decided = run(creche)[line_id]
    assert decided.candidates[0]["payment_id"] == payment_id
    linked = write(creche, lambda uow: links.accept_candidate(uow, creche.actor, line_id))
    assert (linked.decision, linked.line.status) == (A.LINKED, BankLineStatus.MATCHED)
    assert (linked.household_ref, linked.payment_id) == ("BOTHA04", payment_id)
    assert payment_rows(creche) == {payment_id: (line_id, False)}
    assert invoice_state(creche, "BOTHA04-1") == (InvoiceStatus.PAID, 0)
    shown = listed(creche)[line_id]
    assert (shown.decision, shown.payment_id) == (A.LINKED, payment_id)
    with creche.book.read(creche.tenant) as uow:
        assert {a.household_ref for a in review_queue.aliases(uow)} == {"BOTHA04"}
        actions = [r.action for r in uow.audit.latest(creche.tenant)]
    assert "match.link" in actions


def test_undoing_a_link_unlinks_and_never_reverses(creche: Creche) -> None:
    payment_id = pay_by_hand(creche, "BOTHA04", 485_000, 4)
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    write(creche, lambda uow: links.link_payment(uow, creche.actor, line_id, payment_id))
    undone = write(creche, lambda uow: review_queue.undo(uow, creche.actor, line_id))
    assert (undone.decision, undone.line.status) == (A.UNDONE, BankLineStatus.REVIEW)
    assert payment_rows(creche) == {payment_id: (None, False)}
    assert invoice_state(creche, "BOTHA04-1") == (InvoiceStatus.PAID, 0)
    with creche.book.read(creche.tenant) as uow:
        assert review_queue.aliases(uow) == []
    # It can be linked again.
    again = write(creche, lambda uow: links.link_payment(uow, creche.actor, line_id, payment_id))
    assert again.decision is A.LINKED


def test_accepting_the_household_of_a_link_as_a_new_payment_is_refused(creche: Creche) -> None:
    payment_id = pay_by_hand(creche, "BOTHA04", 485_000, 4, [])
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    run(creche)
    refused(
        creche,
        RuleViolation,
        rf"looks like payment {payment_id} of BOTHA04.*match link {line_id} --payment "
        rf"{payment_id}.*--new-payment",
        lambda uow: payment_matching.accept(uow, creche.actor, line_id, "BOTHA04"),
    )
    # Said on purpose, it is another payment.
    paid = write(
        creche,
        lambda uow: payment_matching.accept(
            uow, creche.actor, line_id, "BOTHA04", new_payment=True
        ),
    )
    assert paid.decision is A.ACCEPTED
    assert len(payment_rows(creche)) == 2


def test_accepting_the_second_candidate_pays_as_chosen(creche: Creche) -> None:
    pay_by_hand(creche, "BOTHA04", 485_000, 4, [])
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    run(creche)
    chosen = write(creche, lambda uow: links.accept_candidate(uow, creche.actor, line_id, 1))
    assert (chosen.decision, chosen.household_ref) == (A.ACCEPTED, "BOTHA04")
    refused(
        creche,
        RuleViolation,
        "is MATCHED; undo",
        lambda uow: links.accept_candidate(uow, creche.actor, line_id, 0),
    )
    (other,) = import_lines(creche, credit(9, 7, 1_234, "INTEREST"), name="b.csv")
    refused(
        creche,
        RuleViolation,
        f"bank line {other} has no candidate 1",
        lambda uow: links.accept_candidate(uow, creche.actor, other),
    )


def test_accept_all_leaves_a_link_to_a_person(creche: Creche) -> None:
    pay_by_hand(creche, "BOTHA04", 485_000, 4, [])
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    run(creche)
    assert write(creche, lambda uow: review_queue.accept_all(uow, creche.actor, 1)) == []
    assert listed(creche)[line_id].line.status is BankLineStatus.REVIEW


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("amount", RuleViolation, r"is R 4 850,00 but payment \d+ is R 4 849,99"),
        ("reversed", RuleViolation, r"was reversed \(typo\)"),
        ("linked", RuleViolation, r"is linked to bank line \d+ already"),
        ("missing", NotFoundError, "no payment 999 in this creche"),
        ("money out", RuleViolation, "is money out: link it with --refund"),
        ("decided", RuleViolation, "is REJECTED; undo its decision first"),
        ("locked", PeriodLocked, "is reconciled and locked through 2026-10-31"),
    ],
)
def test_link_payment_refuses(creche: Creche, case: str, error: type, message: str) -> None:
    cents = 484_999 if case == "amount" else 485_000
    payment_id = 999 if case == "missing" else pay_by_hand(creche, "BOTHA04", cents, 4, [])
    line_id, other, out = import_lines(
        creche,
        credit(2, 6, 485_000, "A BOTHA"),
        credit(3, 6, 485_000, "A BOTHA AGAIN"),
        credit(4, 6, -485_000, "PAID OUT"),
    )
    if case == "reversed":
        write(creche, lambda uow: payments.reverse_payment(uow, creche.actor, payment_id, "typo"))
    if case == "linked":
        write(creche, lambda uow: links.link_payment(uow, creche.actor, other, payment_id))
    if case == "decided":
        write(creche, lambda uow: payment_matching.reject(uow, creche.actor, line_id))
    if case == "money out":
        line_id = out
    if case == "locked":
        lock_through(creche, dt.date(2026, 10, 31))
    before = payment_rows(creche)
    refused(
        creche,
        error,
        message,
        lambda uow: links.link_payment(uow, creche.actor, line_id, payment_id),
    )
    assert payment_rows(creche) == before


def test_undoing_a_link_in_a_locked_period_is_refused(creche: Creche) -> None:
    payment_id = pay_by_hand(creche, "BOTHA04", 485_000, 4)
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA"))
    write(creche, lambda uow: links.link_payment(uow, creche.actor, line_id, payment_id))
    lock_through(creche, dt.date(2026, 10, 31))
    refused(
        creche,
        PeriodLocked,
        "cannot undo the decision on bank line .* locked through 2026-10-31",
        lambda uow: review_queue.undo(uow, creche.actor, line_id),
    )
    assert payment_rows(creche) == {payment_id: (line_id, False)}


# ----------------------------------------------------------------------------- refunds


def refund(creche: Creche, cents: int, day: int) -> int:
    pay_by_hand(creche, "BOTHA04", cents, 1, [])  # credit to pay back
    done = write(
        creche,
        lambda uow: refund_credit(
            uow, creche.actor, "BOTHA04", cents, dt.date(2026, 10, day), "paid twice"
        ),
    )
    return int(done.entry_id)


def refund_links(creche: Creche) -> dict[int, int]:
    with creche.book.read() as uow:
        rows = uow._session.execute(select(RefundLink.ledger_entry_id, RefundLink.bank_line_id))
        return {int(e): int(line) for e, line in rows}


def test_a_refund_paid_by_hand_is_offered_for_a_debit_and_linked(creche: Creche) -> None:
    entry_id = refund(creche, 50_000, 9)
    debit, early, credit_line = import_lines(
        creche,
        credit(2, 12, -50_000, "EFT TO A BOTHA"),
        credit(3, 2, -50_000, "EFT TOO EARLY"),
        credit(4, 12, 50_000, "MONEY IN"),
    )
    with creche.book.read(creche.tenant) as uow:
        (offered,) = links.refund_candidates(uow, debit)
        assert links.refund_candidates(uow, early) == []
        assert links.refund_candidates(uow, credit_line) == []
        with pytest.raises(NotFoundError, match="no bank line 999"):
            links.refund_candidates(uow, 999)
    assert (offered.entry_id, offered.household_ref, offered.amount_cents) == (
        entry_id,
        "BOTHA04",
        50_000,
    )
    assert offered.as_json()["kind"] == "refund"
    assert "paid out by hand on 2026-10-09 to BOTHA04" in offered.reason
    linked = write(creche, lambda uow: links.link_refund(uow, creche.actor, debit, entry_id))
    assert (linked.decision, linked.line.status) == (A.LINKED, BankLineStatus.MATCHED)
    assert (linked.household_ref, linked.note) == ("BOTHA04", f"refund entry {entry_id}")
    assert refund_links(creche) == {entry_id: debit}
    with creche.book.read(creche.tenant) as uow:
        assert links.refund_candidates(uow, debit) == []  # linked: no longer offered
    undone = write(creche, lambda uow: review_queue.undo(uow, creche.actor, debit))
    assert (undone.decision, undone.line.status) == (A.UNDONE, BankLineStatus.UNMATCHED)
    assert refund_links(creche) == {}


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("amount", RuleViolation, r"is R 500,01 but refund entry \d+ is R 500,00"),
        ("not a refund", RuleViolation, r"ledger entry \d+ is a PAYMENT, not a REFUND"),
        ("linked", RuleViolation, r"refund entry \d+ is linked to bank line \d+ already"),
        ("missing", NotFoundError, "no ledger entry 99999 in this creche"),
        ("money in", RuleViolation, "is money in: link it with --payment"),
        ("locked", PeriodLocked, "cannot link bank line .* locked through 2026-10-31"),
    ],
)
def test_link_refund_refuses(creche: Creche, case: str, error: type, message: str) -> None:
    entry_id = refund(creche, 50_000, 9)
    cents = -50_001 if case == "amount" else -50_000
    debit, other, money_in = import_lines(
        creche,
        credit(2, 10, cents, "EFT TO A BOTHA"),
        credit(3, 10, -50_000, "EFT AGAIN"),
        credit(4, 10, 50_000, "IN"),
    )
    if case == "not a refund":
        with creche.book.read() as uow:
            entry_id = int(
                uow._session.scalar(
                    select(func.min(LedgerEntry.id)).where(
                        LedgerEntry.entry_type == EntryType.PAYMENT
                    )
                )
                or 0
            )
    if case == "linked":
        write(creche, lambda uow: links.link_refund(uow, creche.actor, other, entry_id))
    if case == "missing":
        entry_id = 99999
    if case == "money in":
        debit = money_in
    if case == "locked":
        lock_through(creche, dt.date(2026, 10, 31))
    before = refund_links(creche)
    refused(
        creche, error, message, lambda uow: links.link_refund(uow, creche.actor, debit, entry_id)
    )
    assert refund_links(creche) == before


# ----------------------------------------------------------------------------- the other way round


def test_a_waiting_line_is_found_when_a_payment_is_recorded_by_hand(creche: Creche) -> None:
    botha, _stranger, _twin, single, old = import_lines(
        creche,
        credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"),
        credit(3, 6, 222_200, "DEPOSIT"),
        credit(4, 7, 222_200, "DEPOSIT AGAIN"),
        credit(5, 7, 111_100, "CASH DEPOSIT"),
        credit(6, 20, 485_000, "A BOTHA", payer="A BOTHA"),  # 16 days after
    )
    run(creche)
    day = dt.date(2026, 10, 4)
    with creche.book.read(creche.tenant) as uow:
        found = links.waiting_lines_like(uow, "botha04", 485_000, day)
        # The line names Botha: it is not DLAMINI02's.
        assert links.waiting_lines_like(uow, "DLAMINI02", 485_000, day) == []
        # A line that names nobody: the single one of the amount and dates...
        alone = links.waiting_lines_like(uow, "DLAMINI02", 111_100, day)
        # ...but not one of two.
        assert links.waiting_lines_like(uow, "DLAMINI02", 222_200, day) == []
        assert links.waiting_lines_like(uow, "BOTHA04", 0, day) == []
        with pytest.raises(NotFoundError):
            links.waiting_lines_like(uow, "NOBODY", 485_000, day)
    assert [line.id for line in found] == [botha]
    assert [line.id for line in alone] == [single]
    assert old not in {line.id for line in found}
    # Recording it by hand puts the link first on that line at once.
    payment_id = pay_by_hand(creche, "BOTHA04", 485_000, 4)
    first = listed(creche)[botha].candidates[0]
    assert (first["kind"], first["payment_id"]) == ("link", payment_id)


def test_record_and_link_leaves_exactly_one_payment(creche: Creche) -> None:
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    run(creche)
    done = write(
        creche,
        lambda uow: links.record_and_link(
            uow,
            creche.actor,
            "BOTHA04",
            485_000,
            dt.date(2026, 10, 5),
            PaymentMethod.DEBIT_ORDER,
            "DO 77",
            line_id,
        ),
    )
    assert done.line.decision is A.LINKED
    assert payment_rows(creche) == {done.payment.payment_id: (line_id, False)}
    assert done.as_json()["line"]["payment_id"] == done.payment.payment_id  # type: ignore[index]
    assert invoice_state(creche, "BOTHA04-1") == (InvoiceStatus.PAID, 0)


# ----------------------------------------------------------------------------- candidates stay true


def test_a_review_line_drops_an_invoice_paid_by_hand(creche: Creche) -> None:
    thabo = creche.invoice["DLAMINI01-1"]
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    before = run(creche)[line_id].candidates
    assert thabo in {n for c in before for n in c["invoice_numbers"]}  # DLAMINI01 on amount
    pay_by_hand(creche, "DLAMINI01", 485_000, 20)  # pays Thabo's invoice; not like the line
    after = listed(creche)[line_id].candidates
    assert thabo not in {n for c in after for n in c["invoice_numbers"]}
    assert after[0]["household_ref"] == "BOTHA04"


def test_a_review_line_drops_an_invoice_paid_by_another_line(creche: Creche) -> None:
    thabo = creche.invoice["DLAMINI01-1"]
    botha, dlamini = import_lines(
        creche,
        credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"),
        credit(3, 7, 485_000, "N DLAMINI", payer="N DLAMINI"),
    )
    run(creche)
    assert thabo in {n for c in listed(creche)[botha].candidates for n in c["invoice_numbers"]}
    write(creche, lambda uow: payment_matching.accept(uow, creche.actor, dlamini, "DLAMINI01"))
    assert thabo not in {n for c in listed(creche)[botha].candidates for n in c["invoice_numbers"]}
    # The window reads such lines again by id (credits only, in the statuses asked).
    with creche.book.read(creche.tenant) as uow:
        again = review_queue.list_lines(uow, line_ids=[dlamini, botha, 999])
        review = review_queue.list_lines(uow, [BankLineStatus.REVIEW], line_ids=[dlamini, botha])
    assert [d.line.id for d in again] == [botha, dlamini]
    assert [d.line.id for d in review] == [botha]
    assert again[0].candidates == listed(creche)[botha].candidates


def test_a_review_line_drops_a_voided_invoice(creche: Creche) -> None:
    thabo = creche.invoice["DLAMINI01-1"]
    (line_id,) = import_lines(creche, credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"))
    run(creche)
    write(creche, lambda uow: void_invoice(uow, creche.actor, thabo, "billed twice"))
    refs = {c["household_ref"] for c in listed(creche)[line_id].candidates}
    assert "DLAMINI01" not in refs


def test_a_line_offering_a_payment_linked_elsewhere_drops_it(creche: Creche) -> None:
    payment_id = pay_by_hand(creche, "BOTHA04", 485_000, 4, [])
    one, two = import_lines(
        creche,
        credit(2, 6, 485_000, "A BOTHA", payer="A BOTHA"),
        credit(3, 7, 485_000, "A BOTHA", payer="A BOTHA"),
    )
    decided = run(creche)
    assert decided[two].candidates[0]["payment_id"] == payment_id
    write(creche, lambda uow: links.link_payment(uow, creche.actor, one, payment_id))
    assert payment_id not in {c["payment_id"] for c in listed(creche)[two].candidates}


def test_a_line_in_a_locked_period_is_left_as_it_was(creche: Creche) -> None:
    (line_id,) = import_lines(creche, credit(2, 6, 805_000, "DEPOSIT"))
    (only,) = run(creche)[line_id].candidates  # NAIDOO03, on its amount
    assert only["household_ref"] == "NAIDOO03"
    lock_through(creche, dt.date(2026, 10, 31))
    # Paying NAIDOO03's invoices by hand would leave the line no candidate: it is not
    # scored again, and the payment is not refused because of it.
    pay_by_hand(creche, "NAIDOO03", 805_000, 20)
    kept = listed(creche)[line_id]
    assert kept.line.status is BankLineStatus.REVIEW
    assert kept.candidates == (only,)


def test_rescoring_is_one_query_when_nothing_waits(creche: Creche) -> None:
    with creche.book.write(creche.tenant) as uow:
        assert payment_matching.rescore_lines_naming(uow, creche.actor) == []
        assert payment_matching.rescore_lines_naming(uow, creche.actor, ["NOPE"]) == []


# ----------------------------------------------------------------------------- drafts


def test_a_household_whose_month_is_not_sent_says_so(creche: Creche) -> None:
    from tests.billing_fixtures import run_month

    nov = dt.date(2026, 11, 1)
    run_month(creche.book, creche.actor, nov)  # November's invoices: drafts
    with creche.book.read(creche.tenant) as uow:
        where = InvoiceFilter(status=InvoiceStatus.DRAFT, household_ref="BOTHA04")
        drafts = [i.number for i in uow.invoices.find(where)]
    (line_id,) = import_lines(
        creche, credit(2, 28, 485_000, "A BOTHA", payer="A BOTHA"), name="nov.csv"
    )
    paid_oct = pay_by_hand(creche, "BOTHA04", 485_000, 1)  # October paid already
    assert paid_oct
    decided = run(creche)[line_id]
    botha = next(c for c in decided.candidates if c["household_ref"] == "BOTHA04")
    assert botha["draft_months"] == ["2026-11"]
    assert len(botha["draft_invoices"]) == 1
    assert botha["draft_invoices"] == drafts
    assert any(r.startswith("November is not sent yet (") for r in botha["reasons"])
