"""Posting to a household's ledger (services.ledger) on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import AuditRecord, HouseholdBalance, LedgerEntry
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.ledger.posting import household_ledger, post_entry

NOV = dt.date(2026, 11, 1)
Creche = tuple[CrecheSettings, Actor]


def _counts(book: Book) -> tuple[int, int]:
    """(ledger entries, ledger.post audit records) in the whole book."""
    with book.read() as uow:
        session = uow._session
        entries = session.scalar(select(func.count()).select_from(LedgerEntry))
        posts = session.scalar(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "ledger.post")
        )
    return int(entries or 0), int(posts or 0)


def _balance(book: Book, household_id: int) -> tuple[int, int, int | None]:
    with book.read() as uow:
        row = uow._session.get_one(HouseholdBalance, household_id)
        return row.balance_cents, row.credit_cents, row.last_entry_id


def test_balance_after_chains_and_balance_row_follows(
    book: Book, creche: Creche, household: int
) -> None:
    settings, actor = creche
    ids = []
    with book.write(settings.tenant_id) as uow:
        ids.append(post_entry(uow, actor, household, EntryType.CHARGE, 48_500, NOV, "Fees"))
    assert _balance(book, household) == (48_500, 0, ids[0])
    with book.write(settings.tenant_id) as uow:
        ids.append(
            post_entry(uow, actor, household, EntryType.PAYMENT, -20_000, NOV, "EFT DLAMINI01")
        )
        ids.append(post_entry(uow, actor, household, EntryType.ADJUSTMENT, 100, NOV, "Rounding"))
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    with book.read(settings.tenant_id) as uow:
        entries = household_ledger(uow, "dlamini01").lines
    assert [(e.id, e.amount_cents, e.balance_after_cents) for e in entries] == [
        (ids[0], 48_500, 48_500),
        (ids[1], -20_000, 28_500),
        (ids[2], 100, 28_600),
    ]
    assert [e.entry_type for e in entries] == [
        EntryType.CHARGE,
        EntryType.PAYMENT,
        EntryType.ADJUSTMENT,
    ]
    assert {e.created_by for e in entries} == {"admin"}
    assert {e.household_id for e in entries} == {household}
    assert entries[1].description == "EFT DLAMINI01"
    assert entries[0].created_at.tzinfo is not None
    assert _balance(book, household) == (28_600, 0, ids[2])


def test_each_posting_is_audited_with_before_and_after(
    book: Book, creche: Creche, household: int
) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        first = post_entry(uow, actor, household, EntryType.CHARGE, 48_500, NOV, "Fees")
        second = post_entry(
            uow,
            actor,
            household,
            EntryType.CREDIT,
            -5_000,
            dt.date(2026, 11, 2),
            "Overpaid",
            source=("payment", 7),
            credit_delta_cents=5_000,
        )
    with book.read() as uow:
        records = [r for r in uow.audit.latest(settings.tenant_id) if r.action == "ledger.post"]
    assert [r.entity_id for r in reversed(records)] == [str(first), str(second)]
    newest, oldest = records
    assert (oldest.username, oldest.user_id, oldest.tenant_id) == (
        "admin",
        actor.user_id,
        settings.tenant_id,
    )
    assert oldest.entity == "ledger_entry"
    assert oldest.before == {"balance_cents": 0, "credit_cents": 0}
    assert oldest.after == {
        "household_id": household,
        "entry_type": "CHARGE",
        "amount_cents": 48_500,
        "balance_cents": 48_500,
        "credit_cents": 0,
        "entry_date": "2026-11-01",
        "description": "Fees",
    }
    assert newest.before == {"balance_cents": 48_500, "credit_cents": 0}
    assert newest.after is not None
    assert (newest.after["balance_cents"], newest.after["credit_cents"]) == (43_500, 5_000)
    assert _counts(book) == (2, 2)
    assert _balance(book, household)[:2] == (43_500, 5_000)
    with book.read(settings.tenant_id) as uow:
        entry = uow.ledger.entries(household)[1]
    assert (entry.source_type, entry.source_id) == ("payment", 7)


@pytest.mark.parametrize(
    ("amount", "error"),
    [(0, ValueError), (485.0, TypeError), (True, TypeError), ("48500", TypeError)],
)
def test_bad_amounts_are_refused_and_nothing_is_written(
    book: Book, creche: Creche, household: int, amount: object, error: type[Exception]
) -> None:
    settings, actor = creche
    # The error is caught inside the transaction, which then commits: the
    # refused posting must have left nothing in it.
    with book.write(settings.tenant_id) as uow, pytest.raises(error):
        post_entry(uow, actor, household, EntryType.CHARGE, amount, NOV, "x")  # type: ignore[arg-type]
    assert _counts(book) == (0, 0)
    assert _balance(book, household) == (0, 0, None)


def test_owner_viewer_may_not_post(book: Book, creche: Creche, household: int) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None, "Olivia Owner")
    with book.write(settings.tenant_id) as uow:
        viewer = acting_user(uow, settings.tenant_id, "olivia")
        assert viewer.role is Role.OWNER_VIEWER
        with pytest.raises(PermissionDenied, match=r"olivia \(owner-viewer\) may not record money"):
            post_entry(uow, viewer, household, EntryType.CHARGE, 100, NOV, "x")
    assert _counts(book) == (0, 0)
    assert _balance(book, household) == (0, 0, None)


def test_bookkeeper_may_post(book: Book, creche: Creche, household: int) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "bea", Role.BOOKKEEPER, "pw")
    with book.write(settings.tenant_id) as uow:
        bea = acting_user(uow, settings.tenant_id, "bea")
        post_entry(uow, bea, household, EntryType.CHARGE, 100, NOV, "x")
    with book.read(settings.tenant_id) as uow:
        assert [e.created_by for e in uow.ledger.entries(household)] == ["bea"]


def test_credit_cannot_go_negative(book: Book, creche: Creche, household: int) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        post_entry(
            uow, actor, household, EntryType.CREDIT, -3_000, NOV, "credit", credit_delta_cents=3_000
        )
    with (
        book.write(settings.tenant_id) as uow,
        pytest.raises(RuleViolation, match="3000 cents of credit; cannot use 3001"),
    ):
        post_entry(
            uow,
            actor,
            household,
            EntryType.ADJUSTMENT,
            3_001,
            NOV,
            "use credit",
            credit_delta_cents=-3_001,
        )
    assert _counts(book) == (1, 1)
    assert _balance(book, household)[:2] == (-3_000, 3_000)
    with book.write(settings.tenant_id) as uow:  # all of it is fine
        post_entry(
            uow,
            actor,
            household,
            EntryType.ADJUSTMENT,
            3_000,
            NOV,
            "use",
            credit_delta_cents=-3_000,
        )
    assert _balance(book, household)[:2] == (0, 0)


def test_posting_to_another_creches_household_is_not_found(
    book: Book, creche: Creche, household: int
) -> None:
    with book.write() as uow:
        other, other_admin = init_creche(uow, NewCreche(name="Other Creche", admin_username="o"))
    with (
        pytest.raises(NotFoundError, match=f"no household with id {household}"),
        book.write(other.tenant_id) as uow,
    ):
        post_entry(uow, other_admin, household, EntryType.CHARGE, 100, NOV, "x")
    with pytest.raises(NotFoundError), book.write(other.tenant_id) as uow:
        post_entry(uow, other_admin, 999_999, EntryType.CHARGE, 100, NOV, "x")
    assert _counts(book) == (0, 0)


def test_household_ledger_filters_by_date(book: Book, creche: Creche, household: int) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        for day, amount in ((1, 100), (15, 200), (30, 300)):
            post_entry(uow, actor, household, EntryType.CHARGE, amount, dt.date(2026, 11, day), "x")
    with book.read(settings.tenant_id) as uow:
        middle = household_ledger(uow, "DLAMINI01", dt.date(2026, 11, 2), dt.date(2026, 11, 29))
        tail = household_ledger(uow, "DLAMINI01", date_from=dt.date(2026, 11, 15))
        with pytest.raises(NotFoundError, match="NOBODY"):
            household_ledger(uow, "NOBODY")
        with pytest.raises(
            RuleViolation, match=r"^a period from 2026-11-02 to 2026-11-01 ends before it starts$"
        ):
            household_ledger(uow, "DLAMINI01", dt.date(2026, 11, 2), dt.date(2026, 11, 1))
    assert [(e.amount_cents, e.balance_after_cents) for e in middle.lines] == [(200, 300)]
    assert [e.running_balance_cents for e in middle.lines] == [300]
    assert (middle.opening_balance_cents, middle.closing_balance_cents) == (100, 300)
    assert [e.amount_cents for e in tail.lines] == [200, 300]
    assert (tail.opening_balance_cents, tail.closing_balance_cents) == (100, 600)


def test_household_ledger_reads_by_date_whatever_the_posting_order(
    book: Book, creche: Creche, household: int
) -> None:
    """A back-dated entry takes its place by date; the stored chain stays in posting order."""
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        for day, amount in ((10, 100), (20, 200), (5, 1_000), (10, -50)):
            post_entry(
                uow, actor, household, EntryType.ADJUSTMENT, amount, dt.date(2026, 11, day), "x"
            )
    with book.read(settings.tenant_id) as uow:
        whole = household_ledger(uow, "DLAMINI01")
        to_the_15th = household_ledger(uow, "DLAMINI01", date_to=dt.date(2026, 11, 15))
        from_the_6th = household_ledger(uow, "DLAMINI01", dt.date(2026, 11, 6))
        empty = household_ledger(uow, "DLAMINI01", dt.date(2026, 11, 11), dt.date(2026, 11, 19))
    assert [
        (e.entry_date.day, e.amount_cents, e.running_balance_cents, e.balance_after_cents)
        for e in whole.lines
    ] == [
        (5, 1_000, 1_000, 1_300),
        (10, 100, 1_100, 100),
        (10, -50, 1_050, 1_250),
        (20, 200, 1_250, 300),
    ]
    assert to_the_15th.closing_balance_cents == 1_050
    assert from_the_6th.opening_balance_cents == 1_000
    assert [e.running_balance_cents for e in from_the_6th.lines] == [1_100, 1_050, 1_250]
    assert (empty.lines, empty.opening_balance_cents, empty.closing_balance_cents) == (
        (),
        1_050,
        1_050,
    )
