"""The arrears report and statements' aging, on SQLite and PostgreSQL (issue 12).

Buckets at their edges (docs/RULES.md, Aging: current <= 0 days past due, 30 = 1-30,
60 = 31-60, 90+ = over 60), credit beside the arrears and never netted into
them, drafts and voids left out, part payments, and each kind of statement
(household, child, open items) on a small book built through the services.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import LineType, PaymentMethod
from crechebooks_desktop.domain.invoice import AgingBucket
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services.billing import invoice_lifecycle as invoices
from crechebooks_desktop.services.billing.invoice_lifecycle import AdHocLine
from crechebooks_desktop.services.household_statements.arrears import arrears_report
from crechebooks_desktop.services.household_statements.statement import (
    Period,
    household_statement,
    household_statements,
)
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.ledger.household_balances import (
    OpeningBalanceRow,
    import_opening_balances,
)
from tests.billing_fixtures import new_creche

ISSUED = dt.date(2026, 3, 1)
DUE = dt.date(2026, 3, 7)  # the creche's due day on or after the issue date


class Book1:
    """A creche: ADAMS01 owes two invoices (one part paid), BOTHA02 holds credit, CELE03 a draft."""

    def __init__(self, book: Book) -> None:
        self.book = book
        creche, self.actor = new_creche(book)
        self.tenant = creche.tenant_id
        with book.write(self.tenant) as uow:
            for ref in ("ADAMS01", "BOTHA02", "CELE03"):
                hid = uow.roster.add_household(ref, f"Parent {ref}", address="1 Oak Street")
                uow.roster.add_child(hid, f"{ref}-1", "Ama", ref.title(), None)
                uow.roster.add_child(hid, f"{ref}-2", "Bo", ref.title(), None)
        self.march = self.invoice("ADAMS01-1", ISSUED, 150_000)
        self.april = self.invoice("ADAMS01-2", dt.date(2026, 4, 1), 80_000)
        self.draft = self.invoice("CELE03-1", ISSUED, 50_000, send=False)
        self.pay("ADAMS01", 50_000, dt.date(2026, 3, 20))  # part of March
        with book.write(self.tenant) as uow:
            row = OpeningBalanceRow(2, "BOTHA02", -30_000, dt.date(2026, 2, 28))
            import_opening_balances(uow, self.actor, [row], "opening.csv")

    def invoice(self, child: str, day: dt.date, cents: int, *, send: bool = True) -> str:
        with self.book.write(self.tenant) as uow:
            line = AdHocLine(LineType.UNIFORM, cents, "Uniform")
            made = invoices.new_ad_hoc_invoice(uow, self.actor, child, day, [line])
            if send:
                invoices.send_invoices(uow, self.actor, [made.number])
        return made.number

    def pay(self, ref: str, cents: int, day: dt.date) -> None:
        with self.book.write(self.tenant) as uow:
            payments.add_payment(uow, self.actor, ref, cents, day, PaymentMethod.EFT, "EFT")


@pytest.fixture
def creche(book: Book) -> Book1:
    return Book1(book)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-1, AgingBucket.CURRENT),
        (0, AgingBucket.CURRENT),
        (1, AgingBucket.DAYS_30),
        (30, AgingBucket.DAYS_30),
        (31, AgingBucket.DAYS_60),
        (60, AgingBucket.DAYS_60),
        (61, AgingBucket.DAYS_90_PLUS),
    ],
)
def test_an_invoice_is_aged_by_days_past_its_due_date(
    creche: Book1, days: int, bucket: AgingBucket
) -> None:
    as_of = DUE + dt.timedelta(days=days)
    with creche.book.read(creche.tenant) as uow:
        report = arrears_report(uow, as_of)
    (march,) = [p for p, _ref in report.invoices if p.invoice.number == creche.march]
    assert march.bucket is bucket
    assert march.days_overdue == max(0, days)
    owed = 150_000 - (50_000 if as_of >= dt.date(2026, 3, 20) else 0)
    assert march.balance_cents == owed
    april = [p for p, _ref in report.invoices if p.invoice.number == creche.april]
    figures = report.aging.as_json()
    expected = {f"{b.value.lower()}_cents": 0 for b in AgingBucket}
    for position in (march, *april):
        expected[f"{position.bucket.value.lower()}_cents"] += position.balance_cents
    assert figures == expected
    assert report.total_outstanding_cents == owed + (80_000 if april else 0)
    assert bool(april) == (as_of >= dt.date(2026, 4, 1))


def test_arrears_list_what_is_owed_and_hold_credit_beside_them(creche: Book1) -> None:
    with creche.book.read(creche.tenant) as uow:
        report = arrears_report(uow, dt.date(2026, 5, 20))
    data = report.as_json()
    assert data["as_of"] == "2026-05-20"
    assert data["summary"]["total_outstanding_cents"] == 100_000 + 80_000
    assert data["summary"]["total_invoices"] == 2
    # 20 May: March (due 7 March) is 74 days past due, April (due 7 April) 43.
    assert data["summary"]["aging"] == {
        "current_cents": 0,
        "days_30_cents": 0,
        "days_60_cents": 80_000,
        "days_90_plus_cents": 100_000,
    }
    assert data["top_debtors"] == [
        {
            "household_ref": "ADAMS01",
            "name": "Parent ADAMS01",
            "outstanding_cents": 180_000,
            "oldest_due_date": "2026-03-07",
            "days_overdue": 74,
        }
    ]
    assert [(i["number"], i["bucket"]) for i in data["invoices"]] == [
        (creche.march, "DAYS_90_PLUS"),
        (creche.april, "DAYS_60"),
    ]
    # The draft is not owed yet; BOTHA02's credit is beside the arrears, not inside them.
    assert creche.draft not in {i["number"] for i in data["invoices"]}
    assert data["credits"] == {
        "total_cents": 30_000,
        "households": [
            {"household_ref": "BOTHA02", "name": "Parent BOTHA02", "credit_cents": 30_000}
        ],
    }


def test_a_voided_invoice_owes_nothing_from_its_void_date(creche: Book1) -> None:
    extra = creche.invoice("ADAMS01-1", ISSUED, 20_000)
    with creche.book.write(creche.tenant) as uow:
        invoices.void_invoice(uow, creche.actor, extra, "Billed twice")
    today = dt.date.today()  # noqa: DTZ011 - voids are dated today
    with creche.book.read(creche.tenant) as uow:
        before = arrears_report(uow, today - dt.timedelta(days=1))
        now = arrears_report(uow, today)
    assert extra in {p.invoice.number for p, _ref in before.invoices}
    assert extra not in {p.invoice.number for p, _ref in now.invoices}


def test_a_household_statement_runs_from_the_balance_brought_forward(creche: Book1) -> None:
    period = Period(dt.date(2026, 3, 15), dt.date(2026, 4, 30))
    with creche.book.read(creche.tenant) as uow:
        statement = household_statement(uow, "adams01", period)
    data = statement.as_json()
    assert data["opening_cents"] == 150_000
    assert [
        (line["kind"], line["amount_cents"], line["balance_cents"]) for line in data["lines"]
    ] == [
        ("payment", -50_000, 100_000),
        ("invoice", 80_000, 180_000),
    ]
    assert data["lines"][1]["reference"] == creche.april
    assert data["closing_cents"] == 180_000
    # 30 April: March is 54 days past due, April 23.
    assert data["aging"] == {
        "current_cents": 0,
        "days_30_cents": 80_000,
        "days_60_cents": 100_000,
        "days_90_plus_cents": 0,
    }
    assert data["payment_reference"] == "ADAMS01"


def test_a_childs_statement_has_only_its_invoices_and_their_money(creche: Book1) -> None:
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    with creche.book.read(creche.tenant) as uow:
        first = household_statement(uow, "ADAMS01", period, child_ref="ADAMS01-1")
        second = household_statement(uow, "ADAMS01", period, child_ref="adams01-2")
    assert [(line.kind, line.amount_cents, line.balance_cents) for line in first.lines] == [
        ("invoice", 150_000, 150_000),
        ("payment", -50_000, 100_000),
    ]
    assert first.party.child_name == "Ama Adams01"
    assert [(line.kind, line.amount_cents) for line in second.lines] == [("invoice", 80_000)]
    assert first.closing_cents + second.closing_cents == 180_000


def test_open_items_list_what_is_owed_and_the_credit(creche: Book1) -> None:
    period = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    with creche.book.read(creche.tenant) as uow:
        adams = household_statement(uow, "ADAMS01", period, open_items=True)
        botha = household_statement(uow, "BOTHA02", period, open_items=True)
    assert [(line.reference, line.amount_cents) for line in adams.lines] == [
        (creche.march, 100_000),
        (creche.april, 80_000),
    ]
    assert adams.closing_cents == 180_000
    assert [(line.kind, line.amount_cents) for line in botha.lines] == [("credit", -30_000)]
    assert botha.credit_cents == 30_000
    assert botha.closing_cents == -30_000


def test_statements_refuse_what_does_not_exist(creche: Book1) -> None:
    period = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    with creche.book.read(creche.tenant) as uow:
        with pytest.raises(NotFoundError, match="no household 'NOPE01'"):
            household_statement(uow, "NOPE01", period)
        with pytest.raises(NotFoundError, match="no child 'BOTHA02-1' in that household"):
            household_statement(uow, "ADAMS01", period, child_ref="BOTHA02-1")
        with pytest.raises(RuleViolation, match="open-items statement is the household's"):
            household_statement(uow, "ADAMS01", period, child_ref="ADAMS01-1", open_items=True)
    with pytest.raises(RuleViolation, match="ends before it starts"):
        Period(dt.date(2026, 5, 31), dt.date(2026, 5, 1))
    with pytest.raises(RuleViolation):
        Period(dt.date(1999, 5, 1), dt.date(2026, 5, 1))


def test_a_batch_leaves_out_households_with_nothing_to_show(creche: Book1) -> None:
    with creche.book.write(creche.tenant) as uow:
        uow.roster.add_household("ZULU09", "Parent ZULU09")  # never billed, never paid
    period = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    with creche.book.read(creche.tenant) as uow:
        every = household_statements(uow, period)
        active = household_statements(uow, period, active_only=True)
    assert "ZULU09" in {s.party.household_ref for s in every}
    # ADAMS01 owes, BOTHA02 holds credit, CELE03 has a draft: each has something to show.
    assert [s.party.household_ref for s in active] == ["ADAMS01", "BOTHA02", "CELE03"]
