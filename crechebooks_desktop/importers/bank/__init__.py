"""Reading bank statement files (OFX/QFX, QIF, CSV, PDF) into a :class:`Statement`.

The caller reads the file (and hashes it) and passes its bytes::

    statement = read_statement(data, "march.ofx")

The format is recognised from the content, not the name: ``<OFX>`` or an
``OFXHEADER`` line is OFX, a first line starting with ``!Type``,
``!Account``, ``!Option`` or ``!Clear`` is QIF, other text with a
delimiter is CSV, and ``%PDF`` starts a PDF statement (``pdf/``). The file's
name breaks no ties; it only names the file in messages. Amounts are int
cents, money in positive and money out negative.

Errors: a file that is not a statement at all (a workbook, a scanned PDF, empty)
raises :class:`~crechebooks_desktop.errors.UserFacingError`; a statement
with bad lines raises :class:`~crechebooks_desktop.domain.problems.ProblemsError`
listing every one as ``FILE:LINE: field: message``. Nothing is half-read.
"""

from __future__ import annotations

import re
from pathlib import Path

from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.csv_profiles import PROFILES
from crechebooks_desktop.importers.bank.csv_statement import read_csv
from crechebooks_desktop.importers.bank.ofx import read_ofx
from crechebooks_desktop.importers.bank.pdf import read_pdf
from crechebooks_desktop.importers.bank.qif import read_qif
from crechebooks_desktop.importers.bank.text import refuse_binary

__all__ = ["FORMATS", "PROFILES", "detect_format", "file_bytes", "read_statement"]

FORMATS = ("auto", "ofx", "qfx", "qif", "csv", "pdf")
_SAMPLE = 8192
_OFX = re.compile(rb"OFXHEADER|<OFX[\s>]", re.IGNORECASE)
_QIF = re.compile(rb"^[ \t]*!(?:Type|Account|Option|Clear)\b", re.IGNORECASE | re.MULTILINE)
_DELIMITED = re.compile(rb"[,;\t|]")


def detect_format(data: bytes, file_name: str) -> str:
    """Which reader a file needs, from its content.

    Args:
        data: the file's bytes.
        file_name: its name, for messages.

    Returns:
        ``"ofx"`` (also for QFX), ``"qif"``, ``"csv"`` or ``"pdf"``.

    Raises:
        UserFacingError: the file is empty, binary (Excel, ZIP...) or
            text in none of these formats.
    """
    if data.startswith(b"%PDF"):
        return "pdf"
    refuse_binary(data, file_name)
    head = data[:_SAMPLE].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _OFX.search(head):
        return "ofx"
    if _QIF.search(head):
        return "qif"
    if _DELIMITED.search(head):
        return "csv"
    raise UserFacingError(
        f"{file_name} is not a bank statement in a known format (OFX, QFX, QIF or CSV); "
        "download the statement from your bank in one of these"
    )


def read_statement(
    data: bytes, file_name: str, *, file_format: str = "auto", profile: str | None = None
) -> Statement:
    """Read a bank statement file.

    Args:
        data: the file's bytes.
        file_name: its name as the user gave it, for messages.
        file_format: ``auto`` (recognise it), ``ofx`` (or ``qfx``), ``qif``
            or ``csv``.
        profile: for CSV, one of :data:`PROFILES`, or None to recognise the
            bank from the header.

    Returns:
        The statement: its lines in file order, balances, period, warnings.

    Raises:
        ValueError: an unknown ``file_format`` or ``profile`` (a bug).
        UserFacingError: the file is not a statement this app can read.
        ProblemsError: the statement has lines that cannot be read; every
            one is listed.
    """
    if file_format not in FORMATS:
        raise ValueError(f"unknown file format {file_format!r} (expected one of {FORMATS})")
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"unknown CSV profile {profile!r} (expected one of {PROFILES})")
    kind = detect_format(data, file_name) if file_format == "auto" else file_format
    if kind in {"ofx", "qfx"}:
        return read_ofx(data, file_name)
    if kind == "qif":
        return read_qif(data, file_name)
    if kind == "pdf":
        return read_pdf(data, file_name)
    return read_csv(data, file_name, profile)


def file_bytes(path: Path, shown: str) -> bytes:
    """A statement file's bytes, read whole (messages name it ``shown``).

    Raises:
        UserFacingError: no such file, a folder, or unreadable.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserFacingError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise UserFacingError(f"{shown}: is a folder, not a statement file") from None
    except OSError as exc:
        raise UserFacingError(f"{shown}: cannot be read ({exc.strerror})") from None
