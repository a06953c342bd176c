"""Problems found in an imported file, reported all at once (docs/ARCHITECTURE.md, Errors).

An import collects every problem of a file before refusing it, so the user can
fix them in one pass. Each names the file, the physical line and the field,
the way compilers do: ``roster.csv:7: child_dob: not a date ...``.

These values live in the domain so that the services, which check a file's
rows against the book, can report problems the same way the file readers do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crechebooks_desktop.errors import UserFacingError

__all__ = ["ImportProblem", "ProblemsError", "sorted_problems"]


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with one field of one line of a file.

    Attributes:
        file: the file's name as the user gave it.
        line: the physical line number (1 is the first line of the file).
        field: the column (or other part) at fault.
        message: what is wrong, for the user.
    """

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        """``FILE:LINE: field: message``."""
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


def sorted_problems(problems: Iterable[ImportProblem]) -> tuple[ImportProblem, ...]:
    """Problems in file order: by line, keeping the order found within a line."""
    return tuple(sorted(problems, key=lambda p: p.line))


class ProblemsError(UserFacingError):
    """A file was refused as a whole; every problem is listed, one per line.

    The message's first line says that nothing was changed; each following line
    is one problem, so printing the error shows all of them.

    Attributes:
        problems: the problems, in file order.
    """

    def __init__(self, problems: Iterable[ImportProblem], subject: str) -> None:
        self.problems = sorted_problems(problems)
        count = len(self.problems)
        head = f"{subject} was not imported ({count} problem{'' if count == 1 else 's'}); "
        super().__init__("\n".join([head + "nothing was changed", *map(str, self.problems)]))
