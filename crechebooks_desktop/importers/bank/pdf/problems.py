"""Problems and warnings about a statement PDF, placed by page and line.

A PDF has no line numbers of its own, so messages say where on the printed
page: ``statement.pdf:page 2, line 14: ...``, counting the lines of text from
the top of the page (``rows.py``). The problem still carries the
document-wide ``line`` (``StatementLine.line_no``) for a dialog to point at.

A statement whose figures do not add up raises :class:`BalanceChainError`,
which names the first line that breaks the chain and the difference, and
carries them as attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.statement import StatementLine
from crechebooks_desktop.importers.bank.common import Findings
from crechebooks_desktop.importers.bank.pdf.rows import Row

__all__ = ["BalanceChainError", "Notes", "PdfProblem"]


@dataclass(frozen=True, slots=True)
class PdfProblem(ImportProblem):
    """A problem on a line of a PDF: ``line`` is the document-wide line number.

    Attributes:
        page: the page (1 is the first).
        page_line: the line on that page, counted from its top.
    """

    page: int = 0
    page_line: int = 0

    def __str__(self) -> str:
        """``FILE:page P, line L: field: message``."""
        return f"{self.file}:page {self.page}, line {self.page_line}: {self.field}: {self.message}"


class BalanceChainError(ProblemsError):
    """The statement's lines do not add up to a balance it prints.

    Attributes:
        line_no: the document-wide line number of the first line whose printed
            balance disagrees (the ``line_no`` of its statement line, or of
            the balance line).
        page: its page.
        page_line: its line on the page.
        printed_cents: the balance the statement prints there.
        expected_cents: the opening balance plus the lines up to there.
        lines: every line read from the statement, so that a screen can show
            them with the one at ``line_no`` marked.
    """

    def __init__(
        self,
        file: str,
        row: Row,
        printed: int,
        expected: int,
        lines: tuple[StatementLine, ...] = (),
    ) -> None:
        self.line_no, self.page, self.page_line = row.line_no, row.page, row.page_line
        self.printed_cents, self.expected_cents = printed, expected
        self.lines = lines
        message = (
            f"{format_rands(printed)}, lines add up to {format_rands(expected)} "
            f"(difference {format_rands(printed - expected)}); the statement was read "
            "wrongly or is incomplete, so nothing was imported"
        )
        problem = PdfProblem(file, row.line_no, "balance", message, row.page, row.page_line)
        super().__init__([problem], file)


class Notes:
    """Collects a PDF's problems and warnings in a :class:`Findings`."""

    def __init__(self, file: str) -> None:
        self.findings = Findings(file)

    def problem(self, row: Row, field_name: str, message: str) -> None:
        """Note a problem that refuses the file."""
        file = self.findings.file
        found = PdfProblem(file, row.line_no, field_name, message, row.page, row.page_line)
        self.findings.problems.append(found)

    def warn(self, row: Row, message: str) -> None:
        """Note something the user should know, at a line."""
        self.findings.warnings.append((row.line_no, f"{self.findings.file}:{row.where}: {message}"))
