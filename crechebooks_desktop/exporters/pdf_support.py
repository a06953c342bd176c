"""What the app's PDFs share: embedded DejaVu fonts and canvases that number their pages.

DejaVu Sans ships in ``resources/fonts`` and is embedded (subset) in every PDF,
so ``R 1 234,56``, no-break spaces and names such as ``Zoë`` or ``Ṱhalitha``
print the same on any machine; reportlab's built-in Helvetica covers Latin-1 only
and is never embedded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from crechebooks_desktop.paths import resources_dir

__all__ = ["BOLD", "FONT", "PageDecorator", "numbered_canvas", "register_fonts"]

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

PageDecorator = Callable[[Canvas, int, int], None]
"""Draws what every page carries (footer, watermark): ``(canvas, page number, page count)``."""


@functools.cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process."""
    fonts = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def numbered_canvas(decorate: PageDecorator) -> Callable[..., Canvas]:
    """A canvas class (for ``doc.build(canvasmaker=...)``) that decorates each page.

    Pages are held back until the document ends, so ``decorate`` knows the page
    count and can print "Page n of m".
    """

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                decorate(self, number, len(self._held))
                super().showPage()
            super().save()

    return NumberedCanvas
