"""An invoice's notes: the office's own free text about it (issue 16).

Unlike a name or a reference (``domain.text``), a note may run over several
lines: "Paid in cash at the gate; receipt 0412 in the file". It is kept as the
person wrote it, with two tidyings that nobody means to keep: every kind of line
break becomes a newline, and the spaces at the ends of lines and the blank lines at
the end are dropped. Other control characters (a tab, a NUL pasted from
another program) become spaces: they print as nothing useful, and PostgreSQL
refuses a NUL outright. Blank text is no note at all.
"""

from __future__ import annotations

import re

from crechebooks_desktop.errors import RuleViolation

__all__ = ["NOTE_LIMIT", "clean_note"]

NOTE_LIMIT = 2000
"""The most characters a note holds (the column is as wide)."""

_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x09\x0e-\x1f\x7f-\x84\x86-\x9f]")


def clean_note(text: str) -> str | None:
    """The note as it is kept, or None for blank text (no note).

    Args:
        text: the note as typed, of any number of lines.

    Returns:
        The text with newlines for line breaks, no spaces at the ends of lines and
        no blank lines at the start or end; None when nothing is left.

    Raises:
        RuleViolation: longer than :data:`NOTE_LIMIT` characters once tidied.
    """
    lines = _CONTROL.sub(" ", _BREAKS.sub("\n", text)).split("\n")
    kept = "\n".join(line.rstrip() for line in lines).strip("\n")
    if not kept.strip():
        return None
    if len(kept) > NOTE_LIMIT:
        raise RuleViolation(
            f"an invoice's notes are at most {NOTE_LIMIT} characters (these have {len(kept)})"
        )
    return kept
