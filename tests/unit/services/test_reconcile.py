"""Reconciling a bank account and locking the period (services.reconciliation.reconcile).

SQLite and PostgreSQL, on the October creche of ``tests.reconcile_fixtures``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import BankImport
from crechebooks_desktop.domain.enums import (
    BankLineStatus,
    PaymentMethod,
    ReconciliationStatus,
)
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import NotFoundError, PeriodLocked, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.ledger import credits as household_credits
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.reconciliation import reconcile
from tests.bank_fixtures import ACCOUNT
from tests.reconcile_fixtures import (
    CLOSING,
    OCT_31,
    OPENING,
    October,
    build_october,
    clear,
    finish_october,
)

D = dt.date
NOV_30 = D(2026, 11, 30)


@pytest.fixture
def october(book: Book) -> October:
    return build_october(book)


def start(october: October, day: dt.date = OCT_31, closing: int | None = None):
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        return reconcile.start(uow, creche.actor, ACCOUNT, day, closing)


def status(october: October, day: dt.date | None = None) -> reconcile.ReconcileStatus:
    creche = october.creche
    with creche.book.read(creche.tenant) as uow:
        return reconcile.status(uow, ACCOUNT, day)


def import_november(october: October, *rows: tuple[int, int, str], closing: int | None = None):
    lines = tuple(
        StatementLine(n, D(2026, 11, day), cents, what) for n, (day, cents, what) in enumerate(rows)
    )
    stmt = Statement(
        "november.ofx", "ofx", None, lines, closing_balance_cents=closing, period_end=NOV_30
    )
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        return bank.import_statement(uow, creche.actor, ACCOUNT, stmt, "1" * 64)


def test_the_statement_reconciles_to_its_running_balance(october: October) -> None:
    started = start(october)
    assert started.as_json() == {
        "account": ACCOUNT,
        "statement_date": "2026-10-31",
        "opening_cents": OPENING,
        "closing_cents": CLOSING,
        "cleared_cents": CLOSING - OPENING,
        "difference_cents": 0,
        "uncleared_lines": [],
        "timing_differences": [
            {
                "kind": "payment",
                "id": october.hand_payment,
                "date": "2026-10-20",
                "amount_cents": 485_000,
                "description": "BOTHA04: payment by cash",
            }
        ],
        "status": "IN_PROGRESS",
        "locked_through": None,
        "cleared_in_cents": 485_000 + 805_000 + 325_000,
        "cleared_out_cents": -125_000 - 3_500,
        "file_balance_cents": None,
        "reconciliation_id": started.reconciliation_id,
        "period_start": "2026-10-01",
        "finished_at": None,
        "finished_by": None,
    }
    assert list(started.as_json())[:8] == [
        "account",
        "statement_date",
        "opening_cents",
        "closing_cents",
        "cleared_cents",
        "difference_cents",
        "uncleared_lines",
        "timing_differences",
    ]
    assert status(october) == started


def test_uncleared_lines_make_the_difference_and_finishing_says_why(october: October) -> None:
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        uow.bank.set_status([october.lines["fee"]], BankLineStatus.UNMATCHED)
        uow.bank.set_status([october.parts[1]], BankLineStatus.REJECTED)
    figures = start(october)
    assert figures.difference_cents == -3_500 + 5_000
    assert [u.line_id for u in figures.uncleared_lines] == [october.lines["fee"], october.parts[1]]
    assert figures.uncleared_lines[1].description == "MR S DLAMINI (part 2 of 2)"
    with creche.book.write(creche.tenant) as uow, pytest.raises(RuleViolation) as refused:
        reconcile.finish(uow, creche.actor, ACCOUNT)
    message = str(refused.value)
    assert "cannot finish the reconciliation of Cheque at 2026-10-31" in message
    assert "the difference is R 15,00" in message
    assert "2 line(s) dated up to 2026-10-31 are not cleared" in message
    clear(creche, (october.lines["fee"], "6500"), (october.parts[1], "6500"))
    assert status(october).can_finish


def test_a_difference_alone_refuses_to_finish(october: October) -> None:
    start(october, closing=CLOSING + 100)
    creche = october.creche
    with creche.book.write(creche.tenant) as uow, pytest.raises(RuleViolation) as refused:
        reconcile.finish(uow, creche.actor, ACCOUNT)
    assert "the difference is R 1,00 (closing R 24 866,00 - opening R 10 000,00" in str(
        refused.value
    )
    assert "not cleared" not in str(refused.value)
    assert status(october).file_balance_cents == CLOSING  # the file's figure is kept and shown


def test_finishing_locks_the_period_and_the_next_opens_from_it(october: October) -> None:
    finish_october(october)
    done = status(october)
    assert done.status is ReconciliationStatus.FINISHED
    assert done.locked_through == OCT_31
    assert done.finished_by == "admin"
    assert done.finished_at is not None
    creche = october.creche
    with creche.book.write(creche.tenant) as uow, pytest.raises(PeriodLocked) as refused:
        reconcile.start(uow, creche.actor, ACCOUNT, D(2026, 10, 15), 0)
    assert str(refused.value).startswith(
        "cannot start a reconciliation of Cheque at 2026-10-15: Cheque is reconciled and "
        "locked through 2026-10-31; an admin can unlock it"
    )
    import_november(october, (2, 50_000, "CASH DEPOSIT"), (9, -2_000, "FEE"), closing=CLOSING)
    november = start(october, NOV_30)
    assert november.opening_cents == CLOSING
    assert november.closing_cents == CLOSING  # the OFX file's ledger balance, ending that day
    assert november.period_start == D(2026, 11, 1)
    assert november.cleared_cents == 0
    assert [u.amount_cents for u in november.uncleared_lines] == [50_000, -2_000]
    assert november.difference_cents == 0
    assert november.locked_through == OCT_31
    assert status(october, OCT_31).status is ReconciliationStatus.FINISHED


def test_starting_again_moves_the_one_in_progress(october: October) -> None:
    first = start(october, D(2026, 10, 10))
    assert first.closing_cents == 1_000_000 + 485_000 - 125_000 + 805_000 - 3_500
    assert first.difference_cents == 0
    again = start(october, OCT_31, 123)
    assert again.reconciliation_id == first.reconciliation_id
    creche = october.creche
    with creche.book.read(creche.tenant) as uow:
        (only,) = reconcile.history(uow, ACCOUNT)
    assert (only.statement_date, only.closing_cents, only.file_balance_cents) == (
        OCT_31,
        123,
        CLOSING,
    )


def test_without_a_balance_from_the_files_the_closing_balance_is_asked_for(
    october: October,
) -> None:
    import_november(october, (2, 50_000, "CASH DEPOSIT"))
    creche = october.creche
    with creche.book.write(creche.tenant) as uow, pytest.raises(RuleViolation) as refused:
        reconcile.start(uow, creche.actor, ACCOUNT, NOV_30)
    assert str(refused.value) == (
        "no imported statement of Cheque gives a closing balance for 2026-11-30; "
        "give the one on the bank's statement with --closing-balance AMOUNT"
    )


def test_a_file_whose_balances_do_not_add_up_needs_the_bookkeepers_figure(
    october: October,
) -> None:
    lines = (
        StatementLine(2, D(2026, 11, 3), 10_000, "A", balance_cents=CLOSING + 10_000),
        StatementLine(3, D(2026, 11, 4), 5_000, "B", balance_cents=CLOSING + 14_000),
    )
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        result = bank.import_statement(
            uow, creche.actor, ACCOUNT, Statement("nov.csv", "csv", "generic", lines), "2" * 64
        )
    problem = (
        "nov.csv:3: the running balance jumps: the balance before and the amount R 50,00 give "
        "R 25 015,00, but the file says R 25 005,00: a difference of -R 10,00"
    )
    assert any(problem in w for w in result.warnings)
    with creche.book.read(creche.tenant) as uow:
        stored = uow._session.scalar(
            select(BankImport.balance_problem).order_by(BankImport.id.desc())
        )
    assert stored == problem
    with creche.book.write(creche.tenant) as uow, pytest.raises(RuleViolation) as refused:
        reconcile.start(uow, creche.actor, ACCOUNT, D(2026, 11, 4))
    assert str(refused.value).startswith(f"the balances in nov.csv do not add up ({problem})")
    assert "--closing-balance AMOUNT" in str(refused.value)
    figures = start(october, D(2026, 11, 4), CLOSING + 15_000)
    assert figures.file_balance_cents == CLOSING + 14_000
    assert figures.closing_cents == CLOSING + 15_000


def test_lines_say_what_clears_each(october: October) -> None:
    creche = october.creche
    with creche.book.read(creche.tenant) as uow:
        shown = {line.line_id: line for line in reconcile.lines(uow, ACCOUNT, OCT_31)}
    assert [line.line_id for line in shown.values()] == [
        *list(october.lines.values()),
        *october.parts,
    ]
    paid = october.paid
    assert shown[october.lines["dlamini"]].cleared_by == f"payment {paid['dlamini']} to DLAMINI01"
    assert shown[october.lines["eskom"]].cleared_by == "6200 Utilities"
    assert shown[october.lines["fee"]].cleared_by == "6500 Bank charges"
    split = shown[october.lines["split"]]
    assert (split.cleared, split.cleared_by, split.part_ids) == (
        True,
        "split: 2 parts, all cleared",
        october.parts,
    )
    part = shown[october.parts[0]]
    assert (part.parent_id, part.cleared_by) == (
        split.line_id,
        f"payment {paid['part']} to DLAMINI02",
    )
    assert shown[october.parts[0]].as_json()["status"] == "MATCHED"
    with creche.book.write(creche.tenant) as uow:
        uow.bank.set_status([october.parts[1]], BankLineStatus.REVIEW)
    with creche.book.read(creche.tenant) as uow:
        shown = {line.line_id: line for line in reconcile.lines(uow, ACCOUNT, OCT_31)}
    assert shown[october.lines["split"]].cleared is False
    assert shown[october.lines["split"]].cleared_by == "split: 1 of 2 parts not cleared"
    assert (shown[october.parts[1]].cleared, shown[october.parts[1]].cleared_by) == (False, None)


def test_refunds_paid_out_by_hand_are_timing_differences(october: October) -> None:
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        uow.roster.add_household("EXTRA05", "Mr Extra")
        payments.add_payment(
            uow, creche.actor, "EXTRA05", 20_000, D(2026, 10, 1), PaymentMethod.EFT
        )
        refund = household_credits.refund_credit(
            uow, creche.actor, "EXTRA05", 5_000, D(2026, 10, 2), "left"
        )
    figures = start(october)
    kinds = [(t.kind, t.amount_cents, t.date.day) for t in figures.timing_differences]
    assert kinds == [("payment", 20_000, 1), ("refund", -5_000, 2), ("payment", 485_000, 20)]
    assert figures.timing_differences[1].id == refund.entry_id
    assert figures.timing_differences[1].description == "EXTRA05: Refund of credit: left"
    # Dated on or before the account's opening balance date: not a difference of these statements.
    with creche.book.write(creche.tenant) as uow:
        uow._session.execute(
            text("UPDATE bank_accounts SET opening_as_of = :d"), {"d": D(2026, 10, 1)}
        )
    assert [t.date.day for t in status(october).timing_differences] == [2, 20]


def test_timing_differences_belong_to_the_first_bank_account(october: October) -> None:
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        bank.add_account(uow, creche.actor, "Savings", "fnb", None, 5_000, D(2026, 9, 30))
    figures = start(october)
    assert len(figures.timing_differences) == 1
    with creche.book.write(creche.tenant) as uow:
        other = reconcile.start(uow, creche.actor, "Savings", OCT_31, 5_000)
    assert (other.opening_cents, other.difference_cents, other.timing_differences) == (5_000, 0, ())


def test_unlock_is_for_admins_with_a_reason_and_moves_the_lock_back(october: October) -> None:
    finish_october(october)
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        add_user(uow, creche.actor, "betty", Role.BOOKKEEPER, "pw")
    with creche.book.write(creche.tenant) as uow:
        betty = acting_user(uow, creche.tenant, "betty")
        with pytest.raises(PermissionDenied, match="may not unlock a reconciled period"):
            reconcile.unlock(uow, betty, ACCOUNT, "a mistake")
        with pytest.raises(RuleViolation, match="a reason is needed to unlock"):
            reconcile.unlock(uow, creche.actor, ACCOUNT, "  ")
    with creche.book.write(creche.tenant) as uow:
        unlocked = reconcile.unlock(uow, creche.actor, ACCOUNT, "ESKOM was the wrong account")
        assert uow.bank.locks.of_account(october.account_id) is None
    assert unlocked.status is ReconciliationStatus.UNLOCKED
    assert (unlocked.unlocked_by, unlocked.unlock_reason) == (
        "admin",
        "ESKOM was the wrong account",
    )
    assert unlocked.finished_by == "admin"
    figures = status(october, OCT_31)
    assert (figures.status, figures.locked_through) == (ReconciliationStatus.UNLOCKED, None)
    with creche.book.write(creche.tenant) as uow, pytest.raises(RuleViolation):
        reconcile.unlock(uow, creche.actor, ACCOUNT, "again")
    with creche.book.read(creche.tenant) as uow:
        actions = [a.action for a in uow.audit.latest(creche.tenant, 5)]
    assert actions[0] == "reconcile.unlock"
    assert "reconcile.finish" in actions


def test_unknown_account_and_nothing_started(october: October) -> None:
    creche = october.creche
    with creche.book.read(creche.tenant) as uow:
        with pytest.raises(NotFoundError, match="no bank account named 'Nope'"):
            reconcile.status(uow, "Nope")
        with pytest.raises(NotFoundError, match="Cheque has no reconciliation; start one with"):
            reconcile.status(uow, ACCOUNT)
    with creche.book.write(creche.tenant) as uow, pytest.raises(RuleViolation, match="in progress"):
        reconcile.finish(uow, creche.actor, ACCOUNT)
    with (
        creche.book.write(creche.tenant) as uow,
        pytest.raises(RuleViolation, match="as of 2026-09-30"),
    ):
        reconcile.start(uow, creche.actor, ACCOUNT, D(2026, 9, 30), 0)
