"""Bank files as text: refusing what is not text, and decoding what is.

A bank file is bytes; the caller reads them (and hashes them) and we turn
them into text here. Files that are plainly something else (an Excel
workbook, a ZIP, or a PDF given as CSV) are refused by their magic bytes with a message
that says what to download instead, rather than decoded into nonsense.

Decoding: valid UTF-8 (with or without a byte-order mark) is taken as UTF-8
even when an OFX header declares ``CHARSET:1252``, because banks often
declare 1252 and send UTF-8, while real Windows-1252 text with accented
letters is practically never valid UTF-8. Otherwise the declared character
set is used, and failing that Windows-1252.
"""

from __future__ import annotations

import codecs

from crechebooks_desktop.errors import UserFacingError

__all__ = ["decode", "refuse_binary"]

_BOM = "\ufeff"
_ADVICE = "download the statement from your bank as CSV, OFX or QIF"
# Magic bytes of files people pick by mistake, with what they are.
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive or Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls) or other Office file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "a Word (RTF) document"),
)
_SAMPLE = 4096
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}


def refuse_binary(data: bytes, file: str) -> None:
    """Refuse bytes that are not a text export at all.

    Raises:
        UserFacingError: the file is empty, a known binary format, UTF-16, or
            full of control characters.
    """
    if not data.strip():
        raise UserFacingError(f"{file} is empty")
    if data.startswith(b"%PDF"):
        raise UserFacingError(
            f"{file} is a PDF, not a text export; import it as a PDF statement (format auto or pdf)"
        )
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UserFacingError(f"{file} is {what}, not a bank statement export; {_ADVICE}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:_SAMPLE]:
        raise UserFacingError(f"{file} is not a text file (or is UTF-16 text); {_ADVICE}")
    sample = data[:_SAMPLE]
    if sum(byte in _CONTROL for byte in sample) * 100 > len(sample):
        raise UserFacingError(f"{file} is not a text file; {_ADVICE}")


def decode(data: bytes, file: str, declared: str | None = None) -> str:
    """The text of a bank file.

    Args:
        data: the file's bytes.
        file: its name, for messages.
        declared: the character set the file says it is in, if any
            (``1252``, ``ISO-8859-1``, ``UTF-8``...).

    Returns:
        The text, without a byte-order mark.

    Raises:
        UserFacingError: the bytes are not text in any of those encodings.
    """
    refuse_binary(data, file)
    try:
        return data.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError:
        pass
    for name in (_codec(declared), "cp1252"):
        if name is None:
            continue
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise UserFacingError(f"{file} is neither UTF-8 nor Windows-1252 text; {_ADVICE}")


def _codec(declared: str | None) -> str | None:
    """A Python codec for a declared character set, or None if unknown."""
    if not declared:
        return None
    name = declared.strip().lower()
    if name.isdigit():  # OFX 1.x says CHARSET:1252
        name = f"cp{name}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
