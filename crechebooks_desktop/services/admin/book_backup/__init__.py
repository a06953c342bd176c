"""The whole book in one file, and back (issue 13).

``back_up_book`` writes the database and every archived document, with a
manifest of their SHA-256s, into one owner-only zip file; ``restore_book``
checks all of it (files, the documents table, the ledger) before it puts a
new book in place, and refuses a damaged backup without writing anything.
"""

from crechebooks_desktop.services.admin.book_backup.make import BackupMade, back_up_book
from crechebooks_desktop.services.admin.book_backup.manifest import NotABackup
from crechebooks_desktop.services.admin.book_backup.restore import (
    DamagedBackup,
    Restored,
    restore_book,
)

__all__ = [
    "BackupMade",
    "DamagedBackup",
    "NotABackup",
    "Restored",
    "back_up_book",
    "restore_book",
]
