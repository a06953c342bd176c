"""``crechebooks check`` (services.checks) finds each kind of broken row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.ledger import Violation
from crechebooks_desktop.services.admin.checks import CheckReport, check_creche
from crechebooks_desktop.services.demo.creche import DemoResult

Demo = tuple[Book, DemoResult]


def _check(demo: Demo) -> CheckReport:
    book, made = demo
    with book.read(made.creche.tenant_id) as uow:
        return check_creche(uow)


def _sql(book: Book, sql: str, **params: Any) -> Any:
    with book.engine.begin() as conn:
        return conn.execute(text(sql), params)


def _scalar(book: Book, sql: str, **params: Any) -> Any:
    with book.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def _household_id(book: Book, ref: str) -> int:
    return int(_scalar(book, "SELECT id FROM households WHERE account_ref = :ref", ref=ref))


def test_demo_book_is_consistent(demo_book: Demo) -> None:
    report = _check(demo_book)
    # Nine opening balances, three months billed, most of it paid through the bank.
    assert (report.households, report.invoices, report.payments) == (45, 182, 125)
    assert report.violations == ()
    assert report.ok is True


def test_stored_balance_off_by_a_cent(demo_book: Demo) -> None:
    book, _made = demo_book
    # DLAMINI01 is square (no opening balance): no entries, no invoices.
    household = _household_id(book, "DLAMINI01")
    _sql(
        book,
        "UPDATE household_balances SET balance_cents = balance_cents + 1 WHERE household_id = :h",
        h=household,
    )
    report = _check(demo_book)
    assert report.ok is False
    assert report.violations == (
        Violation(
            "balance = sum of entries",
            "household DLAMINI01",
            "stored balance 1 ≠ sum of entries 0",
        ),
        Violation(
            "balance = last balance_after",
            "household DLAMINI01",
            "stored balance 1 ≠ last balance_after 0",
        ),
        Violation(
            "balance = outstanding − credit",
            "household DLAMINI01",
            "stored balance 1 ≠ outstanding 0 − credit 0",
        ),
    )
    assert str(report.violations[0]) == (
        "household DLAMINI01: balance = sum of entries: stored balance 1 ≠ sum of entries 0"
    )


def test_stored_balance_off_for_a_household_with_entries(demo_first_day: Demo) -> None:
    book, _made = demo_first_day
    ref = _scalar(
        book,
        "SELECT h.account_ref FROM households h JOIN invoices i ON i.household_id = h.id "
        "WHERE i.number = 'INV-2026-000001'",
    )
    household = _household_id(book, ref)
    balance = int(
        _scalar(
            book,
            "SELECT balance_cents FROM household_balances WHERE household_id = :h",
            h=household,
        )
    )
    assert balance > 0
    _sql(
        book,
        "UPDATE household_balances SET balance_cents = balance_cents + 1 WHERE household_id = :h",
        h=household,
    )
    report = _check(demo_first_day)
    assert [(v.rule, v.subject) for v in report.violations] == [
        ("balance = sum of entries", f"household {ref}"),
        ("balance = last balance_after", f"household {ref}"),
        ("balance = outstanding − credit", f"household {ref}"),
    ]
    assert report.violations[0].detail == (
        f"stored balance {balance + 1} ≠ sum of entries {balance}"
    )


def test_unexplained_credit(demo_book: Demo) -> None:
    book, _made = demo_book
    household = _household_id(book, "DLAMINI01")
    _sql(
        book,
        "UPDATE household_balances SET credit_cents = 700 WHERE household_id = :h",
        h=household,
    )
    report = _check(demo_book)
    assert report.violations == (
        Violation(
            "balance = outstanding − credit",
            "household DLAMINI01",
            "stored balance 0 ≠ outstanding 0 − credit 700",
        ),
    )


def test_invoice_balance_due_without_allocations(demo_first_day: Demo) -> None:
    book, _made = demo_first_day
    number = "INV-2026-000001"
    total = int(_scalar(book, "SELECT total_cents FROM invoices WHERE number = :n", n=number))
    ref = _scalar(
        book,
        "SELECT h.account_ref FROM households h JOIN invoices i ON i.household_id = h.id "
        "WHERE i.number = :n",
        n=number,
    )
    # Consistent with the CHECKs (balance due = total - paid >= 0) but no allocation behind it.
    _sql(
        book,
        "UPDATE invoices SET amount_paid_cents = 1000, balance_due_cents = total_cents - 1000 "
        "WHERE number = :n",
        n=number,
    )
    report = _check(demo_first_day)
    assert report.violations == (
        Violation(
            "balance = outstanding − credit",
            f"household {ref}",
            f"stored balance {total} ≠ outstanding {total - 1000} − credit 0",
        ),
        Violation(
            "balance due = total − allocations",
            f"invoice {number}",
            f"balance due {total - 1000} ≠ total {total} − allocations 0",
        ),
    )


def test_broken_balance_after_chain(demo_book: Demo) -> None:
    book, made = demo_book
    ref = "DLAMINI01"
    household = _household_id(book, ref)
    _sql(
        book,
        "INSERT INTO ledger_entries (tenant_id, household_id, entry_date, entry_type, "
        "amount_cents, balance_after_cents, description, created_at) VALUES "
        "(:t, :h, CURRENT_DATE, 'ADJUSTMENT', 100, 100, 'first', CURRENT_TIMESTAMP)",
        t=made.creche.tenant_id,
        h=household,
    )
    _sql(
        book,
        "INSERT INTO ledger_entries (tenant_id, household_id, entry_date, entry_type, "
        "amount_cents, balance_after_cents, description, created_at) VALUES "
        "(:t, :h, CURRENT_DATE, 'ADJUSTMENT', 250, 999, 'forged', CURRENT_TIMESTAMP)",
        t=made.creche.tenant_id,
        h=household,
    )
    forged = int(_scalar(book, "SELECT max(id) FROM ledger_entries WHERE description = 'forged'"))
    first = int(_scalar(book, "SELECT max(id) FROM ledger_entries WHERE description = 'first'"))
    # Keep the stored balance in step with the entries' sum so that only the chain is wrong.
    _sql(
        book,
        "UPDATE household_balances SET balance_cents = 350 WHERE household_id = :h",
        h=household,
    )
    report = _check(demo_book)
    assert report.violations == (
        Violation(
            "balance = last balance_after",
            f"household {ref}",
            "stored balance 350 ≠ last balance_after 999",
        ),
        Violation(
            "balance = outstanding − credit",
            f"household {ref}",
            "stored balance 350 ≠ outstanding 0 − credit 0",
        ),
        Violation(
            "balance_after chain",
            f"household {ref} entry {forged}",
            "previous 100 + amount 250 ≠ balance_after 999",
        ),
        # Written behind the application's back: neither is in the creche's chain.
        *(
            Violation(
                "history chain",
                f"ledger: row {entry}",
                "is not in the chain: it was written outside CrecheBooks",
            )
            for entry in (first, forged)
        ),
    )


def test_overallocated_payment(demo_first_day: Demo) -> None:
    book, made = demo_first_day
    tenant, number = made.creche.tenant_id, "INV-2026-000001"
    invoice = int(_scalar(book, "SELECT id FROM invoices WHERE number = :n", n=number))
    household = int(_scalar(book, "SELECT household_id FROM invoices WHERE id = :i", i=invoice))
    _sql(
        book,
        "INSERT INTO payments (tenant_id, household_id, payment_date, amount_cents, method, "
        "created_at) VALUES (:t, :h, CURRENT_DATE, 500, 'EFT', CURRENT_TIMESTAMP)",
        t=tenant,
        h=household,
    )
    payment = int(_scalar(book, "SELECT max(id) FROM payments"))
    _sql(
        book,
        "INSERT INTO allocations (tenant_id, payment_id, invoice_id, amount_cents, created_at) "
        "VALUES (:t, :p, :i, 800, CURRENT_TIMESTAMP)",
        t=tenant,
        p=payment,
        i=invoice,
    )
    report = _check(demo_first_day)
    assert report.payments == 1
    rules = [(v.rule, v.subject) for v in report.violations]
    assert ("allocations ≤ payment", f"payment {payment}") in rules
    assert ("balance due = total − allocations", f"invoice {number}") in rules
    assert report.violations[-1].detail == "allocated 800 > amount 500"


def test_void_invoices_are_not_outstanding(demo_book: Demo) -> None:
    book, _made = demo_book
    ref = _scalar(
        book,
        "SELECT h.account_ref FROM households h JOIN invoices i ON i.household_id = h.id "
        "WHERE i.number = 'INV-2026-000002'",
    )
    _sql(book, "UPDATE invoices SET status = 'VOID' WHERE number = 'INV-2026-000002'")
    report = _check(demo_book)
    assert [(v.rule, v.subject) for v in report.violations] == [
        ("balance = outstanding − credit", f"household {ref}")
    ]
