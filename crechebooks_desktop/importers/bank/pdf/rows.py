"""A page's words as lines of text, top to bottom, each numbered.

Words whose baselines lie within a third of the text size of each other are
one line (a bank may set an amount a point higher than its description).
Letters far larger than the page's text (a "SPECIMEN" watermark drawn across
the page) are left out.

Numbering, used in every message and kept as :attr:`StatementLine.line_no`:
``page_line`` counts the lines of text on a page from its top (1 is the first
line, headings and addresses included), as a person counts them on the
printed page; ``line_no`` counts the lines of the whole document the same way
(page 2's first line follows page 1's last), so that it is one increasing
number per line for a dialog to point at.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.importers.bank.pdf.extract import Page, Word

__all__ = ["Row", "page_rows"]

_WATERMARK = 2.5  # times the page's usual text size
_SAME_LINE = 0.35  # share of the text size


@dataclass(frozen=True, slots=True)
class Row:
    """One line of text on a page."""

    page: int
    page_line: int
    line_no: int
    baseline: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        """The line's words joined by spaces."""
        return " ".join(word.text for word in self.words)

    @property
    def size(self) -> float:
        """The line's text size (the largest of its words)."""
        return max(word.size for word in self.words)

    @property
    def where(self) -> str:
        """``page P, line L``, for messages."""
        return f"page {self.page}, line {self.page_line}"


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.baseline, w.x0)):
        if lines and word.baseline - lines[-1][0].baseline <= word.size * _SAME_LINE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def page_rows(pages: Sequence[Page]) -> list[list[Row]]:
    """Each page's lines, numbered on the page and through the document."""
    result: list[list[Row]] = []
    count = 0
    for page in pages:
        if not page.words:
            result.append([])
            continue
        usual = statistics.median(word.size for word in page.words)
        words = [word for word in page.words if word.size <= usual * _WATERMARK]
        rows = []
        for number, line in enumerate(_lines(words), start=1):
            ordered = tuple(sorted(line, key=lambda w: w.x0))
            rows.append(Row(page.number, number, count + number, ordered[0].baseline, ordered))
        count += len(rows)
        result.append(rows)
    return result
