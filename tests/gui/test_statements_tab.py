"""The Statements tab over a real SQLite book, with the real database thread.

The book is ``tests.statements_fixtures`` (five households: owing at every
age, owing only this month, paid up, in credit). The statement renderer is
replaced by a one-page stand-in (``tiny_pdf``) so these tests do not depend
on the PDF's layout; the gate in the batch test holds the job between two
households while Cancel is pressed.
"""

import datetime as dt
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.household_statements.arrears import arrears_report
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.statements import jobs
from crechebooks_desktop.ui.statements.model import FILTERS, Column
from tests.gui.conftest import shell_args
from tests.gui.test_statements_jobs import tiny_pdf
from tests.statements_fixtures import EXPECTED, OCTOBER, build_statement_book

WAIT = 10_000


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    path = tmp_path / "statements.sqlite"
    book, _ = Book.open(settings_for(str(path)), create=True)
    build_statement_book(book)
    book.close()
    return path


def _settle(qtbot, shell) -> None:
    """Until no job runs and no preview is about to start (its timer would start one)."""
    timer = shell.window.statements.preview_timer
    for _ in range(3):
        qtbot.waitUntil(lambda: not shell.executor.busy and not timer.isActive(), timeout=WAIT)
        qtbot.wait(20)


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The stand-in renderer; records whose statement it drew."""
    seen: list[str] = []

    def renderer(statement, creche) -> bytes:
        seen.append(statement.party.household_ref)
        return tiny_pdf(statement, creche)

    monkeypatch.setattr(jobs, "load_renderer", lambda: renderer)
    return seen


@pytest.fixture
def tab(qtbot, book_path, no_dialogs, rendered):
    shell = Shell(shell_args(book_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.statements
    shell.window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        shell.start()
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.picker.choose_dates(*OCTOBER)
    _settle(qtbot, shell)
    yield shell, view
    shell.stop()


def _shown_refs(view) -> list[str]:
    return [row.ref for row in view.proxy.shown_rows()]


def _choose(qtbot, view, ref: str) -> int:
    """Choose a household and wait for its preview; the pages shown."""
    row = view.selected_row()
    choice = view.choice()
    if row is not None and row.ref == ref and choice and view.previewed_pdf(choice) is not None:
        return int(view.preview.document.pageCount())  # shown already: nothing to wait for
    with qtbot.waitSignal(view.preview_ready, timeout=WAIT) as ready:
        assert view.select_household(ref)
    return ready.args[0]


def test_the_list_shows_each_households_balance_by_age(tab) -> None:
    _shell, view = tab
    assert view.shown.dates.first == OCTOBER[0]
    assert view.shown.dates.last == OCTOBER[1]
    got = {
        row.ref: (row.balance_cents, row.current_cents, row.days_30_cents, row.days_60_cents,
                  row.days_90_plus_cents, row.credit_cents)
        for row in view.model.rows()
    }  # fmt: skip
    assert got == EXPECTED
    dlamini = view.model.row_of("DLAMINI01")
    cells = [view.model.index(dlamini, c).data() for c in Column]
    assert cells[2:] == ["R 38 800,00", "R 9 700,00", "R 9 700,00", "R 9 700,00", "R 9 700,00", ""]
    botha = view.model.row_of("BOTHA03")
    assert view.model.index(botha, Column.BALANCE).data() == "-R 500,00"
    assert view.model.index(botha, Column.CREDIT).data() == "R 500,00"
    assert view.summary.text().startswith("5 of 5 households · owed R 53 350,00")


def test_filters_search_and_sorting(qtbot, tab) -> None:
    _shell, view = tab
    expected = {
        "All households": ["BOTHA03", "DLAMINI01", "MOKOENA05", "NAIDOO02", "PILLAY04"],
        "Owing": ["DLAMINI01", "MOKOENA05", "PILLAY04"],
        "In credit": ["BOTHA03"],
        "30+ days": ["DLAMINI01", "PILLAY04"],
        "60+ days": ["DLAMINI01"],
        "90+ days": ["DLAMINI01"],
    }
    for index, (label, _shows) in enumerate(FILTERS):
        view.filter.setCurrentIndex(index)
        assert _shown_refs(view) == expected[label], label
        assert view.filter.currentText() == f"{label} ({len(expected[label])})"
    view.filter.setCurrentIndex(0)
    qtbot.keyClicks(view.search, "lerato")  # a child's name finds the household
    assert _shown_refs(view) == ["DLAMINI01"]
    view.search.clear()
    view.table.sortByColumn(Column.BALANCE, Qt.SortOrder.DescendingOrder)
    assert _shown_refs(view) == ["DLAMINI01", "PILLAY04", "MOKOENA05", "NAIDOO02", "BOTHA03"]


def test_the_selection_stays_when_the_list_reloads(qtbot, tab) -> None:
    _shell, view = tab
    view.table.sortByColumn(Column.BALANCE, Qt.SortOrder.DescendingOrder)
    _choose(qtbot, view, "PILLAY04")
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.reload()
    assert view.selected_row().ref == "PILLAY04"
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.picker.choose_dates(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert view.selected_row().ref == "PILLAY04"
    assert view.selected_row().balance_cents == 0  # paid up at the end of September
    view.filter.setCurrentIndex(1)  # Owing: PILLAY04 owes nothing in September
    assert view.selected_row() is not None
    assert view.selected_row().ref in _shown_refs(view)


def test_the_preview_shows_the_chosen_statements_pages(qtbot, tab, rendered) -> None:
    _shell, view = tab
    pages = _choose(qtbot, view, "DLAMINI01")
    assert pages >= 1
    assert view.preview.document.status() == QPdfDocument.Status.Ready
    assert view.preview.document.pageCount() >= 1
    assert rendered[-1] == "DLAMINI01"
    assert view.heading.text() == "Statement · DLAMINI01 · 01 Oct 2026 – 31 Oct 2026"
    # One child's statement: the open-items choice is the household's only.
    assert view.child.count() == 3
    with qtbot.waitSignal(view.preview_ready, timeout=WAIT):
        view.child.setCurrentIndex(view.child.findData("THABO01"))
        view.child.activated.emit(view.child.currentIndex())
    assert view.choice().child_ref == "THABO01"
    assert not view.open_items.isEnabled()


def test_save_pdf_writes_the_statement(qtbot, tab, tmp_path) -> None:
    _shell, view = tab
    _choose(qtbot, view, "PILLAY04")
    asked: list[str] = []

    def where(_parent, name: str) -> Path:
        asked.append(name)
        return tmp_path / name

    view.commands.ask_save_path = where
    with qtbot.waitSignal(view.commands.saved, timeout=WAIT) as saved:
        view.save_button.click()
    assert asked == ["statement-PILLAY04-2026-10.pdf"]
    assert saved.args[0] == tmp_path / asked[0]
    assert saved.args[0].read_bytes().startswith(b"%PDF")
    assert "Saved" in view.action_line.text()


def test_print_paints_the_pages_on_the_chosen_printer(qtbot, tab, tmp_path, rendered) -> None:
    _shell, view = tab
    _choose(qtbot, view, "BOTHA03")
    before = len(rendered)
    out = tmp_path / "printed.pdf"

    def printer(_parent) -> QPrinter:
        chosen = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        chosen.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        chosen.setOutputFileName(str(out))
        return chosen

    view.commands.ask_printer = printer
    with qtbot.waitSignal(view.commands.printed, timeout=WAIT) as printed:
        view.print_button.click()
    assert printed.args == [1]
    assert out.read_bytes().startswith(b"%PDF")
    assert len(rendered) == before  # the preview's pages were printed, not rendered again
    view.commands.ask_printer = lambda _parent: None  # the user cancels the dialog
    view.print_button.click()
    assert len(rendered) == before


def test_save_all_saves_the_filtered_list(qtbot, tab, tmp_path) -> None:
    _shell, view = tab
    view.filter.setCurrentIndex(1)  # Owing
    view.commands.ask_folder = lambda _parent: tmp_path / "out"
    with qtbot.waitSignal(view.commands.batch_finished, timeout=WAIT) as done:
        view.save_all_button.click()
    result = done.args[0]
    assert not result.cancelled
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "DLAMINI01.pdf",
        "MOKOENA05.pdf",
        "PILLAY04.pdf",
    ]
    assert view.action_line.text().startswith("Saved 3 statements")


def test_cancel_stops_the_batch_between_households(qtbot, tab, tmp_path, monkeypatch) -> None:
    from crechebooks_desktop.exporters import statement_batch

    shell, view = tab
    _settle(qtbot, shell)
    entered, gate = threading.Event(), threading.Event()
    calls: list[str] = []
    real = statement_batch.render_statement_pdf

    def held(statement, creche) -> bytes:
        calls.append(statement.party.household_ref)
        if len(calls) == 2:
            entered.set()
            assert gate.wait(WAIT / 1000)
        return real(statement, creche)

    monkeypatch.setattr(statement_batch, "render_statement_pdf", held)
    view.commands.ask_folder = lambda _parent: tmp_path / "out"
    view.save_all_button.click()
    qtbot.waitUntil(entered.is_set, timeout=WAIT)
    progress = view.commands.progress
    assert progress is not None
    assert progress.isVisible()
    progress.findChild(QPushButton).click()  # Cancel, while the second statement is rendered
    assert view.commands.task.cancelled
    with qtbot.waitSignal(view.commands.batch_finished, timeout=WAIT) as done:
        gate.set()
    result = done.args[0]
    assert result.cancelled
    assert result.total == 5
    assert len(result.written) < 5
    files = sorted((tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    assert files == sorted(result.written)  # whole files only, nothing half-written
    assert all(f.read_bytes().startswith(b"%PDF") and f.read_bytes().rstrip().endswith(b"%%EOF")
               for f in files)  # fmt: skip
    assert view.action_line.text().startswith(f"Stopped at your request: saved {len(files)} of 5")


def test_arrears_chart_shows_arrears_reports_figures(qtbot, tab, book_path) -> None:
    _shell, view = tab
    arrears = view.arrears
    with qtbot.waitSignal(arrears.loaded, timeout=WAIT):
        view.modes.button(1).click()
    assert view.pages.currentWidget() is arrears
    assert not view.picker.isVisible()
    day = dt.date(2026, 10, 31)
    with qtbot.waitSignal(arrears.loaded, timeout=WAIT):
        arrears.as_of.setDate(day)
    book, _ = Book.open(settings_for(str(book_path)))
    try:
        with book.read(1) as uow:
            report = arrears_report(uow, day)
            ends = [end for end, _c in arrears.shown.trend]
            totals = [arrears_report(uow, end).total_outstanding_cents for end in ends]
    finally:
        book.close()
    aging = report.aging
    assert arrears.aging_chart.values_cents() == [
        aging.current_cents, aging.days_30_cents, aging.days_60_cents, aging.days_90_plus_cents
    ]  # fmt: skip
    assert len(ends) == 12
    assert ends[-1] == day
    assert arrears.trend_chart.values_cents() == totals
    assert arrears.debtors.rowCount() == 3
    assert arrears.debtors.item(0, 0).text() == "DLAMINI01"
    assert arrears.credits.item(0, 2).text() == "R 500,00"
    assert arrears.summary.text().startswith("R 53 350,00 owed on 11 invoice(s) by 3 household(s)")


def test_an_owner_viewer_can_read_print_and_save(qtbot, tab) -> None:
    shell, view = tab
    workplace = shell.session.workplace
    viewer = replace(workplace, actor=replace(workplace.actor, role=Role.OWNER_VIEWER))
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        shell.session.set_workplace(viewer)
    _choose(qtbot, view, "DLAMINI01")
    for button in (view.print_button, view.save_button, view.save_all_button):
        assert button.isEnabled(), button.text()
    assert view.reminders_button.isEnabled()  # to look: the dialog refuses to send
    assert not view.email_button.isEnabled()  # sending to parents is a bookkeeper's act


def test_without_the_renderer_the_preview_says_why(qtbot, tab, monkeypatch, no_dialogs) -> None:
    _shell, view = tab

    def missing():
        raise jobs.RendererMissing("the statement PDF is not available yet")

    _settle(qtbot, _shell)
    monkeypatch.setattr(jobs, "load_renderer", missing)
    assert _choose(qtbot, view, "NAIDOO02") == 0
    assert "not available yet" in view.preview.note.text()
    assert no_dialogs == []  # said in the pane, not in a dialog at each click


def _email(qtbot, view, which: str):
    view.commands.ask_which = lambda _parent, _household, _listed: which
    with qtbot.waitSignal(view.commands.emailed, timeout=WAIT) as done:
        view.email_button.click()
    return done.args[0]


def test_email_without_smtp_writes_the_lists_statements_for_printing(qtbot, tab) -> None:
    _shell, view = tab
    _choose(qtbot, view, "DLAMINI01")
    assert view.email_button.isEnabled()
    result = _email(qtbot, view, "list")
    assert not result.email
    assert result.decided == len(EXPECTED)
    assert len(result.printed) == len(EXPECTED)
    assert all(folder.is_dir() for folder in result.folders)
    assert "No SMTP server is set, so 5 statement(s) are for printing" in view.action_line.text()


def test_email_sends_the_chosen_households_statement(
    qtbot, book_path, no_dialogs, rendered, smtp_server
) -> None:
    from crechebooks_desktop.domain.roster import HouseholdDetails
    from crechebooks_desktop.services.admin.users import acting_user

    book, _ = Book.open(settings_for(str(book_path)))
    try:
        with book.read(1) as uow:
            actor = acting_user(uow, 1, None)
        smtp_server.configure(book, actor)
        with book.write(1) as uow:
            household = uow.roster.household_id("DLAMINI01")
            assert household is not None
            uow.roster.update_household(
                household,
                HouseholdDetails("DLAMINI01", "Mrs Dlamini", email="dlamini@families.test"),
            )
    finally:
        book.close()
    shell = Shell(shell_args(book_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.statements
    shell.window.tabs.setCurrentWidget(view)
    try:
        with qtbot.waitSignal(view.loaded, timeout=WAIT):
            shell.start()
        with qtbot.waitSignal(view.loaded, timeout=WAIT):
            view.picker.choose_dates(*OCTOBER)
        _settle(qtbot, shell)
        _choose(qtbot, view, "DLAMINI01")
        result = _email(qtbot, view, "one")
        assert (result.email, result.emailed, result.failed) == (True, 1, ())
        (arrived,) = smtp_server.recorder.received
        assert arrived.recipients == ("dlamini@families.test",)
        (name,) = arrived.attachments()
        assert name == "DLAMINI01-2026-10-01-2026-10-31.pdf"
    finally:
        shell.stop()
