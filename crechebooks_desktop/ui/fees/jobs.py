"""What the Fee structures dialog asks of the book; each function runs on the database thread.

The services are the command line's (``services.fees.structures``), so the
checks, the audit records and the messages are the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.roster import FeeRate, FeeTerms, StoredFee
    from crechebooks_desktop.services.fees.structures import FeeChanged, FeeView
    from crechebooks_desktop.ui.ops import Workplace


def fees(book: Book, workplace: Workplace, today: dt.date) -> list[FeeView]:
    """The creche's fee structures with their amounts on ``today``, by name."""
    from crechebooks_desktop.services.fees import structures  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return structures.list_fee_structures(uow, today)


def add_fee(book: Book, workplace: Workplace, terms: FeeTerms) -> StoredFee:
    """Add a fee structure (``fees add``)."""
    from crechebooks_desktop.services.fees import structures  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return structures.add_fee(uow, workplace.actor, terms)


def change_fee(book: Book, workplace: Workplace, name: str, rate: FeeRate) -> FeeChanged:
    """New amounts for a fee from the 1st of a month (``fees change``)."""
    from crechebooks_desktop.services.fees import structures  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return structures.change_fee(uow, workplace.actor, name, rate)
