"""Household credit (services.credits), adjustments (services.adjustments) and opening
balances from a file (services.balances, importers.balances_csv), SQLite and PostgreSQL.

The creche is the one of ``test_payments``: ADAMS01 owes October and November
for two children (R 4 850 and R 3 200 a month), BOTHA02 for one. After every
service call the book's invariants are checked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import EntryType, InvoiceKind, InvoiceStatus, LineType
from crechebooks_desktop.domain.enums import VatTreatment as Vat
from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied
from crechebooks_desktop.importers.balances_csv import (
    import_balances_file,
    parse_balances,
    read_balances,
)
from crechebooks_desktop.importers.tabular import parse_table
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.ledger.adjustments import adjust_balance
from crechebooks_desktop.services.ledger.credits import apply_household_credit, refund_credit
from crechebooks_desktop.services.ledger.household_balances import (
    household_balances,
    import_opening_balances,
)
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from tests.billing_fixtures import FULL_DAY, HALF_DAY
from tests.unit.services.test_payments import (
    ALL_FOUR,
    Family,
    build_family,
    drafts_for_december,
)

S = InvoiceStatus
DAY = dt.date(2026, 11, 15)


@pytest.fixture
def family(book: Book) -> Family:
    built = build_family(book)
    built.check()
    return built


def give_credit(f: Family, cents: int, ref: str = "ADAMS01") -> None:
    """Unused credit without touching invoices: an opening balance in credit."""
    f.write(
        lambda uow: post_opening_balance(
            uow, f.actor, f.settings, f.household_id(ref), -cents, dt.date(2026, 9, 30)
        )
    )


# --------------------------------------------------------------------------- apply


def test_credit_is_applied_to_open_invoices_oldest_first(family: Family) -> None:
    f = family
    give_credit(f, FULL_DAY + 100_000)
    assert f.position() == (ALL_FOUR - FULL_DAY - 100_000, ALL_FOUR, FULL_DAY + 100_000)
    entries = f.entries()
    used = f.write(lambda uow: apply_household_credit(uow, f.actor, "adams01"))
    assert [(a.number, a.cents, a.status_after) for a in used.applied] == [
        (f.oct_full, FULL_DAY, S.PAID),
        (f.oct_half, 100_000, S.PARTIALLY_PAID),
    ]
    assert used.as_json() == {
        "household_ref": "ADAMS01",
        "applied_cents": FULL_DAY + 100_000,
        "allocations": [
            {"invoice": f.oct_full, "amount_cents": FULL_DAY},
            {"invoice": f.oct_half, "amount_cents": 100_000},
        ],
        "credit_cents": 0,
    }
    assert (used.credit_before_cents, used.credit_cents) == (FULL_DAY + 100_000, 0)
    # The balance does not move: no ledger entry, outstanding and credit fall together.
    assert f.entries() == entries
    assert f.position() == (ALL_FOUR - FULL_DAY - 100_000,) * 2 + (0,)
    (record,) = f.audit("household", f.household_id())
    assert record.action == "credit.apply"
    assert record.before == {"credit_cents": FULL_DAY + 100_000}
    assert record.after is not None
    assert record.after["credit_cents"] == 0
    # Nothing left to apply: nothing happens, nothing is audited.
    again = f.write(lambda uow: apply_household_credit(uow, f.actor, "ADAMS01"))
    assert (again.applied, again.credit_cents) == ((), 0)
    assert len(f.audit("household", f.household_id())) == 1


def test_credit_larger_than_what_is_owed_is_kept(family: Family) -> None:
    f = family
    drafts_for_december(f)  # DRAFTs wait until they are sent
    give_credit(f, ALL_FOUR + 7_000)
    used = f.write(lambda uow: apply_household_credit(uow, f.actor, "ADAMS01"))
    assert [a.number for a in used.applied] == [f.oct_full, f.oct_half, f.nov_full, f.nov_half]
    assert used.credit_cents == 7_000
    assert f.position() == (-7_000 + FULL_DAY + HALF_DAY, FULL_DAY + HALF_DAY, 7_000)


def test_credit_apply_refusals(family: Family) -> None:
    f = family
    with pytest.raises(NotFoundError, match="no household 'NOBODY'"):
        f.write(lambda uow: apply_household_credit(uow, f.actor, "NOBODY"))


# --------------------------------------------------------------------------- refund


def test_refund_pays_credit_back_out(family: Family) -> None:
    f = family
    paid = f.pay(ALL_FOUR + 50_000)
    assert f.position() == (-50_000, 0, 50_000)
    refund = f.write(
        lambda uow: refund_credit(uow, f.actor, "adams01", 30_000, DAY, "  Paid back by  EFT ")
    )
    assert refund.as_json() == {
        "household_ref": "ADAMS01",
        "amount_cents": 30_000,
        "entry_id": refund.entry_id,
        "balance_cents": -20_000,
        "credit_cents": 20_000,
    }
    assert f.position() == (-20_000, 0, 20_000)
    assert f.entries()[-1] == (EntryType.REFUND, 30_000, -20_000)
    with f.book.read(f.tenant) as uow:
        last = uow.ledger.entries(f.household_id())[-1]
    assert (last.description, last.entry_date) == ("Refund of credit: Paid back by EFT", DAY)
    records = f.audit("household", f.household_id())
    assert [r.action for r in records] == ["credit.refund"]
    assert records[0].before == {"balance_cents": -50_000, "credit_cents": 50_000}
    assert paid.credit_cents == 50_000


@pytest.mark.parametrize(
    ("cents", "reason", "match"),
    [
        (20_001, "x", r"cannot refund R 200,01: ADAMS01 has only R 200,00 of unused credit"),
        (0, "x", "must be more than zero"),
        (-5, "x", "must be more than zero"),
        (100, " ", "a reason is needed to refund credit"),
    ],
)
def test_refund_refusals(family: Family, cents: int, reason: str, match: str) -> None:
    f = family
    give_credit(f, 20_000)
    f.refused(lambda uow: refund_credit(uow, f.actor, "ADAMS01", cents, DAY, reason), match)


def test_nothing_to_refund_without_credit(family: Family) -> None:
    f = family
    f.refused(
        lambda uow: refund_credit(uow, f.actor, "BOTHA02", 1, DAY, "x"),
        "BOTHA02 has only R 0,00 of unused credit",
    )


# --------------------------------------------------------------------------- adjust


def test_a_positive_adjustment_is_an_invoice_the_household_can_pay(family: Family) -> None:
    f = family
    done = f.write(
        lambda uow: adjust_balance(uow, f.actor, "ADAMS01", 15_000, DAY, "Late pick-up, 3 times")
    )
    assert done.invoice is not None
    assert done.as_json() == {
        "household_ref": "ADAMS01",
        "amount_cents": 15_000,
        "entry_id": done.entry_id,
        "invoice": done.invoice,
        "allocations": [],
        "credit_cents": 0,
        "balance_cents": ALL_FOUR + 15_000,
    }
    with f.book.read(f.tenant) as uow:
        invoice = uow.invoices.get(done.invoice)
        entry = uow.ledger.entries(f.household_id())[-1]
    assert invoice is not None
    assert (invoice.kind, invoice.status, invoice.issue_date, invoice.due_date) == (
        InvoiceKind.AD_HOC,
        S.SENT,
        DAY,
        DAY,
    )
    assert [
        (line.line_type, line.description, line.gross_cents, line.vat_cents, line.vat_treatment)
        for line in invoice.lines
    ] == [(LineType.AD_HOC, "Adjustment: Late pick-up, 3 times", 15_000, 0, Vat.EXEMPT)]
    assert (entry.entry_type, entry.amount_cents, entry.id, entry.source_type) == (
        EntryType.ADJUSTMENT,
        15_000,
        done.entry_id,
        "invoice",
    )
    assert entry.description == f"{done.invoice} Adjustment: Late pick-up, 3 times"
    assert f.position() == (ALL_FOUR + 15_000, ALL_FOUR + 15_000, 0)
    # It is owed like any other invoice: explicit payments reach it.
    paid = f.pay(15_000, requested=[(done.invoice, 15_000)])
    assert [a.status_after for a in paid.allocations] == [S.PAID]
    assert [r.action for r in f.audit("household", f.household_id())] == ["ledger.adjust"]


def test_a_negative_adjustment_reduces_open_invoices_oldest_first(family: Family) -> None:
    f = family
    done = f.write(
        lambda uow: adjust_balance(
            uow, f.actor, "ADAMS01", -(FULL_DAY + 5_000), DAY, "Bursary for October"
        )
    )
    assert done.invoice is None
    assert [(a.number, a.cents, a.status_after) for a in done.allocations] == [
        (f.oct_full, FULL_DAY, S.PAID),
        (f.oct_half, 5_000, S.PARTIALLY_PAID),
    ]
    assert (done.credit_cents, done.balance_cents) == (0, ALL_FOUR - FULL_DAY - 5_000)
    assert f.entries()[-1] == (EntryType.ADJUSTMENT, -(FULL_DAY + 5_000), done.balance_cents)
    assert f.position() == (done.balance_cents, done.balance_cents, 0)
    records = f.audit("household", f.household_id())
    assert records[0].after is not None
    assert records[0].after["reason"] == "Bursary for October"


def test_a_write_off_larger_than_what_is_owed_leaves_credit(family: Family) -> None:
    f = family
    done = f.write(lambda uow: adjust_balance(uow, f.actor, "BOTHA02", -1_000_000, DAY, "Gift"))
    assert [a.cents for a in done.allocations] == [FULL_DAY, FULL_DAY]
    assert done.credit_cents == 1_000_000 - 2 * FULL_DAY
    assert f.position("BOTHA02") == (2 * FULL_DAY - 1_000_000, 0, 1_000_000 - 2 * FULL_DAY)


@pytest.mark.parametrize(
    ("cents", "reason", "match"),
    [
        (0, "x", "an adjustment of zero changes nothing"),
        (100, "", "a reason is needed to adjust a balance"),
        (-100, "x" * 201, "the reason is too long"),
    ],
)
def test_adjustment_refusals(family: Family, cents: int, reason: str, match: str) -> None:
    f = family
    f.refused(lambda uow: adjust_balance(uow, f.actor, "ADAMS01", cents, DAY, reason), match)


def test_an_owner_viewer_may_not_move_credit_or_adjust(family: Family) -> None:
    f = family
    give_credit(f, 1_000)
    f.write(lambda uow: add_user(uow, f.actor, "olivia", Role.OWNER_VIEWER, None))
    with f.book.read(f.tenant) as uow:
        viewer = acting_user(uow, f.tenant, "olivia")
    before = f.counts()
    for attempt in (
        lambda uow: apply_household_credit(uow, viewer, "ADAMS01"),
        lambda uow: refund_credit(uow, viewer, "ADAMS01", 100, DAY, "x"),
        lambda uow: adjust_balance(uow, viewer, "ADAMS01", 100, DAY, "x"),
        lambda uow: import_opening_balances(uow, viewer, [], "x.csv"),
    ):
        with pytest.raises(PermissionDenied, match="olivia"), f.book.write(f.tenant) as uow:
            attempt(uow)
    assert f.counts() == before


# --------------------------------------------------------------------------- balances import


def write_csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_opening_balances_from_a_file(family: Family, tmp_path: Path) -> None:
    f = family
    f.write(lambda uow: uow.roster.add_household("CELE03", "Mr Cele"))
    f.write(lambda uow: uow.roster.add_household("DUBE04", "Ms Dube"))
    path = write_csv(
        tmp_path,
        "opening.csv",
        "Household_Ref, Amount ,as_of\ncele03,R 1 500,2026-09-30\nDUBE04,(250.00),2026-09-30\n",
    )
    done = f.write(lambda uow: import_balances_file(uow, f.actor, path, "opening.csv"))
    assert [b.as_json() for b in done] == [
        {
            "household_ref": "CELE03",
            "amount_cents": 150_000,
            "as_of": "2026-09-30",
            "invoice": done[0].invoice,
        },
        {
            "household_ref": "DUBE04",
            "amount_cents": -25_000,
            "as_of": "2026-09-30",
            "invoice": None,
        },
    ]
    assert f.state(str(done[0].invoice)) == (S.SENT, 150_000)
    assert f.position("CELE03") == (150_000, 150_000, 0)
    assert f.position("DUBE04") == (-25_000, 0, 25_000)
    assert [r.action for r in f.audit("file", "opening.csv")] == ["balances.import"]
    # The same file again would double them: refused, every row named.
    before = f.counts()
    with pytest.raises(ProblemsError) as refused, f.book.write(f.tenant) as uow:
        import_balances_file(uow, f.actor, path, "opening.csv")
    assert [str(p) for p in refused.value.problems] == [
        (
            "opening.csv:2: household_ref: CELE03 already has an opening balance; "
            "correct it with 'adjust' instead"
        ),
        (
            "opening.csv:3: household_ref: DUBE04 already has an opening balance; "
            "correct it with 'adjust' instead"
        ),
    ]
    assert f.counts() == before


def test_a_bad_file_is_refused_whole_with_every_problem(family: Family, tmp_path: Path) -> None:
    f = family
    path = write_csv(
        tmp_path,
        "bad.csv",
        "household_ref,amount,as_of,notes\n"
        "ADAMS01,100.00,2026-09-30,\n"  # fine on its own
        "NOBODY9,100.00,2026-09-30,\n"
        "BOTHA02,1.234,2026-09-30,\n"
        "adams01,5,2026-09-30,\n"
        "BOTHA02,0,30/09/2026,\n"
        ",12.5,2026-02-30,\n",
    )
    before = f.counts()
    with pytest.raises(ProblemsError) as refused, f.book.write(f.tenant) as uow:
        import_balances_file(uow, f.actor, path, "bad.csv")
    assert [str(p) for p in refused.value.problems] == [
        "bad.csv:1: notes: unknown column (expected: household_ref, amount, as_of)",
        "bad.csv:3: household_ref: no household 'NOBODY9'",
        (
            "bad.csv:4: amount: ambiguous amount '1.234': for thousands write '1234' or "
            "'1.234,00'; cents take 1 or 2 decimals"
        ),
        "bad.csv:5: household_ref: duplicate household 'adams01' (first on line 2)",
        "bad.csv:6: amount: an opening balance of zero needs no row; leave the row out",
        "bad.csv:6: as_of: not a date in the form YYYY-MM-DD: '30/09/2026'",
        "bad.csv:6: household_ref: duplicate household 'BOTHA02' (first on line 4)",
        "bad.csv:7: household_ref: a value is required",
        "bad.csv:7: as_of: 2026-02-30 is not a day (February 2026 has 28 days)",
    ]
    assert str(refused.value).splitlines()[0] == (
        "bad.csv was not imported (9 problems); nothing was changed"
    )
    assert f.counts() == before
    f.check()


def test_reading_a_balances_file_needs_no_book(tmp_path: Path) -> None:
    parsed = parse_balances(parse_table("household_ref,amount\nA1,5\n", "short.csv"))
    assert [str(p) for p in parsed.problems] == ["short.csv:1: as_of: required column is missing"]
    assert parsed.rows == ()
    empty = parse_balances(parse_table("", "empty.csv"))
    assert [str(p) for p in empty.problems] == ["empty.csv:1: file: the file is empty"]
    big = parse_balances(parse_table("household_ref,amount,as_of\nA1,-1e3,2026-01-01\n", "b.csv"))
    assert [str(p) for p in big.problems] == ["b.csv:2: amount: not an amount: '-1e3'"]
    huge = parse_balances(
        parse_table("household_ref,amount,as_of\nA1,-100000000000000,2026-01-01\n", "h.csv")
    )
    assert [p.message for p in huge.problems] == [
        (
            "-R 100 000 000 000 000,00 is less than the smallest amount a book takes "
            "(-R 100 000 000,00)"
        )
    ]
    good = read_balances(
        write_csv(tmp_path, "ok.csv", "household_ref,amount,as_of\nA1,-R50,2026-01-01\n")
    )
    assert [(r.line, r.household_ref, r.amount_cents, r.as_of) for r in good.rows] == [
        (2, "A1", -5_000, dt.date(2026, 1, 1))
    ]
    assert good.file == str(tmp_path / "ok.csv")


def test_current_balances_list_every_household(family: Family) -> None:
    f = family
    f.write(lambda uow: uow.roster.add_household("ZULU09", "Mrs Zulu"))
    give_credit(f, 1_000, "BOTHA02")
    with f.book.read(f.tenant) as uow:
        listed = [b.as_json() for b in household_balances(uow)]
    assert listed == [
        {
            "household_ref": "ADAMS01",
            "balance_cents": ALL_FOUR,
            "outstanding_cents": ALL_FOUR,
            "credit_cents": 0,
        },
        {
            "household_ref": "BOTHA02",
            "balance_cents": 2 * FULL_DAY - 1_000,
            "outstanding_cents": 2 * FULL_DAY,
            "credit_cents": 1_000,
        },
        {"household_ref": "ZULU09", "balance_cents": 0, "outstanding_cents": 0, "credit_cents": 0},
    ]
