"""An invoice's attachments in the detail pane (ui.invoices.attachments), over a real book.

The widget runs its jobs on the real database thread, on SQLite and on
PostgreSQL; the last tests drive it inside the Invoices tab of the window.
"""

from __future__ import annotations

import io
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
)
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from reportlab.pdfgen.canvas import Canvas

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_attachments import (
    SIZE_LIMIT,
    Attachment,
    list_attachments,
)
from crechebooks_desktop.services.demo.creche import DemoResult
from crechebooks_desktop.services.documents import sha256_hex
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.executor import Executor
from crechebooks_desktop.ui.invoices import attachment_jobs
from crechebooks_desktop.ui.invoices.attachments import InvoiceAttachments, size_text
from crechebooks_desktop.ui.ops import BookSession, Workplace
from tests.billing_fixtures import audit_actions

INV = "INV-2026-000001"
OTHER = "INV-2026-000002"


def pdf_file(folder: Path, name: str = "agreement.pdf") -> Path:
    """A real one-page PDF."""
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "Signed agreement")
    canvas.showPage()
    canvas.save()
    path = folder / name
    path.write_bytes(out.getvalue())
    return path


def png_file(folder: Path, name: str = "proof.png") -> Path:
    """A real PNG picture."""
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    path = folder / name
    assert image.save(str(path), "PNG")
    return path


@dataclass
class Pane:
    widget: InvoiceAttachments
    book: Book
    actor: Actor
    files: Path

    @property
    def folder(self) -> Path:
        return self.book.settings.data_dir / "documents" / "attachments" / "2026" / INV

    def service_list(self, number: str = INV) -> list[Attachment]:
        with self.book.read(self.actor.tenant_id) as uow:
            return list_attachments(uow, self.actor, number)


def _viewer(book: Book, admin: Actor) -> Actor:
    with book.write(admin.tenant_id) as uow:
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None)
        return acting_user(uow, admin.tenant_id, "olivia")


def _pane(qtbot, book: Book, demo: DemoResult, tmp_path: Path, *, viewer: bool) -> Iterator[Pane]:
    with book.read(demo.creche.tenant_id) as uow:
        admin = acting_user(uow, demo.creche.tenant_id, demo.user)
    actor = _viewer(book, admin) if viewer else admin
    executor = Executor()
    session = BookSession(executor)
    session.attach(book)
    session.set_workplace(Workplace("test", demo.creche, actor))
    widget = InvoiceAttachments()
    qtbot.addWidget(widget)
    widget.bind(session)
    files = tmp_path / ("viewer's desktop" if viewer else "desktop")
    files.mkdir()
    try:
        with qtbot.waitSignal(widget.listed, timeout=10_000):
            widget.show_invoice(INV, editable=not viewer)
        yield Pane(widget, book, actor, files)
        qtbot.waitUntil(lambda: not executor.busy, timeout=10_000)
    finally:
        executor.shutdown()


@pytest.fixture
def pane(qtbot, demo_first_day, tmp_path, no_dialogs) -> Iterator[Pane]:
    """The widget showing the demo's first invoice, as the administrator (both backends)."""
    book, demo = demo_first_day
    yield from _pane(qtbot, book, demo, tmp_path, viewer=False)


@pytest.fixture
def viewer_pane(qtbot, demo_first_day, tmp_path, no_dialogs) -> Iterator[Pane]:
    """The same, as an owner-viewer (who may list and open, nothing more)."""
    book, demo = demo_first_day
    yield from _pane(qtbot, book, demo, tmp_path, viewer=True)


def _files_mime(*paths: Path | str) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl(p) if isinstance(p, str) else QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _drag_enter(target: QWidget, mime: QMimeData) -> QDragEnterEvent:
    event = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    QApplication.sendEvent(target, event)
    return event


def _drop(target: QWidget, mime: QMimeData) -> QDropEvent:
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    QApplication.sendEvent(target, event)
    return event


def _choose(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> list[str]:
    """Answer the next file dialog with ``paths``; the titles it was opened with."""
    titles: list[str] = []

    def answer(_parent: object, title: str, *_a: object) -> tuple[list[str], str]:
        titles.append(title)
        return [str(p) for p in paths], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(answer))
    return titles


def _rows(widget: InvoiceAttachments) -> list[list[str]]:
    table = widget.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_sizes_read_in_kb_and_mb() -> None:
    assert [size_text(n) for n in (0, 1, 1024, 1025, 812 * 1024, 2_516_582, None)] == [
        "0 KB",
        "1 KB",
        "1 KB",
        "2 KB",
        "812 KB",
        "2.4 MB",
        "missing",
    ]


def test_files_chosen_with_attach_are_kept_and_listed(
    qtbot, pane: Pane, monkeypatch, no_dialogs
) -> None:
    widget = pane.widget
    assert widget.names() == []
    assert widget.status.text() == "No files yet: drop them here or use Attach…"
    assert widget.attach_button.isEnabled()
    assert not widget.open_button.isEnabled()
    assert not widget.remove_button.isEnabled()
    pdf, png = pdf_file(pane.files), png_file(pane.files)
    titles = _choose(monkeypatch, pdf, png)
    with qtbot.waitSignal(widget.listed, timeout=10_000) as shown:
        qtbot.mouseClick(widget.attach_button, Qt.MouseButton.LeftButton)
    assert titles == [f"Attach files to {INV}"]
    assert shown.args == [INV, 2]
    assert no_dialogs == []
    assert widget.names() == ["agreement.pdf", "proof.png"]
    rows = _rows(widget)
    assert [r[0] for r in rows] == ["agreement.pdf", "proof.png"]
    assert [r[1] for r in rows] == [size_text(pdf.stat().st_size), size_text(png.stat().st_size)]
    assert all(r[1].endswith(" KB") for r in rows)
    assert [r[3] for r in rows] == ["admin", "admin"]
    assert all(re.fullmatch(r"\d\d [A-Z][a-z]{2} \d{4}", r[2]) for r in rows)
    assert widget.status.text() == "Attached agreement.pdf, proof.png."
    kept = pane.service_list()
    assert [(a.name, a.sha256) for a in kept] == [
        ("agreement.pdf", sha256_hex(pdf.read_bytes())),
        ("proof.png", sha256_hex(png.read_bytes())),
    ]
    for one, source in zip(kept, (pdf, png), strict=True):
        assert one.path.parent == pane.folder
        assert one.path.read_bytes() == source.read_bytes()
    assert audit_actions(pane.book)["invoice.attach"] == 2


def test_files_dropped_on_the_pane_are_attached(qtbot, pane: Pane, no_dialogs) -> None:
    widget = pane.widget
    png = png_file(pane.files, "till slip.png")
    mime = _files_mime(png)
    entered = _drag_enter(widget, mime)
    assert entered.isAccepted()
    assert widget.status.text() == f"Drop to attach to {INV}"
    QApplication.sendEvent(widget, QDragLeaveEvent())
    assert widget.status.text() == "No files yet: drop them here or use Attach…"
    assert _drag_enter(widget, mime).isAccepted()
    moved = QDragMoveEvent(
        QPoint(30, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    moved.setAccepted(False)
    QApplication.sendEvent(widget, moved)
    assert moved.isAccepted()
    with qtbot.waitSignal(widget.listed, timeout=10_000) as shown:
        dropped = _drop(widget, mime)
    assert dropped.isAccepted()
    assert shown.args == [INV, 1]
    assert widget.names() == ["till_slip.png"]  # the name made safe, as the service keeps it
    ((kept),) = pane.service_list()
    assert kept.original == "till slip.png"
    stored = pane.folder / "till_slip.png"
    assert kept.path == stored
    assert sha256_hex(stored.read_bytes()) == sha256_hex(png.read_bytes()) == kept.sha256
    assert no_dialogs == []


def test_a_drag_of_anything_but_local_files_is_refused(qtbot, pane: Pane) -> None:
    widget = pane.widget
    web = _files_mime("https://example.com/receipt.pdf")
    assert not _drag_enter(widget, web).isAccepted()
    assert widget.status.text() == "Only files on this computer can be attached."
    mixed = _files_mime(pdf_file(pane.files), "https://example.com/receipt.pdf")
    assert not _drag_enter(widget, mixed).isAccepted()
    text = QMimeData()
    text.setText("INV-2026-000001")
    assert not _drag_enter(widget, text).isAccepted()
    assert not _drop(widget, web).isAccepted()
    assert widget.names() == []
    assert pane.service_list() == []


def test_open_hands_the_viewer_a_read_only_copy(qtbot, pane: Pane, monkeypatch, no_dialogs) -> None:
    widget = pane.widget
    pdf = pdf_file(pane.files)
    _choose(monkeypatch, pdf)
    with qtbot.waitSignal(widget.listed, timeout=10_000):
        widget.attach_button.click()
    opened: list[QUrl] = []
    widget.open_url = lambda url: opened.append(url) or True
    widget.table.selectRow(0)
    assert widget.open_button.isEnabled()
    widget.open_button.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    copy = Path(opened[0].toLocalFile())
    ((kept),) = pane.service_list()
    assert copy != kept.path
    assert copy.name == kept.name == "agreement.pdf"
    assert copy.read_bytes() == kept.path.read_bytes() == pdf.read_bytes()
    assert not copy.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert widget.status.text() == "Opened agreement.pdf (a read-only copy)."

    # Double-click opens it too; a second copy replaces the first.
    item = widget.table.item(0, 0)
    widget.table.itemDoubleClicked.emit(item)
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    assert Path(opened[1].toLocalFile()) == copy
    assert copy.read_bytes() == pdf.read_bytes()

    # No program for the kind: said plainly, with where the copy is.
    def no_program(url: QUrl) -> bool:
        opened.append(url)
        return False

    widget.open_url = no_program
    widget.open_selected()
    qtbot.waitUntil(lambda: len(no_dialogs) == 1, timeout=10_000)
    kind, text = no_dialogs[0]
    assert kind == "warning"
    assert f"No program on this computer opens .pdf files; the file is at {copy}" in text


def test_open_refuses_a_stored_file_that_is_gone_or_changed(
    qtbot, pane: Pane, monkeypatch, no_dialogs
) -> None:
    widget = pane.widget
    _choose(monkeypatch, pdf_file(pane.files))
    with qtbot.waitSignal(widget.listed, timeout=10_000):
        widget.attach_button.click()
    opened: list[QUrl] = []
    widget.open_url = lambda url: opened.append(url) or True
    widget.table.selectRow(0)
    stored = pane.folder / "agreement.pdf"
    stored.write_bytes(stored.read_bytes() + b"% edited\n")
    widget.open_selected()
    qtbot.waitUntil(lambda: len(no_dialogs) == 1, timeout=10_000)
    assert "agreement.pdf has changed since it was attached" in no_dialogs[0][1]
    assert str(stored) in no_dialogs[0][1]
    stored.unlink()
    widget.open_selected()
    qtbot.waitUntil(lambda: len(no_dialogs) == 2, timeout=10_000)
    assert f"agreement.pdf is missing: it is no longer at {stored}" in no_dialogs[1][1]
    assert opened == []


def test_remove_asks_then_hides_the_file_and_keeps_it(
    qtbot, pane: Pane, monkeypatch, no_dialogs
) -> None:
    widget = pane.widget
    pdf, png = pdf_file(pane.files), png_file(pane.files)
    _choose(monkeypatch, pdf, png)
    with qtbot.waitSignal(widget.listed, timeout=10_000):
        widget.attach_button.click()
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    widget.table.selectRow(0)
    assert widget.remove_button.isEnabled()
    widget.remove_button.click()
    assert asked[0].startswith(f"Remove agreement.pdf from {INV}?")
    assert "The file stays in the book's documents folder" in asked[0]
    assert widget.names() == ["agreement.pdf", "proof.png"]  # "No": nothing happens
    answer[0] = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(widget.listed, timeout=10_000) as shown:
        widget.remove_button.click()
    assert shown.args == [INV, 1]
    assert widget.names() == ["proof.png"]
    assert widget.status.text() == "Removed agreement.pdf."
    assert [a.name for a in pane.service_list()] == ["proof.png"]
    assert (pane.folder / "agreement.pdf").read_bytes() == pdf.read_bytes()  # kept on disk
    assert audit_actions(pane.book)["invoice.detach"] == 1
    assert no_dialogs == []


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("big.pdf", b"%PDF-1.4\n" + b"0" * SIZE_LIMIT, "more than the 10 MB limit"),
        ("setup.exe", b"MZ\x90\x00", "cannot attach a .exe"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not a .pdf file"),
        ("gone.pdf", None, "no such file"),
    ],
    ids=["too-big", "wrong-type", "not-what-it-says", "missing"],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_changes(
    qtbot, pane: Pane, monkeypatch, no_dialogs, name: str, data: bytes | None, said: str
) -> None:
    widget = pane.widget
    good = png_file(pane.files)
    bad = pane.files / name
    if data is not None:
        bad.write_bytes(data)
    _choose(monkeypatch, good, bad)
    before = audit_actions(pane.book)
    widget.attach_button.click()
    qtbot.waitUntil(lambda: len(no_dialogs) == 1, timeout=10_000)
    kind, text = no_dialogs[0]
    assert kind == "warning"
    assert text.startswith(f"Could not attach proof.png, {name} to {INV}.")
    assert f"{bad}: " in text
    assert said in text
    assert widget.status.text() == "Nothing attached."
    assert widget.attach_button.isEnabled()  # ready to try again
    assert widget.names() == []
    assert pane.service_list() == []
    assert not pane.folder.exists() or list(pane.folder.iterdir()) == []  # all or nothing
    assert audit_actions(pane.book) == before


def test_an_owner_viewer_lists_and_opens_but_attaches_and_removes_nothing(
    qtbot, pane: Pane, viewer_pane: Pane, monkeypatch, no_dialogs
) -> None:
    # The administrator attaches a file; the owner-viewer, in the same book, sees it.
    _choose(monkeypatch, pdf_file(pane.files))
    with qtbot.waitSignal(pane.widget.listed, timeout=10_000):
        pane.widget.attach_button.click()
    widget = viewer_pane.widget
    with qtbot.waitSignal(widget.listed, timeout=10_000):
        widget.refresh()
    assert widget.names() == ["agreement.pdf"]
    widget.table.selectRow(0)
    assert widget.open_button.isEnabled()
    assert not widget.attach_button.isEnabled()
    assert not widget.remove_button.isEnabled()
    assert widget.attach_button.toolTip() == "Your role may not do this."
    opened: list[QUrl] = []
    widget.open_url = lambda url: opened.append(url) or True
    widget.open_selected()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)

    mime = _files_mime(png_file(viewer_pane.files))
    assert not _drag_enter(widget, mime).isAccepted()
    assert widget.status.text() == "Your role may not attach files."
    assert not _drop(widget, mime).isAccepted()
    widget.attach([viewer_pane.files / "proof.png"])  # refused up front, no job
    assert [a.name for a in viewer_pane.service_list()] == ["agreement.pdf"]
    assert no_dialogs == []


def test_the_list_follows_the_invoice_shown(qtbot, pane: Pane, monkeypatch) -> None:
    widget = pane.widget
    _choose(monkeypatch, pdf_file(pane.files))
    with qtbot.waitSignal(widget.listed, timeout=10_000):
        widget.attach_button.click()
    with qtbot.waitSignal(widget.listed, timeout=10_000) as shown:
        widget.show_invoice(OTHER, editable=True)
    assert shown.args == [OTHER, 0]
    assert widget.names() == []
    # A late answer for the invoice left behind is not shown.
    widget.show_invoice(INV, editable=True)
    widget.show_invoice(OTHER, editable=True)
    with qtbot.waitSignal(
        widget.listed, timeout=10_000, check_params_cb=lambda number, _n: number == OTHER
    ):
        pass
    qtbot.waitUntil(lambda: widget.number() == OTHER and widget.names() == [], timeout=10_000)
    widget.clear()
    assert (widget.number(), widget.names(), widget.status.text()) == (None, [], "")
    assert not widget.attach_button.isEnabled()
    assert not _drag_enter(widget, _files_mime(pdf_file(pane.files, "x.pdf"))).isAccepted()


class _CommitFails:
    """The book, but every write transaction fails as it would commit."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self.settings = book.settings

    @contextmanager
    def write(self, tenant: int) -> Iterator[object]:
        with self._book.write(tenant) as uow:
            yield uow
            raise OSError("the disk is full")


def test_a_commit_that_fails_leaves_no_file_behind(pane: Pane) -> None:
    workplace = pane.widget._session.workplace  # type: ignore[union-attr]
    files = [pdf_file(pane.files), png_file(pane.files)]
    with pytest.raises(OSError, match="the disk is full"):
        attachment_jobs.attach(_CommitFails(pane.book), workplace, INV, files)  # type: ignore[arg-type]
    assert pane.service_list() == []
    assert not pane.folder.exists() or list(pane.folder.iterdir()) == []


def test_the_session_s_copies_are_removed_at_exit(tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    (folder / INV).mkdir(parents=True)
    copy = folder / INV / "agreement.pdf"
    copy.write_bytes(b"%PDF-1.4")
    copy.chmod(stat.S_IRUSR)  # read-only, as every copy is made
    attachment_jobs._remove(folder)
    assert not folder.exists()


# --------------------------------------------------------------------------- in the window


def _invoices_tab(qtbot, shell):  # type: ignore[no-untyped-def]
    view = shell.window.invoices
    shell.window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.select_month(None)  # the opening-balance invoices have no billing month
    return view


def _select(qtbot, view, number: str) -> None:  # type: ignore[no-untyped-def]
    row = view.model.row_of_number(number)
    assert row is not None
    with qtbot.waitSignal(
        view.detail.attachments.listed,
        timeout=10_000,
        check_params_cb=lambda shown, _n: shown == number,
    ):
        view.table.selectRow(row)


def test_the_detail_pane_lists_attaches_and_takes_drops(
    qtbot, open_shell, demo_first_day_path, tmp_path, monkeypatch, no_dialogs
) -> None:
    view = _invoices_tab(qtbot, open_shell(demo_first_day_path))
    attachments = view.detail.attachments
    assert not attachments.attach_button.isEnabled()  # no invoice selected yet
    _select(qtbot, view, INV)
    assert attachments.names() == []
    pdf, png = pdf_file(tmp_path), png_file(tmp_path)
    _choose(monkeypatch, pdf)
    with qtbot.waitSignal(view.loaded, timeout=10_000):  # the tab reloads after the change
        attachments.attach_button.click()
    qtbot.waitUntil(lambda: attachments.names() == ["agreement.pdf"], timeout=10_000)

    assert view.detail.extras.tabText(1) == "Attachments (1)"

    # Dropped anywhere on the pane (here on the pane itself, outside the list),
    # with the notes showing: the attachments come forward.
    view.detail.extras.setCurrentWidget(view.detail.notes)
    mime = _files_mime(png)
    assert _drag_enter(view.detail, mime).isAccepted()
    assert view.detail.extras.currentWidget() is attachments
    assert attachments.status.text() == f"Drop to attach to {INV}"
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        assert _drop(view.detail, mime).isAccepted()
    qtbot.waitUntil(lambda: attachments.names() == ["agreement.pdf", "proof.png"], timeout=10_000)

    assert view.detail.extras.tabText(1) == "Attachments (2)"
    _select(qtbot, view, OTHER)
    assert attachments.names() == []
    assert view.detail.extras.tabText(1) == "Attachments"
    _select(qtbot, view, INV)
    assert attachments.names() == ["agreement.pdf", "proof.png"]
    assert view.detail.extras.tabText(1) == "Attachments (2)"
    assert no_dialogs == []

    book, _ = Book.open(settings_for(str(demo_first_day_path)))
    try:
        with book.read(1) as uow:
            admin = acting_user(uow, 1, "admin")
            kept = list_attachments(uow, admin, INV)
    finally:
        book.close()
    assert [(a.name, a.sha256, a.added_by) for a in kept] == [
        ("agreement.pdf", sha256_hex(pdf.read_bytes()), "admin"),
        ("proof.png", sha256_hex(png.read_bytes()), "admin"),
    ]


def test_an_owner_viewer_sees_the_pane_s_buttons_disabled(
    qtbot, open_shell, demo_first_day_path, tmp_path
) -> None:
    book, _ = Book.open(settings_for(str(demo_first_day_path)))
    try:
        with book.write(1) as uow:
            add_user(uow, acting_user(uow, 1, "admin"), "olivia", Role.OWNER_VIEWER, "pw")
    finally:
        book.close()
    view = _invoices_tab(qtbot, open_shell(demo_first_day_path, "olivia"))
    attachments = view.detail.attachments
    _select(qtbot, view, INV)
    assert attachments.status.text() == "No files attached."
    assert not attachments.attach_button.isEnabled()
    assert not attachments.remove_button.isEnabled()
    assert not _drag_enter(view.detail, _files_mime(pdf_file(tmp_path))).isAccepted()
