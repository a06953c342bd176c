"""The Statements tab's jobs over a real book, on SQLite and PostgreSQL (no window needed).

The figures are those of ``tests.statements_fixtures``; the arrears are
checked against ``arrears_report`` itself, day by day.
"""

import datetime as dt
import io
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.services.household_statements.arrears import arrears_report
from crechebooks_desktop.services.tasks import TaskState
from crechebooks_desktop.ui.ops import Workplace
from crechebooks_desktop.ui.statements import jobs, periods
from crechebooks_desktop.ui.statements.jobs import StatementChoice
from crechebooks_desktop.ui.statements.periods import Dates, custom
from tests.statements_fixtures import EXPECTED, OCTOBER, build_statement_book

OCT = custom(*OCTOBER)


def tiny_pdf(statement, _creche) -> bytes:
    """A one-page stand-in for the statement renderer: the household and its closing balance."""
    out = io.BytesIO()
    page = Canvas(out, invariant=True)
    page.drawString(72, 720, f"{statement.party.household_ref} {statement.closing_cents}")
    page.showPage()
    page.save()
    return out.getvalue()


@pytest.fixture
def workplace(book: Book) -> Workplace:
    settings, actor = build_statement_book(book)
    return Workplace("test", settings, actor)


def test_the_list_has_each_households_balance_aging_and_credit(book, workplace) -> None:
    screen = jobs.load_list(book, workplace, OCT)
    got = {
        r.ref: (r.balance_cents, r.current_cents, r.days_30_cents, r.days_60_cents,
                r.days_90_plus_cents, r.credit_cents)
        for r in screen.rows
    }  # fmt: skip
    assert got == EXPECTED
    dlamini = next(r for r in screen.rows if r.ref == "DLAMINI01")
    assert [c.ref for c in dlamini.children] == ["LERATO01", "THABO01"]


def test_arrears_and_their_trend_are_arrears_reports_own(book, workplace) -> None:
    as_of = dt.date(2026, 10, 31)
    screen = jobs.load_arrears(book, workplace, as_of)
    with book.read(workplace.creche.tenant_id) as uow:
        now = arrears_report(uow, as_of)
        ends = [dt.date(2025, 11, 30), dt.date(2025, 12, 31)] + [
            dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 11)
        ]
        trend = [(d, arrears_report(uow, d).total_outstanding_cents) for d in ends]
    aging = now.aging
    assert screen.buckets == (
        aging.current_cents, aging.days_30_cents, aging.days_60_cents, aging.days_90_plus_cents
    )  # fmt: skip
    assert screen.buckets == (1_940_000, 1_455_000, 970_000, 970_000)
    assert [d.ref for d in screen.debtors] == ["DLAMINI01", "PILLAY04", "MOKOENA05"]
    assert [(c.ref, c.credit_cents) for c in screen.credits] == [("BOTHA03", 50_000)]
    assert list(screen.trend) == trend
    assert [cents for _d, cents in screen.trend][-3:] == [970_000, 1_940_000, 5_335_000]


def test_month_ends_count_back_from_the_day() -> None:
    assert jobs.month_ends(dt.date(2026, 10, 31), 3) == [
        dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31)
    ]  # fmt: skip
    assert jobs.month_ends(dt.date(2026, 3, 15), 2) == [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]
    assert jobs.month_ends(dt.date(2000, 2, 10)) == [dt.date(2000, 1, 31)]


def test_a_statement_renders_through_the_renderer_and_saves(
    book, workplace, monkeypatch, tmp_path
) -> None:
    seen = []

    def renderer(statement, creche) -> bytes:
        seen.append((statement.kind, statement.party.child_ref, statement.closing_cents))
        return tiny_pdf(statement, creche)

    monkeypatch.setattr(jobs, "load_renderer", lambda: renderer)
    choice = StatementChoice("PILLAY04", OCT)
    pdf = jobs.statement_pdf(book, workplace, choice)
    assert pdf.startswith(b"%PDF")
    child = StatementChoice("DLAMINI01", OCT, child_ref="THABO01")
    written = jobs.save_pdf(book, workplace, child, tmp_path / child.file_name)
    assert written.read_bytes().startswith(b"%PDF")
    assert written.name == "statement-DLAMINI01-THABO01-2026-10.pdf"
    jobs.statement_pdf(book, workplace, StatementChoice("BOTHA03", OCT, open_items=True))
    assert seen == [
        ("household", None, 2 * 485_000),
        ("child", "THABO01", 4 * 485_000),
        ("open-items", None, -50_000),
    ]


def test_the_batch_saves_and_archives_each_household_and_stops_when_cancelled(
    book, workplace, monkeypatch, tmp_path
) -> None:
    from crechebooks_desktop.exporters import statement_batch

    ids = [r.household_id for r in jobs.load_list(book, workplace, OCT).rows]
    progress: list[tuple[int, int, str]] = []
    task = TaskState(lambda *a: progress.append(a))
    result = jobs.save_statements(book, workplace, ids, OCT, tmp_path / "all", task)
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert names == sorted(f"{ref}.pdf" for ref in EXPECTED)
    assert (result.total, len(result.written), result.cancelled) == (5, 5, False)
    assert progress[0] == (0, 5, "")
    assert progress[-1][:2] == (5, 5)
    with book.read(workplace.creche.tenant_id) as uow:  # each one kept in the archive too
        kept = uow.documents.of_entities("statement", "household", ids)
    assert len(kept) == 5

    stopper = TaskState()
    real = statement_batch.render_statement_pdf

    def cancel_at_the_second(statement, creche) -> bytes:
        if statement.party.household_id == ids[1]:
            stopper.cancel()
        return real(statement, creche)

    monkeypatch.setattr(statement_batch, "render_statement_pdf", cancel_at_the_second)
    result = jobs.save_statements(book, workplace, ids, OCT, tmp_path / "some", stopper)
    assert (result.total, result.cancelled) == (5, True)
    assert len(result.written) < 5
    written = sorted((tmp_path / "some").iterdir()) if (tmp_path / "some").exists() else []
    assert written == sorted(result.written)


def test_without_the_renderer_the_tab_says_so(monkeypatch) -> None:
    def missing(name: str):
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(jobs.importlib, "import_module", missing)
    with pytest.raises(jobs.RendererMissing, match="not available yet"):
        jobs.load_renderer()


def test_file_names_name_the_period() -> None:
    quarter = Dates(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026 Q3")
    assert StatementChoice("A1", quarter, open_items=True).file_name == (
        "statement-A1-2026-07-01_2026-09-30-open-items.pdf"
    )
    assert Path(StatementChoice("A1", OCT).file_name).suffix == ".pdf"


def test_the_period_starts_at_the_last_full_month_and_a_running_one_ends_today() -> None:
    today = dt.date(2026, 12, 7)
    assert periods.last_full_month(today) == Dates(
        dt.date(2026, 11, 1), dt.date(2026, 11, 30), "November 2026"
    )
    months = periods.choices(periods.Kind.MONTH, today)
    assert months[0] == Dates(dt.date(2026, 12, 1), today, "December 2026 (to date)")
    assert months[13].label == "November 2025"
    quarters = periods.choices(periods.Kind.QUARTER, dt.date(2026, 2, 10))
    assert quarters[1] == Dates(dt.date(2025, 10, 1), dt.date(2025, 12, 31), "2025 Q4 (Oct–Dec)")
    years = periods.choices(periods.Kind.YEAR, today)
    assert years[1] == Dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2025")
    assert periods.custom(dt.date(2026, 3, 9), dt.date(2026, 3, 1)).first == dt.date(2026, 3, 1)
    assert periods.choices(periods.Kind.CUSTOM, today) == []
