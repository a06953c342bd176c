"""Bank accounts, statement imports and splits (services.bank), SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import AuditRecord, BankImport, BankLine
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import BankLineStatus
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.tasks import Cancelled, TaskState

Creche = tuple[CrecheSettings, Actor]
D = dt.date


def line(n: int, day: int, cents: int, text: str, fitid: str | None = None) -> StatementLine:
    return StatementLine(n, D(2026, 3, day), cents, text, fitid=fitid)


MARCH = (
    line(5, 2, 350_000, "MRS N DLAMINI FEES", "F1"),
    line(6, 2, -1_250, "SERVICE FEE", "F1"),  # the bank reused the FITID for its fee
    line(7, 3, 50_000, "CASH DEPOSIT"),
    line(8, 3, 50_000, "CASH DEPOSIT"),  # a genuine second deposit of the same amount
    line(9, 5, -99_900, "DEBIT ORDER INSURANCE"),
)


def statement(*lines: StatementLine, name: str = "march.ofx") -> Statement:
    return Statement(name, "ofx", None, tuple(lines), warnings=(f"{name}:1: a warning",))


@pytest.fixture
def account(book: Book, creche: Creche) -> str:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, "Cheque account", "fnb", "62 123 456 789")
    return "Cheque account"


def do_import(
    book: Book, creche: Creche, stmt: Statement, sha: str = "a" * 64
) -> bank.ImportResult:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        return bank.import_statement(uow, actor, "cheque ACCOUNT", stmt, sha)


def lines_in(book: Book, creche: Creche) -> list[tuple[str, int, str]]:
    with book.read(creche[0].tenant_id) as uow:
        return [(x.date.isoformat(), x.amount_cents, x.description) for x in uow.bank.lines()]


def count(book: Book, model: type) -> int:
    with book.read() as uow:
        return int(uow._session.scalar(select(func.count()).select_from(model)) or 0)


def test_accounts_add_and_list(book: Book, creche: Creche) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        added = bank.add_account(
            uow, actor, "  Savings   pocket ", "capitec", None, 1_000_000, D(2026, 2, 28)
        )
    assert added.name == "Savings pocket"
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, "Cheque", "fnb")
        with pytest.raises(RuleViolation, match="already a bank account named"):
            bank.add_account(uow, actor, "SAVINGS POCKET")
    with book.read(settings.tenant_id) as uow:
        listed = bank.list_accounts(uow)
    assert [(a.name, a.bank, a.balance_cents, a.line_count) for a in listed] == [
        ("Cheque", "fnb", 0, 0),
        ("Savings pocket", "capitec", 1_000_000, 0),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"name": "A", "bank": "bank of mars"}, "unknown bank"),
        ({"name": "A", "opening_balance_cents": 100}, "needs the date"),
        ({"name": "A", "number": "9" * 41}, "too long"),
    ],
)
def test_accounts_add_refuses(book: Book, creche: Creche, kwargs: dict, message: str) -> None:
    settings, actor = creche
    with pytest.raises(RuleViolation, match=message), book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, **kwargs)


def test_import_writes_lines_and_skips_them_the_second_time(
    book: Book, creche: Creche, account: str
) -> None:
    first = do_import(book, creche, statement(*MARCH))
    assert len(first.imported) == 5
    assert first.duplicates == 0
    assert [x.amount_cents for x in first.imported] == [350_000, -1_250, 50_000, 50_000, -99_900]
    assert all(x.status is BankLineStatus.UNMATCHED for x in first.imported)
    assert first.warnings == ("march.ofx:1: a warning",)
    again = do_import(book, creche, statement(*MARCH))
    assert (len(again.imported), again.duplicates, again.import_id) == (0, 5, None)
    assert any("was imported into Cheque account before" in w for w in again.warnings)
    assert len(lines_in(book, creche)) == 5
    assert count(book, BankImport) == 1
    with book.read(creche[0].tenant_id) as uow:
        (acc,) = bank.list_accounts(uow)
    assert (acc.line_count, acc.balance_cents) == (5, 350_000 - 1_250 + 100_000 - 99_900)


def test_an_overlapping_statement_adds_only_new_lines(
    book: Book, creche: Creche, account: str
) -> None:
    do_import(book, creche, statement(*MARCH[:3]))
    later = (
        *MARCH[2:],  # overlaps: the first cash deposit is there already, the second is new
        line(3, 9, 120_000, "NAIDOO SCHOOL FEES"),
    )
    result = do_import(book, creche, statement(*later, name="late-march.csv"), "b" * 64)
    assert [(x.amount_cents, x.description) for x in result.imported] == [
        (50_000, "CASH DEPOSIT"),
        (-99_900, "DEBIT ORDER INSURANCE"),
        (120_000, "NAIDOO SCHOOL FEES"),
    ]
    assert result.duplicates == 1
    assert len(lines_in(book, creche)) == 6


def test_import_is_audited_and_refuses_a_viewer(book: Book, creche: Creche, account: str) -> None:
    settings, _admin = creche
    result = do_import(book, creche, statement(*MARCH))
    with book.read() as uow:
        actions = list(
            uow._session.scalars(
                select(AuditRecord.after).where(AuditRecord.action == "bank.import")
            )
        )
    assert actions == [
        {
            "account": "Cheque account",
            "file": "march.ofx",
            "sha256": "a" * 64,
            "format": "ofx",
            "profile": None,
            "imported": 5,
            "duplicates": 0,
            "total_cents": sum(x.amount_cents for x in result.imported),
            "balance_problem": None,
        }
    ]
    with book.write(settings.tenant_id) as uow:
        add_user(uow, creche[1], "olive", Role.OWNER_VIEWER, "pw", "Olive Owner")
    with book.read(settings.tenant_id) as uow:
        viewer = acting_user(uow, settings.tenant_id, "olive")
    with pytest.raises(PermissionDenied), book.write(settings.tenant_id) as uow:
        bank.import_statement(uow, viewer, account, statement(line(1, 9, 5, "X")), "c" * 64)


def test_import_into_an_unknown_account_names_the_ones_there_are(
    book: Book, creche: Creche, account: str
) -> None:
    settings, actor = creche
    with (
        pytest.raises(NotFoundError, match="Cheque account"),
        book.write(settings.tenant_id) as uow,
    ):
        bank.import_statement(uow, actor, "Savings", statement(*MARCH), "a" * 64)


def test_a_cancelled_import_writes_nothing(book: Book, creche: Creche, account: str) -> None:
    settings, actor = creche
    state = TaskState()
    state.cancel()
    with pytest.raises(Cancelled), book.write(settings.tenant_id) as uow:
        bank.import_statement(uow, actor, account, statement(*MARCH), "a" * 64, state)
    assert count(book, BankLine) == 0
    assert count(book, BankImport) == 0


def test_split_makes_parts_that_add_up(book: Book, creche: Creche, account: str) -> None:
    settings, actor = creche
    imported = do_import(book, creche, statement(line(4, 2, 100_000, "DLAMINI FEES")))
    (whole,) = imported.imported
    with book.write(settings.tenant_id) as uow:
        split = bank.split_line(uow, actor, whole.id, [95_000, 5_000])
    assert [(p.amount_cents, p.description) for p in split.parts] == [
        (95_000, "DLAMINI FEES (part 1 of 2)"),
        (5_000, "DLAMINI FEES (part 2 of 2)"),
    ]
    with book.read(settings.tenant_id) as uow:
        assert uow.bank.line(whole.id).status is BankLineStatus.SPLIT  # type: ignore[union-attr]
        (acc,) = bank.list_accounts(uow)
    assert (acc.line_count, acc.balance_cents) == (1, 100_000)  # parts are not counted twice
    with pytest.raises(RuleViolation, match="is SPLIT"), book.write(settings.tenant_id) as uow:
        bank.split_line(uow, actor, whole.id, [50_000, 50_000])


def test_split_of_money_out_takes_plain_amounts(book: Book, creche: Creche, account: str) -> None:
    settings, actor = creche
    (fee,) = do_import(book, creche, statement(line(4, 2, -10_000, "CHARGES"))).imported
    with book.write(settings.tenant_id) as uow:
        split = bank.split_line(uow, actor, fee.id, [6_000, 4_000])
    assert [p.amount_cents for p in split.parts] == [-6_000, -4_000]


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([100_000], "at least two parts"),
        ([95_000, 4_000], "add up to R 990,00, not the line's R 1 000,00"),
        ([110_000, -10_000], "each part must be more than zero"),
        ([100_000, 0], "each part must be more than zero"),
    ],
)
def test_split_refuses(
    book: Book, creche: Creche, account: str, parts: list[int], message: str
) -> None:
    settings, actor = creche
    (whole,) = do_import(book, creche, statement(line(4, 2, 100_000, "FEES"))).imported
    with pytest.raises(RuleViolation, match=message), book.write(settings.tenant_id) as uow:
        bank.split_line(uow, actor, whole.id, parts)
    assert count(book, BankLine) == 1


def test_split_of_an_unknown_line(book: Book, creche: Creche) -> None:
    settings, actor = creche
    with (
        pytest.raises(NotFoundError, match="no bank line 99"),
        book.write(settings.tenant_id) as uow,
    ):
        bank.split_line(uow, actor, 99, [1, 2])
