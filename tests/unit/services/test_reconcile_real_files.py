"""Real bank files reconcile from their own balances, or the difference is reported.

Each reference statement in ``tests/golden/bankfiles`` that carries a closing
balance (the OFX/QFX ledger balance) is imported into a new account, every
line is cleared, and a reconciliation is started at the file's end date
without a closing balance: the file's own figure is taken, and the
difference is zero, so it finishes. OFX files carry no opening balance, so the
account is opened (as a bookkeeper would from the paper statement) at the
closing balance less the file's lines, the day before its first line.

The QIF files carry no closing balance: reconciling them asks for one. A CSV
whose running balance jumps (written here) is imported with its problem kept;
reconciling it asks for the bank's figure, and with the file's own closing
balance the difference is reported, to the cent.

Lines are cleared by setting their status through the bank repository, as
the categorise and match services do; the matching and categorising of real
lines is those services' own tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import BankLineStatus, ReconciliationStatus
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.importers.bank import read_statement
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.reconciliation import reconcile
from tests.billing_fixtures import new_creche

GOLDEN = Path(__file__).parents[2] / "golden" / "bankfiles"
FILES = sorted(p for p in GOLDEN.iterdir() if p.suffix in {".ofx", ".qfx", ".qif"})
WITH_CLOSING = [p for p in FILES if read_statement(p.read_bytes(), p.name).closing_balance_cents]
WITHOUT = [p for p in FILES if p not in WITH_CLOSING]
# CBB's export is dated 1997, before the years a book takes (2000-2099): it cannot be imported.
IN_BOOK_YEARS = [p for p in WITHOUT if p.name != "gnucash_cbb-export.qif"]


def _import(book: Book, path: Path, data: bytes, opening: int) -> tuple[int, Actor, Statement]:
    statement = read_statement(data, path.name)
    first = min(line.date for line in statement.lines)
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, "Bank", "other", None, opening, first - dt.timedelta(days=1))
        imported = bank.import_statement(
            uow, actor, "Bank", statement, hashlib.sha256(data).hexdigest()
        )
        # Cleared as the categorise service would leave them.
        uow.bank.set_status([line.id for line in imported.imported], BankLineStatus.CATEGORISED)
    return settings.tenant_id, actor, statement


def test_the_golden_files_that_carry_a_closing_balance() -> None:
    assert [p.name for p in WITH_CLOSING] == [
        "gnucash_cibc_checking.qfx",
        "ofxparse_anzcc.ofx",
        "ofxparse_checking.ofx",
        "ofxparse_suncorp.ofx",
        "ofxtools_stmtrs_euro.ofx",
    ]
    assert [p.name for p in WITHOUT] == ["gnucash_cbb-export.qif", "quiffen_test.qif"]


@pytest.mark.parametrize("path", WITH_CLOSING, ids=lambda p: p.name)
def test_a_statement_reconciles_to_its_own_closing_balance(book: Book, path: Path) -> None:
    data = path.read_bytes()
    parsed = read_statement(data, path.name)
    assert parsed.closing_balance_cents is not None
    assert parsed.period_end is not None
    lines = sum(line.amount_cents for line in parsed.lines)
    tenant, actor, statement = _import(book, path, data, parsed.closing_balance_cents - lines)
    with book.write(tenant) as uow:
        figures = reconcile.start(uow, actor, "Bank", parsed.period_end)
        assert figures.closing_cents == statement.closing_balance_cents
        assert figures.cleared_cents == lines
        assert (figures.difference_cents, figures.uncleared_lines) == (0, ())
        done = reconcile.finish(uow, actor, "Bank")
    assert (done.status, done.locked_through) == (ReconciliationStatus.FINISHED, parsed.period_end)


@pytest.mark.parametrize("path", WITH_CLOSING, ids=lambda p: p.name)
def test_without_the_opening_balance_the_difference_is_what_is_missing(
    book: Book, path: Path
) -> None:
    data = path.read_bytes()
    parsed = read_statement(data, path.name)
    assert parsed.closing_balance_cents is not None
    assert parsed.period_end is not None
    tenant, actor, _statement = _import(book, path, data, 0)
    lines = sum(line.amount_cents for line in parsed.lines)
    with book.write(tenant) as uow:
        figures = reconcile.start(uow, actor, "Bank", parsed.period_end)
        assert figures.difference_cents == parsed.closing_balance_cents - lines
        with pytest.raises(RuleViolation, match="the difference is"):
            reconcile.finish(uow, actor, "Bank")


@pytest.mark.parametrize("path", IN_BOOK_YEARS, ids=lambda p: p.name)
def test_a_file_without_a_closing_balance_asks_for_one(book: Book, path: Path) -> None:
    data = path.read_bytes()
    parsed = read_statement(data, path.name)
    last = max(line.date for line in parsed.lines)
    tenant, actor, _statement = _import(book, path, data, parsed.opening_balance_cents or 0)
    with book.write(tenant) as uow, pytest.raises(RuleViolation) as refused:
        reconcile.start(uow, actor, "Bank", last)
    assert "give the one on the bank's statement with --closing-balance AMOUNT" in str(
        refused.value
    )
    expected = (parsed.opening_balance_cents or 0) + sum(x.amount_cents for x in parsed.lines)
    with book.write(tenant) as uow:
        figures = reconcile.start(uow, actor, "Bank", last, expected)
    assert figures.difference_cents == 0


JUMPING = (
    b"Date,Amount,Balance,Description\n"
    b"2026-03-02,100.00,1100.00,DEPOSIT\n"
    b"2026-03-03,-50.00,1060.00,BANK FEE\n"
    b"2026-03-04,10.00,1070.00,INTEREST\n"
)


def test_a_file_whose_balances_jump_has_its_difference_reported(book: Book) -> None:
    path = Path("jump.csv")
    tenant, actor, statement = _import(book, path, JUMPING, 100_000)
    assert statement.closing_balance_cents == 107_000
    with book.write(tenant) as uow, pytest.raises(RuleViolation) as refused:
        reconcile.start(uow, actor, "Bank", dt.date(2026, 3, 4))
    assert str(refused.value).startswith(
        "the balances in jump.csv do not add up (jump.csv:3: the running balance jumps: the "
        "balance before and the amount -R 50,00 give R 1 050,00, but the file says R 1 060,00: "
        "a difference of R 10,00)"
    )
    with book.write(tenant) as uow:
        figures = reconcile.start(uow, actor, "Bank", dt.date(2026, 3, 4), 107_000)
    assert (figures.opening_cents, figures.cleared_cents, figures.closing_cents) == (
        100_000,
        6_000,
        107_000,
    )
    assert figures.difference_cents == 1_000
