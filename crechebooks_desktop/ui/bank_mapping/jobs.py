"""What the import dialog and its mapping step ask of the book and the disk.

Each function runs on the database thread (``BookSession.run``/``query``/
``mutate``) and returns plain immutable values; services and importers load
here rather than at import, so the window shows first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.ui.matching.jobs import FilePreview
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.column_mapping import ColumnMapping, CsvProfileRecord

MAPPED = "mapped columns"
"""The profile an import read with a mapping not saved is recorded under."""


@dataclass(frozen=True, slots=True)
class Unrecognised:
    """A CSV file whose layout no profile recognised: its first lines, for the mapping step.

    Attributes:
        path: the file.
        head: its first lines as UTF-8 (``importers.bank.mapping.head``).
        reason: why it was not read (empty when the user asked to map it).
    """

    path: Path
    head: bytes
    reason: str = ""


def _is_csv(data: bytes, name: str, file_format: str) -> bool:
    from crechebooks_desktop.errors import UserFacingError  # noqa: PLC0415
    from crechebooks_desktop.importers.bank import detect_format  # noqa: PLC0415

    if file_format != "auto":
        return file_format == "csv"
    try:
        return detect_format(data, name) == "csv"
    except UserFacingError:
        return False


def read_statement(
    book: Book,
    workplace: Workplace,
    path: Path,
    file_format: str,
    profile: str | None,
    mapping: tuple[str, ColumnMapping] | None = None,
) -> FilePreview | Unrecognised:
    """Read and check a whole statement file, knowing the creche's saved CSV profiles.

    The saved profiles are read in a short read transaction; the file is read
    after it has closed.

    Args:
        book: the open book.
        workplace: the creche.
        path: the file.
        file_format: ``auto``, ``ofx``, ``qif`` or ``csv``.
        profile: a built-in or saved profile's name; None to recognise it.
        mapping: a mapping made in the mapping step, with the name to read
            it under (its profile's, once saved, else :data:`MAPPED`); it wins.

    Returns:
        The statement read, or, for a CSV file no profile recognised (none
        chosen), its first lines for the mapping step.

    Raises:
        UserFacingError: the file cannot be read or is not a statement.
        ProblemsError: lines that cannot be read, every one listed.
    """
    from crechebooks_desktop.domain.problems import ProblemsError  # noqa: PLC0415
    from crechebooks_desktop.errors import UserFacingError  # noqa: PLC0415
    from crechebooks_desktop.importers.bank import layouts  # noqa: PLC0415
    from crechebooks_desktop.importers.bank.mapping import head  # noqa: PLC0415
    from crechebooks_desktop.services.bank.csv_profiles import saved_mappings  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        saved = saved_mappings(uow)
    data = layouts.file_bytes(path, path.name)
    if mapping is not None:
        # First, so that a saved profile named alike does not take its place.
        profile, chosen = mapping
        saved = {
            profile: chosen,
            **{k: v for k, v in saved.items() if k.lower() != profile.lower()},
        }
    try:
        statement = layouts.read_statement_using(
            data, path.name, file_format=file_format, profile=profile, saved=saved
        )
    except ProblemsError:
        raise
    except UserFacingError as exc:
        if profile is None and _is_csv(data, path.name, file_format):
            return Unrecognised(path, head(data, path.name), str(exc))
        raise
    return FilePreview(path, statement, layouts.digest(data))


def read_head(path: Path) -> Unrecognised:
    """The first lines of a file, to map its columns (a raw job: no book needed).

    Raises:
        UserFacingError: the file cannot be read, or is not text.
    """
    from crechebooks_desktop.importers.bank.layouts import file_bytes  # noqa: PLC0415
    from crechebooks_desktop.importers.bank.mapping import head  # noqa: PLC0415

    return Unrecognised(path, head(file_bytes(path, path.name), path.name))


def profile_names(book: Book, workplace: Workplace) -> tuple[str, ...]:
    """The creche's saved CSV profiles' names."""
    from crechebooks_desktop.services.bank.csv_profiles import list_profiles  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return tuple(p.name for p in list_profiles(uow))


def save_profile(
    book: Book, workplace: Workplace, name: str, mapping: ColumnMapping
) -> CsvProfileRecord:
    """Save a mapping under a name (audited; refused for a taken or built-in name)."""
    from crechebooks_desktop.importers.bank.layouts import builtin_names  # noqa: PLC0415
    from crechebooks_desktop.services.bank.csv_profiles import add_profile  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return add_profile(uow, workplace.actor, name, mapping, builtin=builtin_names())
