"""Text the book keeps on one line: names, references, descriptions (issue 10).

Names and references are shown in the command line's plain-text tables, the
window's tables, on invoices and in exports; a line break, tab or other
control character inside one breaks all of them. Two rules, kept here so that
every way in (a file, the command line, the window) applies the same one:

- A name or reference a person types or imports (household and child
  references, parents' and children's names and contacts, fee names, bank
  account names, charge and invoice line descriptions, payment references,
  user names) is **refused** when it holds a control character:
  :func:`one_line_problem` says what is wrong, :func:`check_one_line` raises it.
  The person can correct it, and nothing is silently changed.
- Text the user does not control or only explains something (a bank's own
  descriptions and references; reasons and notes) is **folded** onto one line
  by :func:`one_line`: a statement from the bank is not the user's to correct.

Control characters are those of Unicode category Cc (C0, DEL and C1, which
include tab, line feed, carriage return and NEL) and the line and paragraph
separators U+2028 and U+2029.
"""

from __future__ import annotations

import re

from crechebooks_desktop.errors import RuleViolation

__all__ = ["check_one_line", "one_line", "one_line_problem", "require_one_line"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# \s is Unicode whitespace (as str.split() splits on), which includes U+2028/U+2029.
_RUNS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_NAMED = {
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    "\x0b": "a line break",
    "\x0c": "a page break",
    "\x85": "a line break",
    "\u2028": "a line break",
    "\u2029": "a paragraph break",
}


def one_line_problem(text: str) -> str | None:
    """What makes ``text`` unfit to be a name or reference, or None when it is fine.

    The message reads after the field's name: ``parent_name: contains a line break; ...``.
    """
    found = _CONTROL.search(text)
    if found is None:
        return None
    char = found.group()
    what = _NAMED.get(char, f"a control character (U+{ord(char):04X})")
    return f"contains {what}; it must be one line of text, without control characters"


def check_one_line(text: str) -> str:
    """``text`` itself, when it is fit to be a name or reference.

    Raises:
        ValueError: it holds a control character (the message of
            :func:`one_line_problem`).
    """
    problem = one_line_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


def require_one_line(text: str | None, what: str) -> None:
    """Refuse a name or reference given to a service that is not one line of text.

    Args:
        text: the value as given (None: nothing to check).
        what: how the message names it, e.g. ``"the description"``.

    Raises:
        RuleViolation: it holds a control character.
    """
    problem = None if text is None else one_line_problem(text)
    if problem is not None:
        raise RuleViolation(f"{what} {problem}")


def one_line(text: str) -> str:
    """``text`` folded onto one line: runs of spaces and control characters become one space.

    Leading and trailing spaces are dropped, so blank text becomes ``""``.
    """
    # Most text is one line already: a 50,000-line statement folds 250,000 texts.
    # isprintable() is False for every control character and every space but
    # the ASCII one, so this answers exactly as the fold would.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _RUNS.sub(" ", text).strip()
