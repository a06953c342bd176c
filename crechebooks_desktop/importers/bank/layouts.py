"""Which layout reads a statement: a bank's profile, a saved column mapping, or recognition.

A creche saves column mappings in its book (``bank profiles add``, the import
dialog's mapping step); the caller reads them and passes them in, so this stays
free of the book. A profile is named either way, without regard to case: one
of the built-in profiles (``fnb``, ``capitec``, ``Standard Bank`` for
``standard-bank``...) or a saved mapping's name; the two never share a name,
as the book refuses to save a built-in's name, however it is written.

Without a name, a CSV file whose header is that of a saved mapping is read
with it, before the built-in profiles look at it (issue 14): a creche that
mapped its bank's layout means that layout, even where a profile would also
have taken the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from crechebooks_desktop.domain.column_mapping import ColumnMapping
from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import detect_format, file_bytes, read_statement
from crechebooks_desktop.importers.bank.csv_profiles import BY_NAME
from crechebooks_desktop.importers.bank.mapping import read_mapped, recognise

__all__ = ["builtin_names", "digest", "file_bytes", "read_statement_using", "resolve"]

Saved = Mapping[str, ColumnMapping]


def builtin_names() -> tuple[str, ...]:
    """The built-in profiles' names, which no saved mapping may take."""
    return tuple(BY_NAME)


def _letters(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


def resolve(profile: str, saved: Saved) -> tuple[str | None, str | None]:
    """``(built-in name, None)`` or ``(None, saved name)`` for a profile as typed.

    Raises:
        UserFacingError: neither has that name; the message lists both kinds.
    """
    key = profile.strip().lower()
    letters = {_letters(name): name for name in BY_NAME}
    if _letters(key) in letters:  # "Standard Bank" is standard-bank
        return letters[_letters(key)], None
    for name in saved:
        if name.lower() == key:
            return None, name
    mapped = ", ".join(sorted(saved, key=str.lower)) or "none yet (crechebooks bank profiles add)"
    raise UserFacingError(
        f"no CSV profile named {profile!r}; the built-in ones are {', '.join(BY_NAME)}; "
        f"saved ones: {mapped}"
    )


def _is_csv(data: bytes, file_name: str, file_format: str) -> bool:
    if file_format == "csv":
        return True
    return file_format == "auto" and detect_format(data, file_name) == "csv"


def read_statement_using(
    data: bytes,
    file_name: str,
    *,
    file_format: str = "auto",
    profile: str | None = None,
    saved: Saved,
) -> Statement:
    """Read a statement as ``importers.bank.read_statement`` does, knowing the saved mappings.

    Args:
        data: the file's bytes.
        file_name: its name, for messages.
        file_format: as ``read_statement``.
        profile: a built-in profile's or a saved mapping's name; None to
            recognise the layout (a saved mapping's header first).
        saved: the saved mappings by name.

    Returns:
        The statement; its ``profile`` is the built-in's or the mapping's name.

    Raises:
        UserFacingError: an unknown profile, or a file that cannot be read.
        ProblemsError: lines that cannot be read (every one listed).
    """
    builtin, name = (None, None) if profile is None else resolve(profile, saved)
    if builtin is None and _is_csv(data, file_name, file_format):
        name = name or recognise(data, file_name, saved)
        if name is not None:
            return read_mapped(data, file_name, saved[name], name)
    return read_statement(data, file_name, file_format=file_format, profile=builtin)


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as an import keeps it."""
    return hashlib.sha256(data).hexdigest()
