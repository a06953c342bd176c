"""Importing a previous system's invoices (services.billing.invoice_history), on both backends."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import (
    EntryType,
    InvoiceKind,
    InvoiceStatus,
    PaymentMethod,
    SyncTarget,
)
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import PermissionDenied, RuleViolation
from crechebooks_desktop.importers.invoice_history_csv import (
    import_hash,
    import_history_file,
    read_history,
)
from crechebooks_desktop.importers.tabular import ProblemsError
from crechebooks_desktop.paths import resources_dir
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.admin.creches import (
    SettingsRefused,
    change_setting,
    change_settings,
)
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_history import (
    HistoryImport,
    HistoryRow,
    import_invoice_history,
    status_of,
)
from crechebooks_desktop.services.ledger.household_balances import household_balances
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from crechebooks_desktop.services.ledger.payments import add_payment
from crechebooks_desktop.services.sync import xero_connection
from tests.roster_support import audit_since, last_audit_id, load_samples, snapshot, write_csv

Creche = tuple[CrecheSettings, Actor]
D = dt.date
TODAY = D(2026, 12, 7)
SAMPLE = resources_dir() / "samples" / "invoice_history.csv"
HEADER = "number,household_ref,child_ref,issue_date,due_date,description,total,amount_paid"


@pytest.fixture
def roster(book: Book, creche: Creche) -> Actor:
    """The creche with the sample fees and roster; its admin."""
    _settings, actor = creche
    load_samples(book, actor)
    return actor


def _import(book: Book, actor: Actor, path: Path = SAMPLE, **kw: object) -> HistoryImport:
    parsed = read_history(path, path.name)
    with book.write(actor.tenant_id) as uow:
        return import_invoice_history(
            uow, actor, parsed.rows, parsed.file, parsed.problems, today=TODAY, **kw
        )


def _balances(book: Book, actor: Actor) -> dict[str, tuple[int, int, int]]:
    with book.read(actor.tenant_id) as uow:
        return {
            b.household_ref: (b.balance_cents, b.outstanding_cents, b.credit_cents)
            for b in household_balances(uow)
            if b.balance_cents or b.outstanding_cents or b.credit_cents
        }


def _refused(book: Book, actor: Actor, path: Path) -> list[str]:
    before = snapshot(book)
    with pytest.raises(ProblemsError) as refused:
        _import(book, actor, path)
    assert snapshot(book) == before
    return [str(p) for p in refused.value.problems]


def test_statuses_follow_the_lifecycle_rules() -> None:
    assert status_of(100, 0, TODAY, TODAY) is InvoiceStatus.SENT
    assert status_of(100, 0, TODAY - dt.timedelta(days=1), TODAY) is InvoiceStatus.OVERDUE
    assert status_of(100, 40, D(2020, 1, 1), TODAY) is InvoiceStatus.PARTIALLY_PAID
    assert status_of(100, 100, D(2020, 1, 1), TODAY) is InvoiceStatus.PAID


def test_the_sample_becomes_imported_invoices_with_their_ledger(book: Book, roster: Actor) -> None:
    done = _import(book, roster)
    assert done == HistoryImport(
        "invoice_history.csv",
        ("OLD-1001", "OLD-1002", "OLD-1003", "OLD-1004"),
        (),
        485_000 + 320_000 + 543_000 + 57_500,
        485_000 + 120_000 + 57_500,
    )
    with book.read(roster.tenant_id) as uow:
        invoices = {n: uow.invoices.get(n) for n in done.imported}
        dlamini = uow.roster.household_id("DLAMINI01")
        assert dlamini is not None
        entries = uow.ledger.entries(dlamini)
        report = check_creche(uow)
    assert report.ok, report.violations
    statuses = {n: (i.status, i.amount_paid_cents, i.imported) for n, i in invoices.items() if i}
    assert statuses == {
        "OLD-1001": (InvoiceStatus.PAID, 485_000, True),
        "OLD-1002": (InvoiceStatus.PARTIALLY_PAID, 120_000, True),
        "OLD-1003": (InvoiceStatus.OVERDUE, 0, True),
        "OLD-1004": (InvoiceStatus.PAID, 57_500, True),
    }
    trip = invoices["OLD-1004"]
    assert trip is not None
    assert (trip.kind, trip.child_ref, trip.subtotal_cents, trip.vat_cents) == (
        InvoiceKind.AD_HOC,
        None,
        50_000,
        7_500,
    )
    assert (trip.lines[0].description, trip.lines[0].vat_treatment.value) == (
        "School trip (VAT included)",
        "STANDARD",
    )
    assert invoices["OLD-1003"] is not None
    assert invoices["OLD-1003"].lines[0].vat_treatment.value == "EXEMPT"
    assert [(e.entry_date, e.entry_type, e.amount_cents) for e in entries] == [
        (D(2025, 10, 1), EntryType.CHARGE, 485_000),
        (D(2025, 10, 1), EntryType.CHARGE, 320_000),
        (D(2025, 10, 5), EntryType.PAYMENT, -485_000),
        (D(2025, 10, 20), EntryType.PAYMENT, -120_000),
    ]
    assert entries[0].description == "OLD-1001 October 2025 fees"
    assert _balances(book, roster) == {
        "DLAMINI01": (200_000, 200_000, 0),
        "NAIDOO02": (543_000, 543_000, 0),
    }
    with book.read(roster.tenant_id) as uow:
        as_of = {b.household_ref: b.balance_cents for b in household_balances(uow, D(2025, 10, 5))}
    assert as_of["DLAMINI01"] == 320_000  # dated as they were


def test_importing_again_adds_nothing(book: Book, roster: Actor) -> None:
    _import(book, roster)
    before, balances = snapshot(book), _balances(book, roster)
    again = _import(book, roster)
    assert (again.imported, again.already) == ((), ("OLD-1001", "OLD-1002", "OLD-1003", "OLD-1004"))
    assert (again.billed_cents, again.paid_cents) == (0, 0)
    assert snapshot(book) == before
    assert _balances(book, roster) == balances


def test_a_half_new_file_imports_only_its_new_rows(
    book: Book, roster: Actor, tmp_path: Path
) -> None:
    _import(book, roster)
    old = SAMPLE.read_text(encoding="utf-8").splitlines()
    longer = write_csv(
        tmp_path / "longer.csv",
        [*old, "OLD-1005,NKOSI04,NKOSI04-2,2025-12-01,2025-12-07,December 2025 fees,3000,0"],
    )
    done = _import(book, roster, longer)
    assert (done.imported, len(done.already), done.billed_cents) == (("OLD-1005",), 4, 300_000)
    assert _balances(book, roster)["NKOSI04"] == (300_000, 300_000, 0)


def test_a_dry_run_writes_nothing(book: Book, roster: Actor) -> None:
    before = snapshot(book)
    done = _import(book, roster, dry_run=True)
    assert (len(done.imported), done.dry_run) == (4, True)
    assert snapshot(book) == before
    with book.read(roster.tenant_id) as uow:
        assert uow.invoices.get("OLD-1001") is None


def test_unknown_households_and_children_are_refused_with_nothing_written(
    book: Book, roster: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            "OLD-1,NOBODY99,,2025-10-01,2025-10-07,Fees,100,0",
            "OLD-2,DLAMINI01,NOCHILD-1,2025-10-01,2025-10-07,Fees,100,0",
            "OLD-3,DLAMINI01,NAIDOO02-1,2025-10-01,2025-10-07,Fees,100,0",
            "OLD-4,dlamini01,dlamini01-1,2025-10-01,2025-10-07,Fees,100,0",
        ],
    )
    assert _refused(book, roster, path) == [
        "bad.csv:2: household_ref: no household 'NOBODY99'",
        "bad.csv:3: child_ref: no child 'NOCHILD-1'",
        "bad.csv:4: child_ref: NAIDOO02-1 belongs to household NAIDOO02, not DLAMINI01",
    ]


def test_numbers_that_collide_are_refused(
    book: Book, creche: Creche, roster: Actor, tmp_path: Path
) -> None:
    settings, _actor = creche
    with book.write(roster.tenant_id) as uow:
        dlamini = uow.roster.household_id("DLAMINI01")
        assert dlamini is not None
        assert post_opening_balance(uow, roster, settings, dlamini, 100, D(2026, 1, 1)) == (
            "INV-2026-000001"
        )
    _import(book, roster)
    path = write_csv(
        tmp_path / "numbers.csv",
        [
            HEADER,
            "INV-2026-000001,DLAMINI01,,2025-10-01,2025-10-07,Fees,100,0",
            "inv-2019-123456,DLAMINI01,,2025-10-01,2025-10-07,Fees,100,0",
            "OLD-1001,DLAMINI01,,2025-10-01,2025-10-07,Fees changed,100,0",
            "INV-2019-12,DLAMINI01,,2025-10-01,2025-10-07,Fees,100,0",
        ],
    )
    taken = "is already in this book (not from this row)"
    ours = "would collide with this book's numbering (INV-YYYY-NNNNNN)"
    assert _refused(book, roster, path) == [
        f"numbers.csv:2: number: invoice INV-2026-000001 {taken}",
        f"numbers.csv:3: number: inv-2019-123456 {ours}",
        f"numbers.csv:4: number: invoice OLD-1001 {taken}",
    ]


def test_a_prefix_whose_numbering_would_issue_an_imported_number_is_refused(
    book: Book, roster: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "old.csv",
        [HEADER, "OLD-2026-000007,DLAMINI01,,2025-10-01,2025-10-07,Fees,100,0"],
    )
    _import(book, roster, path)
    clash = (
        "invoices imported from the previous system already have numbers like "
        "OLD-2026-000007, which this book's numbering (OLD-YYYY-NNNNNN) would issue again"
    )
    with book.write(roster.tenant_id) as uow, pytest.raises(RuleViolation) as refused:
        change_setting(uow, roster, "invoice-prefix", "old")
    assert str(refused.value) == clash
    with book.write(roster.tenant_id) as uow, pytest.raises(SettingsRefused) as both:
        change_settings(uow, roster, {"invoice-prefix": "old", "due-day": "5"})
    assert both.value.problems == {"invoice_prefix": clash}
    with book.write(roster.tenant_id) as uow:
        assert uow.tenants.get(roster.tenant_id).invoice_prefix == "INV"
        assert change_setting(uow, roster, "invoice-prefix", "OLDER").invoice_prefix == "OLDER"


def test_problems_of_the_file_and_the_book_are_listed_together(
    book: Book, roster: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "both.csv",
        [
            HEADER,
            "OLD-1,NOBODY99,,2025-10-01,2025-10-07,Fees,100,0",
            "OLD-2,DLAMINI01,,2025-10-01,2025-10-07,Fees,100,200",
        ],
    )
    assert _refused(book, roster, path) == [
        "both.csv:2: household_ref: no household 'NOBODY99'",
        "both.csv:3: amount_paid: more than the invoice's total",
    ]


def test_imported_invoices_and_payments_are_not_queued_for_xero(book: Book, roster: Actor) -> None:
    with book.write(roster.tenant_id) as uow:
        xero_connection.record_connection(
            uow, roster, "CLIENT", "org-1", "Acorns (Pty) Ltd", "conn-1", D(2025, 1, 1)
        )
    _import(book, roster)
    with book.read(roster.tenant_id) as uow:
        assert uow.sync_outbox.pending(SyncTarget.XERO) == []
        households, invoices, payments = uow.xero.sent_since(D(2025, 1, 1))
    assert (households, invoices, payments) == ([], [], [])
    with book.write(roster.tenant_id) as uow:
        # The rest of OLD-1002 paid in this book: the payment goes to Xero, its
        # allocation to an invoice Xero never had does not.
        later = add_payment(
            uow, roster, "DLAMINI01", 200_000, TODAY, PaymentMethod.EFT, "OLD-1002",
            [("OLD-1002", 200_000)],
        )  # fmt: skip
    with book.read(roster.tenant_id) as uow:
        queued = [(i.entity, i.entity_id) for i in uow.sync_outbox.pending(SyncTarget.XERO)]
        assert queued == [("payment", later.payment_id)]
        assert uow.xero.allocations_of_payments([later.payment_id]) == []
        assert uow.invoices.get("OLD-1002").status is InvoiceStatus.PAID


def test_the_import_is_audited(book: Book, roster: Actor) -> None:
    last = last_audit_id(book)
    _import(book, roster)
    records = audit_since(book, last)
    imported = [after for action, _id, _b, after in records if action == "invoice.import"]
    assert [a["number"] for a in imported] == ["OLD-1001", "OLD-1002", "OLD-1003", "OLD-1004"]
    assert imported[1]["status"] == "PARTIALLY_PAID"
    assert imported[1]["amount_paid_cents"] == 120_000
    assert [a for a, *_ in records].count("ledger.post") == 7
    (summary,) = [r for r in records if r[0] == "invoices.import"]
    assert summary[1:] == (
        "invoice_history.csv",
        None,
        {
            "imported": 4,
            "already_imported": 0,
            "billed_cents": 1_405_500,
            "paid_cents": 662_500,
        },
    )


def test_a_viewer_may_not_import(book: Book, roster: Actor) -> None:
    with book.write(roster.tenant_id) as uow:
        add_user(uow, roster, "olivia", Role.OWNER_VIEWER, None)
    with book.read(roster.tenant_id) as uow:
        viewer = acting_user(uow, roster.tenant_id, "olivia")
    with pytest.raises(PermissionDenied), book.write(roster.tenant_id) as uow:
        import_history_file(uow, viewer, SAMPLE)


HOUSEHOLDS = ("DLAMINI01", "NAIDOO02", "VDMERWE03", "NKOSI04")


@st.composite
def _rows(draw: st.DrawFn, start: int) -> list[HistoryRow]:
    rows = []
    for line, _ in enumerate(draw(st.lists(st.none(), min_size=1, max_size=12)), start=2):
        total = draw(st.integers(1, 50_000_000))
        paid = draw(st.integers(0, total))
        issue = D(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 600)))
        row = HistoryRow(
            line,
            f"H-{start}-{line}",
            draw(st.sampled_from(HOUSEHOLDS)),
            None,
            issue,
            issue + dt.timedelta(days=draw(st.integers(0, 60))),
            "Fees",
            total,
            paid,
            draw(st.integers(0, total)),
            issue + dt.timedelta(days=draw(st.integers(0, 30))),
        )
        rows.append(replace(row, import_hash=import_hash(row)))
    return rows


def test_balances_move_by_what_was_billed_less_what_was_paid(book: Book, roster: Actor) -> None:
    """For any valid rows, the households' balances rise by sum(total) - sum(amount_paid)."""
    batches = iter(range(1_000_000))

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        rows = data.draw(_rows(next(batches)))
        before = sum(b[0] for b in _balances(book, roster).values())
        with book.write(roster.tenant_id) as uow:
            import_invoice_history(uow, roster, rows, "any.csv", today=TODAY)
        balances = _balances(book, roster)
        assert sum(b[0] for b in balances.values()) - before == sum(
            r.total_cents - r.amount_paid_cents for r in rows
        )
        assert all(balance == outstanding for balance, outstanding, _ in balances.values())

    check()
    with book.read(roster.tenant_id) as uow:
        assert check_creche(uow).ok
