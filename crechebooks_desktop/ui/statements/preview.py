"""The selected statement as its PDF pages (QtPdf), or a note saying why there is none."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget


class StatementPreview(QWidget):
    """Shows PDF bytes rendered off the GUI thread; keeps them for printing and saving.

    Signals:
        shown(int): a document was loaded; its page count (0 when it could not be read).
    """

    shown = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.note = QLabel()
        self.note.setObjectName("previewNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.note)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._buffer: QBuffer | None = None
        self.pdf: bytes | None = None
        self.say("Choose a household to see its statement.")

    def say(self, text: str) -> None:
        """Show a note instead of a page (nothing chosen, loading, or why it failed)."""
        self.stack.setCurrentWidget(self.note)
        self.note.setText(text)

    def clear(self, text: str) -> None:
        """Forget the document and show ``text``."""
        self.document.close()
        self.pdf = None
        self._buffer = None
        self.say(text)

    def show_pdf(self, pdf: bytes) -> int:
        """Load and show ``pdf``; returns its page count (0 if Qt cannot read it)."""
        self.document.close()
        buffer = QBuffer()
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        self._buffer = buffer  # the document reads from it for as long as it is shown
        if self.document.status() != QPdfDocument.Status.Ready:
            self.pdf = None
            self.say(f"The statement could not be shown ({self.document.error().name}).")
            self.shown.emit(0)
            return 0
        self.pdf = pdf
        self.stack.setCurrentWidget(self.view)
        pages = self.document.pageCount()
        self.shown.emit(pages)
        return pages
