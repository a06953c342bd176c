"""Adding fees and changing their amounts from a month on (services.fees), on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY, DateOutOfRange
from crechebooks_desktop.domain.enums import FeeType, LineType
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.roster import FeeRate, FeeRow, FeeTerms
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.fees.structures import (
    add_fee,
    change_fee,
    fee_named,
    list_fee_structures,
)
from crechebooks_desktop.services.roster.file_import import import_fees
from tests.billing_fixtures import (
    FULL_DAY,
    RE_REGISTRATION,
    REGISTRATION,
    Kid,
    add_family,
    add_fees,
    invoices,
    new_creche,
    run_month,
)
from tests.roster_support import audit_since, last_audit_id, snapshot

D = dt.date
RAISED = 520_000


@pytest.fixture
def admin(book: Book) -> Actor:
    """A creche with the billing fixtures' fees, one child on Full Day since January."""
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "MOYO01", Kid("MOYO01-1", fees.full_day, D(2026, 1, 1)))
    return actor


def _change(book: Book, actor: Actor, day: dt.date, **amounts: int | None) -> object:
    with book.write(actor.tenant_id) as uow:
        fee = fee_named(uow, "full day")
        rate = dataclasses.replace(fee.rate_on(day), effective_from=day, **amounts)
        return change_fee(uow, actor, "full day", rate)


def _fee_lines(book: Book, actor: Actor, month: dt.date) -> list[tuple[LineType, int]]:
    found = invoices(book, actor.tenant_id, month=month)
    return [(line.line_type, line.gross_cents) for inv in found for line in inv.lines]


def test_a_change_applies_from_its_month_and_earlier_invoices_keep_theirs(
    book: Book, admin: Actor
) -> None:
    run_month(book, admin, D(2026, 2, 1))
    feb_before = invoices(book, admin.tenant_id, month=D(2026, 2, 1))
    mark = last_audit_id(book)

    changed = _change(book, admin, D(2026, 3, 1), amount_cents=RAISED)

    assert changed.invoices_kept == 0  # type: ignore[attr-defined]
    [(action, entity_id, before, after)] = audit_since(book, mark)
    assert action == "fee_structure.change"
    assert entity_id is not None
    assert before["amount_cents"] == FULL_DAY
    assert before["effective_from"] is None  # from the start
    assert (after["amount_cents"], after["effective_from"]) == (RAISED, "2026-03-01")
    run_month(book, admin, D(2026, 3, 1))
    assert invoices(book, admin.tenant_id, month=D(2026, 2, 1)) == feb_before
    assert _fee_lines(book, admin, D(2026, 2, 1)) == [(LineType.MONTHLY_FEE, FULL_DAY)]
    assert _fee_lines(book, admin, D(2026, 3, 1)) == [(LineType.MONTHLY_FEE, RAISED)]


def test_a_month_already_invoiced_keeps_its_invoice(book: Book, admin: Actor) -> None:
    run_month(book, admin, D(2026, 3, 1))
    march = invoices(book, admin.tenant_id, month=D(2026, 3, 1))

    changed = _change(book, admin, D(2026, 3, 1), amount_cents=RAISED)

    assert changed.invoices_kept == 1  # type: ignore[attr-defined]
    again = run_month(book, admin, D(2026, 3, 1))
    assert again.created == ()
    assert invoices(book, admin.tenant_id, month=D(2026, 3, 1)) == march
    run_month(book, admin, D(2026, 4, 1))
    assert _fee_lines(book, admin, D(2026, 4, 1)) == [(LineType.MONTHLY_FEE, RAISED)]


def test_registration_fees_are_dated_too(book: Book, admin: Actor) -> None:
    _change(book, admin, D(2027, 1, 1), registration_fee_cents=90_000, re_registration_fee_cents=0)
    with book.write(admin.tenant_id) as uow:
        fee_id = fee_named(uow, "Full Day").id
        add_family(uow, "NAIDOO02", Kid("NAIDOO02-1", fee_id, D(2027, 1, 1)))
    run_month(book, admin, D(2027, 1, 1))
    by_child = {
        inv.child_ref: [(line.line_type, line.gross_cents) for line in inv.lines]
        for inv in invoices(book, admin.tenant_id, month=D(2027, 1, 1))
    }
    # The new child pays the new registration fee; the re-registration is now none.
    assert by_child["NAIDOO02-1"] == [
        (LineType.MONTHLY_FEE, FULL_DAY),
        (LineType.REGISTRATION, 90_000),
    ]
    assert by_child["MOYO01-1"] == [(LineType.MONTHLY_FEE, FULL_DAY)]


def test_the_list_shows_the_amount_now_and_the_change_to_come(book: Book, admin: Actor) -> None:
    _change(book, admin, D(2026, 9, 1), amount_cents=RAISED)
    with book.read(admin.tenant_id) as uow:
        before = {f.name: f for f in list_fee_structures(uow, D(2026, 8, 31))}
        after = {f.name: f for f in list_fee_structures(uow, D(2026, 9, 1))}
    now = before["Full Day"]
    assert now.current.amount_cents == FULL_DAY
    assert now.current.effective_from == FIRST_BOOK_DAY
    assert now.scheduled == FeeRate(D(2026, 9, 1), RAISED, REGISTRATION, RE_REGISTRATION)
    assert now.as_json()["scheduled"]["effective_from"] == "2026-09-01"
    assert after["Full Day"].current.amount_cents == RAISED
    assert after["Full Day"].scheduled is None
    assert len(after["Full Day"].versions) == 2
    assert before["Half Day"].scheduled is None


def test_the_same_month_replaces_a_change(book: Book, admin: Actor) -> None:
    _change(book, admin, D(2026, 9, 1), amount_cents=RAISED)
    changed = _change(book, admin, D(2026, 9, 1), amount_cents=510_000)
    assert changed.replaced  # type: ignore[attr-defined]
    assert changed.before.amount_cents == RAISED  # type: ignore[attr-defined]
    with book.read(admin.tenant_id) as uow:
        fee = fee_named(uow, "Full Day")
    assert [v.amount_cents for v in fee.versions] == [FULL_DAY, 510_000]


@pytest.mark.parametrize(
    ("day", "amounts", "error", "message"),
    [
        (D(2026, 9, 15), {"amount_cents": RAISED}, RuleViolation, "did you mean 2026-10-01"),
        (D(2100, 1, 1), {"amount_cents": RAISED}, DateOutOfRange, "2099-12-31"),
        (D(2026, 9, 1), {"amount_cents": -1}, RuleViolation, "cannot be negative"),
        (D(2026, 9, 1), {"registration_fee_cents": -100}, RuleViolation, "registration fee"),
        (D(2026, 9, 1), {"amount_cents": None}, RuleViolation, "needs its monthly amount"),
        (D(2026, 9, 1), {"amount_cents": 500_000}, RuleViolation, "nothing to change"),
        (D(2026, 5, 1), {"amount_cents": RAISED}, RuleViolation, "already changes from 2026-06"),
    ],
)
def test_refused_changes_write_nothing(
    book: Book,
    admin: Actor,
    day: dt.date,
    amounts: dict[str, int | None],
    error: type[Exception],
    message: str,
) -> None:
    _change(book, admin, D(2026, 6, 1), amount_cents=500_000)
    before = snapshot(book)
    with book.read(admin.tenant_id) as uow:
        versions = fee_named(uow, "Full Day").versions
    with pytest.raises(error, match=message):
        _change(book, admin, day, **amounts)
    assert snapshot(book) == before
    with book.read(admin.tenant_id) as uow:
        assert fee_named(uow, "Full Day").versions == versions


def test_an_unknown_fee_and_a_viewer_are_refused(book: Book, admin: Actor) -> None:
    with book.write(admin.tenant_id) as uow:
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None)
        add_user(uow, admin, "bella", Role.BOOKKEEPER, None)
    with book.read(admin.tenant_id) as uow:
        viewer = acting_user(uow, admin.tenant_id, "olivia")
        bookkeeper = acting_user(uow, admin.tenant_id, "bella")
    before = snapshot(book)
    rate = FeeRate(D(2026, 9, 1), RAISED)
    with (
        pytest.raises(NotFoundError, match="no fee called 'Toddlers'"),
        book.write(admin.tenant_id) as uow,
    ):
        change_fee(uow, admin, "Toddlers", rate)
    for actor in (viewer, bookkeeper):
        with pytest.raises(PermissionDenied), book.write(actor.tenant_id) as uow:
            change_fee(uow, actor, "Full Day", rate)
        with pytest.raises(PermissionDenied), book.write(actor.tenant_id) as uow:
            add_fee(uow, actor, FeeTerms("Toddlers", FeeType.HALF_DAY, 300_000))
    assert snapshot(book) == before


def test_add_a_fee(book: Book, admin: Actor) -> None:
    mark = last_audit_id(book)
    with book.write(admin.tenant_id) as uow:
        fee = add_fee(uow, admin, FeeTerms("  Toddlers ", FeeType.HALF_DAY, 300_000, 50_000))
    assert fee.terms == FeeTerms("Toddlers", FeeType.HALF_DAY, 300_000, 50_000)
    [(action, entity_id, before, after)] = audit_since(book, mark)
    assert (action, entity_id, before) == ("fee_structure.create", str(fee.id), None)
    assert after["amount_cents"] == 300_000
    with book.read(admin.tenant_id) as uow:
        listed = {f.name: f for f in list_fee_structures(uow, D(2026, 3, 1))}
    assert listed["Toddlers"].current == FeeRate(FIRST_BOOK_DAY, 300_000, 50_000)


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        (FeeTerms("FULL DAY", FeeType.FULL_DAY, 1), "already has a fee called 'Full Day'"),
        (FeeTerms("", FeeType.FULL_DAY, 1), "needs a name"),
        (FeeTerms("Two\nlines", FeeType.FULL_DAY, 1), "name"),
        (FeeTerms("Toddlers", FeeType.FULL_DAY, -5), "cannot be negative"),
        (FeeTerms("Toddlers", FeeType.CUSTOM, 100), "must be blank for a CUSTOM fee"),
        (FeeTerms("Toddlers", FeeType.HOURLY, None), "needs its hourly rate"),
        (FeeTerms("Toddlers", FeeType.FULL_DAY, 10**13), "the largest amount a book takes"),
    ],
)
def test_refused_fees_write_nothing(
    book: Book, admin: Actor, terms: FeeTerms, message: str
) -> None:
    before = snapshot(book)
    with pytest.raises(RuleViolation, match=message), book.write(admin.tenant_id) as uow:
        add_fee(uow, admin, terms)
    assert snapshot(book) == before


def test_reimporting_the_setup_file_keeps_a_change(book: Book, admin: Actor) -> None:
    _change(book, admin, D(2026, 9, 1), amount_cents=RAISED)
    row = FeeRow(2, FeeTerms("Full Day", FeeType.FULL_DAY, FULL_DAY, REGISTRATION, RE_REGISTRATION))
    with book.write(admin.tenant_id) as uow:
        summary = import_fees(uow, admin, [row], "fees.csv")
    assert (summary.unchanged, summary.updated) == (1, 0)
    # A changed first amount rewrites the first version only; the change stays.
    cheaper = FeeRow(2, dataclasses.replace(row.terms, amount_cents=470_000))
    with book.write(admin.tenant_id) as uow:
        import_fees(uow, admin, [cheaper], "fees.csv")
    with book.read(admin.tenant_id) as uow:
        fee = fee_named(uow, "Full Day")
    assert [v.amount_cents for v in fee.versions] == [470_000, RAISED]
