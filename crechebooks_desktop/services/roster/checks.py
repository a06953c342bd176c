"""Checking the fields a person types for the roster, each problem named by its field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from crechebooks_desktop.domain.dates import book_date_problem
from crechebooks_desktop.domain.roster import email_problem, reference_problem
from crechebooks_desktop.domain.text import one_line_problem
from crechebooks_desktop.errors import RuleViolation

__all__ = ["Fields", "RosterRefused"]


class RosterRefused(RuleViolation):
    """A roster change whose fields are not all acceptable; nothing was changed.

    Attributes:
        problems: each refused field and what is wrong with its value, in the
            order found (the window shows each beside its field).
    """

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        listed = "; ".join(f"{key}: {why}" for key, why in self.problems.items())
        super().__init__(f"{listed}; nothing was changed")


class Fields:
    """Collects the first problem of each field while values are checked."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def problem(self, field: str, message: str) -> None:
        """Note what is wrong with ``field`` (the first problem found is kept)."""
        self.problems.setdefault(field, message)

    def text(
        self, field: str, value: str | None, *, required: bool = False, max_length: int = 500
    ) -> str | None:
        """``value`` stripped, one line and not too long; blank is None."""
        text = (value or "").strip()
        if not text:
            if required:
                self.problem(field, "a value is required")
            return None
        if len(text) > max_length:
            self.problem(field, f"too long ({len(text)} characters; at most {max_length})")
        elif (problem := one_line_problem(text)) is not None:
            self.problem(field, problem)
        return text

    def reference(self, field: str, value: str) -> str:
        """A household or child reference, in upper case."""
        text = self.text(field, value, required=True, max_length=30) or ""
        if text and field not in self.problems and (problem := reference_problem(text)):
            self.problem(field, problem)
        return text.upper()

    def email(self, field: str, value: str | None) -> str | None:
        """An e-mail address, or None when blank."""
        text = self.text(field, value, max_length=200)
        if text is not None and field not in self.problems and (problem := email_problem(text)):
            self.problem(field, problem)
        return text

    def book_date(self, field: str, day: dt.date | None) -> None:
        """A date the book takes (``domain.dates``); None is not checked."""
        if day is not None and (problem := book_date_problem(day)) is not None:
            self.problem(field, problem)

    def refuse(self) -> None:
        """Refuse the change when any field has a problem.

        Raises:
            RosterRefused: with every problem found.
        """
        if self.problems:
            raise RosterRefused(self.problems)
