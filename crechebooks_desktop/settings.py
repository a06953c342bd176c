"""Settings the application starts with: which book, where its data lives."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "CrecheBooks"
DB_ENV = "CRECHEBOOKS_DB"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the book is and where generated files go.

    Attributes:
        db_url: SQLAlchemy URL of the book.
        data_dir: folder for backups and generated documents of this book.
    """

    db_url: str
    data_dir: Path


def default_data_dir() -> Path:
    """The per-user data folder (e.g. ~/.local/share/CrecheBooks)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def book_url(path_or_url: str | None) -> str:
    """Turn ``--db`` / ``CRECHEBOOKS_DB`` into a database URL.

    Args:
        path_or_url: a file path of a SQLite book, a ``postgresql://`` or
            ``postgresql+psycopg://`` URL, or None for the default book.

    Returns:
        A SQLAlchemy URL; PostgreSQL URLs always use psycopg 3.
    """
    value = path_or_url or os.environ.get(DB_ENV) or ""
    if not value:
        return "sqlite:///" + str(default_data_dir() / "book.sqlite")
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def settings_for(path_or_url: str | None) -> Settings:
    """Settings for the book named on the command line or in the environment."""
    url = book_url(path_or_url)
    if url.startswith("sqlite:///"):
        book = Path(url.removeprefix("sqlite:///"))
        data_dir = book.parent / (book.stem + "-files")
    else:
        # One folder per server book (host, port, database), never shared between books.
        where = url.split("://", 1)[1].rsplit("@", 1)[-1]
        data_dir = default_data_dir() / "server-books" / re.sub(r"[^A-Za-z0-9.-]+", "_", where)
    return Settings(db_url=url, data_dir=data_dir)


def describe(settings: Settings) -> str:
    """A SQLite book's path, or a server book's host/database (no password)."""
    url = settings.db_url
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    rest = url.split("://", 1)[1]
    return rest.rsplit("@", 1)[-1]
