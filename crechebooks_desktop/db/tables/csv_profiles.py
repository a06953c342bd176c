"""Column mappings a creche saved for CSV statement layouts (``bank profiles``, issue 14)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import Created, IntPK, TenantId, UtcDateTime, fk


class BankCsvProfile(Base):
    """A named column mapping (``domain.column_mapping.ColumnMapping``) as JSON text.

    ``name_key`` is the name case-folded: names are unique in a creche without
    regard to case, the same on SQLite and PostgreSQL (whose ``lower()`` differ
    beyond ASCII), so the key is made in Python and the database holds it unique.
    """

    __tablename__ = "bank_csv_profiles"
    __table_args__ = (UniqueConstraint("tenant_id", "name_key"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    name: Mapped[str] = mapped_column(String(30))
    name_key: Mapped[str] = mapped_column(String(120))
    mapping: Mapped[str] = mapped_column(Text)
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
