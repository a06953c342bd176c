"""Printing a PDF document (rendered off the GUI thread) on a Qt printer."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter


def print_pdf(pdf: bytes, printer: QPrinter, dpi: int = 200) -> int:
    """Paint each page of ``pdf`` onto ``printer``, scaled to its page.

    Returns:
        The number of pages printed.

    Raises:
        RuntimeError: the bytes are not a PDF Qt can read.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise RuntimeError(f"cannot read the document to print ({document.error().name})")
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("the printer could not be started")
    try:
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(page, pixels)
            painter.drawImage(_fit(painter.viewport(), image.size()), image)
    finally:
        painter.end()
    return document.pageCount()


def _fit(area: QRect, size: QSize) -> QRect:
    """The largest rectangle of ``size``'s shape centred in ``area``."""
    scale = min(area.width() / size.width(), area.height() / size.height())
    width, height = round(size.width() * scale), round(size.height() * scale)
    return QRect(
        area.x() + (area.width() - width) // 2,
        area.y() + (area.height() - height) // 2,
        width,
        height,
    )
