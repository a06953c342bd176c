"""Where each hash chain of the book's history ended when it was last sealed."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base


class HistoryHead(Base):
    """The last sealed row of one chain: one per history table and creche.

    The row is locked while a transaction seals its new rows, so chains grow
    one transaction at a time even when several PCs write. ``tenant_key`` is
    the creche's id, or 0 for the book-wide audit records of no creche.
    """

    __tablename__ = "history_heads"

    chain: Mapped[str] = mapped_column(String(30), primary_key=True)
    tenant_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
