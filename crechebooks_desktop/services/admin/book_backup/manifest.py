"""What a backup file holds, and how it says so: the manifest inside it.

A backup is one zip file: the database (``book.sqlite``, a consistent SQLite
copy, or ``book.pgdump``, pg_dump's custom format), every file of the book's
``documents/`` folder under the same relative name, and ``manifest.json``
listing each of those members with its SHA-256 and size, the documents table's
rows with the member each names, and the data folder the book kept them in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from crechebooks_desktop.errors import UserFacingError

MANIFEST = "manifest.json"
FORMAT = "CrecheBooks backup"
VERSION = 1
SQLITE_MEMBER = "book.sqlite"
PG_MEMBER = "book.pgdump"
DOCUMENTS = "documents"


class NotABackup(UserFacingError):
    """The file is not a CrecheBooks backup at all (or one from a newer version)."""


@dataclass(frozen=True, slots=True)
class Member:
    """A file in the backup: its name in the zip, SHA-256 and size in bytes."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class DocumentEntry:
    """A ``documents`` row: the member holding its file, and the hash the row records."""

    id: int
    tenant_id: int
    sha256: str
    member: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """The backup's own account of what it holds."""

    backend: str
    book: str
    data_dir: str
    made_at: str
    app_version: str
    members: tuple[Member, ...]
    documents: tuple[DocumentEntry, ...]

    @property
    def database(self) -> str:
        """The database's member name."""
        return SQLITE_MEMBER if self.backend == "sqlite" else PG_MEMBER

    def to_json(self) -> bytes:
        """The manifest as written into the backup."""
        value = {
            "format": FORMAT,
            "version": VERSION,
            "app_version": self.app_version,
            "made_at": self.made_at,
            "book": self.book,
            "backend": self.backend,
            "data_dir": self.data_dir,
            "files": [{"name": m.name, "sha256": m.sha256, "size": m.size} for m in self.members],
            "documents": [
                {"id": d.id, "creche": d.tenant_id, "sha256": d.sha256, "file": d.member}
                for d in self.documents
            ],
        }
        return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, shown: str) -> Manifest:
        """Read a manifest back.

        Raises:
            NotABackup: not a manifest this version can read.
        """
        try:
            value = json.loads(data.decode("utf-8"))
        except ValueError as exc:
            raise NotABackup(f"{shown} is not a CrecheBooks backup: {exc}") from None
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise NotABackup(f"{shown} is not a CrecheBooks backup (its manifest says not)")
        if value.get("version") != VERSION:
            raise NotABackup(
                f"{shown} is a backup in format {value.get('version')!r}, which this "
                f"version of CrecheBooks cannot read (it reads format {VERSION})"
            )
        try:
            return cls(
                backend=_one_of(value["backend"], ("sqlite", "postgresql")),
                book=str(value["book"]),
                data_dir=str(value["data_dir"]),
                made_at=str(value["made_at"]),
                app_version=str(value["app_version"]),
                members=tuple(_member(m) for m in value["files"]),
                documents=tuple(_document(d) for d in value["documents"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NotABackup(
                f"{shown} is not a CrecheBooks backup: its manifest is unreadable "
                f"({type(exc).__name__}: {exc})"
            ) from None


def safe_member_name(name: str) -> bool:
    """Whether a zip member's name stays inside the folder it is restored into."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and not path.is_absolute()
        and ".." not in path.parts
        and all(part not in {"", "."} for part in name.split("/"))
    )


def _one_of(value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _member(value: dict[str, Any]) -> Member:
    name = str(value["name"])
    if not safe_member_name(name):
        raise ValueError(f"the file name {name!r} would be written outside the book")
    return Member(name, _hex(value["sha256"]), int(value["size"]))


def _document(value: dict[str, Any]) -> DocumentEntry:
    return DocumentEntry(
        int(value["id"]), int(value["creche"]), _hex(value["sha256"]), str(value["file"])
    )


def _hex(value: Any) -> str:
    text = str(value)
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):  # noqa: PLR2004
        raise ValueError(f"{text!r} is not a SHA-256")
    return text
