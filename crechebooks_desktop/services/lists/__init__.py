"""Long lists read a window at a time: the Invoices tab's list and the matching queue (issue 13).

Each list is counted, then read a page at a time by keyset in the order and
with the filters the user chose, all in SQL (``db.repositories.keyset``), as
the all-households ledger is (``services.ledger.view``).
"""

from crechebooks_desktop.db.repositories.keyset import Around, Key

__all__ = ["Around", "Key"]
