"""The files a whole book refers to (every creche's archived documents), for its backup.

Book-wide, like the creches themselves: a backup and a restore take the whole
book, not one creche's rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crechebooks_desktop.db.tables import Document, OutboxAttachment


@dataclass(frozen=True, slots=True)
class BookFile:
    """An archived document row: where its file is, and the hash the file must have."""

    id: int
    tenant_id: int
    sha256: str
    local_path: str


class BookFilesRepository:
    """Every creche's document rows, and moving the folder they point into."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def documents(self) -> list[BookFile]:
        """Every document row of the book, by id."""
        rows = self.session.execute(
            select(Document.id, Document.tenant_id, Document.sha256, Document.local_path).order_by(
                Document.id
            )
        )
        return [BookFile(*row) for row in rows]

    def relocate(self, old_folder: str, new_folder: str) -> int:
        """Point every file path under ``old_folder`` into ``new_folder`` instead.

        A restored book keeps its documents in its own data folder; the rows
        (documents and outbox attachments) said where the backed-up book kept them.

        Returns:
            How many rows now point somewhere else.
        """
        moved = 0
        for table in (Document, OutboxAttachment):
            rows = self.session.execute(select(table.id, table.local_path)).all()
            for row_id, path in rows:
                if path.startswith(old_folder) and path != old_folder:
                    self.session.execute(
                        update(table)
                        .where(table.id == row_id)
                        .values(local_path=new_folder + path[len(old_folder) :])
                    )
                    moved += 1
        return moved
