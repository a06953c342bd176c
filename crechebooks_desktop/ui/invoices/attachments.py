"""The selected invoice's files in the detail pane: listed, opened, attached, removed (issue 16).

The widget runs its own jobs on the database thread through the session it is
bound to. Files come from a file dialog or dropped from the desktop (local
files only); a file is opened from a read-only copy with the system's viewer.
Users who may not change invoices see the list and open files, nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.invoices import attachment_jobs
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from crechebooks_desktop.services.billing.invoice_attachments import Attachment

NOT_ALLOWED = "Your role may not do this."
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DRAGS = {QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.DragLeave, QEvent.Type.Drop}


def size_text(size: int | None) -> str:
    """``812 KB``, ``2.4 MB`` (whole KB rounded up, so a small file is never ``0 KB``)."""
    if size is None:
        return "missing"
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def local(moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC, with or without its zone) in the computer's own time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone()


def local_files(mime: QMimeData) -> list[Path]:
    """The files a drag carries, or none unless every URL is a local file."""
    urls = mime.urls() if mime.hasUrls() else []
    if not urls or not all(url.isLocalFile() for url in urls):
        return []
    return [Path(url.toLocalFile()) for url in urls]


class InvoiceAttachments(QWidget):
    """The files kept with one invoice, with Attach…, Open and Remove… and file drops.

    Attributes:
        open_url: shows a file with the system's viewer; returns False when no
            program opens it (tests put their own here).

    Signals:
        listed(str, int): an invoice's attachments were shown; its number and how many.
        wanted(): files are dragged over that it would take (its tab should show).
    """

    listed = Signal(str, int)
    wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self._session: BookSession | None = None
        self._number: str | None = None
        self._editable = False
        self._busy = False
        self._rows: list[Attachment] = []
        self._read = False  # the shown invoice's attachments have been read
        self._said = ""  # what the last action or drag has to say (else a hint)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Name", "Size", "Attached", "By"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.attach_button = QPushButton("Attach…")
        self.attach_button.clicked.connect(self._choose_files)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self._confirm_remove)
        self.status = QLabel()
        self.status.setObjectName("attachmentsStatus")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.attach_button, self.open_button, self.remove_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.accept_drops_on(self)
        self.clear()

    def bind(self, session: BookSession) -> None:
        """Read and change the book through ``session`` (the tab's)."""
        self._session = session

    def accept_drops_on(self, widget: QWidget) -> None:
        """Take files dropped anywhere on ``widget`` (the whole detail pane)."""
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    # -- what is shown ----------------------------------------------------------------------

    def clear(self) -> None:
        """No invoice selected."""
        self._number = None
        self._read = False
        self._said = ""
        self._show([])

    def show_invoice(self, number: str, editable: bool) -> None:
        """Show an invoice's attachments; ``editable``: the user may attach and remove.

        The same invoice shown again keeps its rows until they are read again.
        """
        if number != self._number:
            self._number = number
            self._read = False
            self._said = ""
            self._show([])
        self._editable = editable
        self._update()
        self.refresh()

    def refresh(self) -> None:
        """Read the shown invoice's attachments again."""
        number = self._number
        if number is None or self._session is None:
            return
        self._session.query(
            lambda book, w: attachment_jobs.listed(book, w, number),
            lambda rows: self._listed(number, rows),
            lambda exc: report(self, exc, f"list the attachments of {number}"),
        )

    def number(self) -> str | None:
        """The invoice shown."""
        return self._number

    def names(self) -> list[str]:
        """The attachments listed, as the service names them."""
        return [a.name for a in self._rows]

    def selected(self) -> Attachment | None:
        """The attachment in the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def may_attach(self) -> bool:
        """An invoice is shown, the user may change it, and no change is running."""
        return self._number is not None and self._editable and not self._busy

    def _listed(self, number: str, rows: Sequence[Attachment]) -> None:
        if number != self._number:
            return  # another invoice was selected while it read
        self._read = True
        self._show(rows)
        self.listed.emit(number, len(rows))

    def _show(self, rows: Sequence[Attachment]) -> None:
        chosen = self.selected()
        keep = chosen.name if chosen is not None else None
        self.table.clearSelection()
        self._rows = list(rows)
        self.table.setRowCount(len(self._rows))
        for index, one in enumerate(self._rows):
            name = QTableWidgetItem(one.name)
            original = f"Attached as {one.original}\n" if one.original != one.name else ""
            name.setToolTip(f"{original}SHA-256 {one.sha256}\n{one.path}")
            added = QTableWidgetItem(f"{local(one.added_at):%d %b %Y}")
            added.setToolTip(f"{local(one.added_at):%d %b %Y %H:%M}")
            size = QTableWidgetItem(size_text(one.size))
            size.setTextAlignment(_RIGHT)
            for column, item in enumerate(
                (
                    name,
                    size,
                    added,
                    QTableWidgetItem(one.added_by or "—"),
                )
            ):
                self.table.setItem(index, column, item)
            if one.name == keep:
                self.table.selectRow(index)
        self._update()

    def _hint(self) -> str:
        if self._number is None or not self._read:
            return ""
        if self._rows:
            return f"Files kept with {self._number}; double-click one to open it."
        if self._editable:
            return "No files yet: drop them here or use Attach…"
        return "No files attached."

    def _update(self) -> None:
        self.status.setText(self._said or self._hint())
        chosen = self.selected() is not None
        may = self._editable and self._number is not None
        self.attach_button.setEnabled(self.may_attach())
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(may and chosen and not self._busy)
        tip = "" if may or self._number is None else NOT_ALLOWED
        self.attach_button.setToolTip(
            tip or "Attach PDFs, pictures or office documents (or drop them here)"
        )
        self.remove_button.setToolTip(tip)

    def _say(self, text: str) -> None:
        self._said = text
        self.status.setText(text or self._hint())

    # -- attaching --------------------------------------------------------------------------

    def _choose_files(self) -> None:
        from crechebooks_desktop.services.billing.invoice_attachments import (  # noqa: PLC0415
            EXTENSIONS,
        )

        if not self.may_attach():
            return
        kinds = " ".join(f"*{e}" for e in EXTENSIONS)
        chosen, _ = QFileDialog.getOpenFileNames(
            self,
            f"Attach files to {self._number}",
            "",
            f"Documents and pictures ({kinds});;All files (*)",
        )
        if chosen:
            self.attach([Path(p) for p in chosen])

    def attach(self, files: Sequence[Path]) -> None:
        """Attach files to the shown invoice, all or none, in the background."""
        number = self._number
        if number is None or self._session is None or not files or not self.may_attach():
            return
        names = ", ".join(f.name for f in files)
        self._start(f"Attaching {names}…")
        self._session.mutate(
            lambda book, w: attachment_jobs.attach(book, w, number, list(files)),
            Changes(invoices=True),
            self,
            lambda rows: self._changed(number, rows, f"Attached {names}."),
            lambda exc: self._failed(exc, f"attach {names} to {number}", "Nothing attached."),
        )

    # -- opening and removing ---------------------------------------------------------------

    def open_selected(self) -> None:
        """Open the selected attachment's copy with the system's viewer."""
        chosen = self.selected()
        number = self._number
        if chosen is None or number is None or self._session is None:
            return
        name = chosen.name
        self._session.query(
            lambda book, w: attachment_jobs.prepare_to_open(book, w, number, name),
            lambda copy: self._open_copy(name, copy),
            lambda exc: report(self, exc, f"open {name}"),
        )

    def _open_copy(self, name: str, copy: Path) -> None:
        if self.open_url(QUrl.fromLocalFile(str(copy))):
            self._say(f"Opened {name} (a read-only copy).")
            return
        kind = f"{copy.suffix.lower()} files" if copy.suffix else "files without an extension"
        report(
            self,
            UserFacingError(f"No program on this computer opens {kind}; the file is at {copy}"),
            f"open {name}",
        )

    def _confirm_remove(self) -> None:
        chosen = self.selected()
        if chosen is None or self._number is None:
            return
        answer = QMessageBox.question(
            self,
            "Remove attachment",
            f"Remove {chosen.name} from {self._number}?\n\nThe file stays in the book's "
            "documents folder and the audit trail keeps a record of it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove(chosen.name)

    def remove(self, name: str) -> None:
        """Hide an attachment of the shown invoice (the file itself is kept)."""
        number = self._number
        if number is None or self._session is None or not self.may_attach():
            return
        self._start(f"Removing {name}…")
        self._session.mutate(
            lambda book, w: attachment_jobs.detach(book, w, number, name),
            Changes(invoices=True),
            self,
            lambda rows: self._changed(number, rows, f"Removed {name}."),
            lambda exc: self._failed(exc, f"remove {name} from {number}", "Not removed."),
        )

    def _start(self, text: str) -> None:
        self._busy = True
        self._say(text)
        self._update()

    def _changed(self, number: str, rows: Sequence[Attachment], text: str) -> None:
        self._busy = False
        self._listed(number, rows)
        if number == self._number:
            self._say(text)
        self._update()

    def _failed(self, exc: BaseException, doing: str, outcome: str) -> None:
        self._busy = False
        self._say(outcome)
        self._update()
        report(self, exc, doing)

    # -- dropping files ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Drags over this widget or the pane it takes drops on."""
        if event.type() not in _DRAGS:
            return super().eventFilter(watched, event)
        if isinstance(event, QDropEvent):  # a drag move is a drop event too
            files = local_files(event.mimeData())
            if not files or not self.may_attach():
                self._refuse(event, files)
            elif isinstance(event, QDragEnterEvent | QDragMoveEvent):
                event.acceptProposedAction()
                self._say(f"Drop to attach to {self._number}")
                if event.type() == QEvent.Type.DragEnter:
                    self.wanted.emit()
            else:
                event.acceptProposedAction()
                self._say("")
                self.attach(files)
        else:  # left without dropping
            self._say("")
        return True

    def _refuse(self, event: QDropEvent, files: list[Path]) -> None:
        event.ignore()
        if self._number is None:
            return
        if files and not self._editable:
            self._say("Your role may not attach files.")
        elif not files and event.mimeData().hasUrls():
            self._say("Only files on this computer can be attached.")
