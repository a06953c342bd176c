"""What quick find asks of the book; runs on the database thread (issue 16).

The service loads here rather than at import, so the window shows first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.lists.invoice_find import Suggestion


def quick_find(book: Book, workplace: Workplace, text: str, limit: int) -> tuple[Suggestion, ...]:
    """The best invoices and households for ``text``, in one read transaction."""
    from crechebooks_desktop.services.lists.invoice_find import quick_find as find  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return find(uow, text, limit)
