"""Column types and ``Annotated`` aliases used across the tables."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import mapped_column

from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY, LAST_BOOK_DAY
from crechebooks_desktop.domain.money import MAX_AMOUNT_CENTS, MAX_BALANCE_CENTS

# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid alias).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "timestamps must be timezone-aware"
            raise ValueError(msg)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002 - SQLAlchemy's hook signature
    ) -> dt.datetime | None:
        """SQLite keeps no zone: the stored value is UTC."""
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.UTC)


JsonDoc = JSON().with_variant(JSONB(), "postgresql")


def json_text(value: Any) -> str:
    """A JSON document as the book stores it: dates, decimals and enums as text.

    The engines' serializer, and the form the history chain hashes.
    """
    return json.dumps(value, default=str, ensure_ascii=False)


def utc_now() -> dt.datetime:
    """The current time in UTC (the default for created-at columns)."""
    return dt.datetime.now(dt.UTC)


def enum_type(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A portable enum column: a VARCHAR with a named CHECK of the values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


IntPK = Annotated[int, mapped_column(BigId, primary_key=True)]
Cents = Annotated[int, mapped_column(BigInteger)]
"""Money: integer cents of ZAR, never a float (docs/RULES.md, Money)."""
OptCents = Annotated[int | None, mapped_column(BigInteger)]
Created = Annotated[dt.datetime, mapped_column(UtcDateTime(), default=utc_now)]
Name = Annotated[str, mapped_column(String(200))]
OptText = Annotated[str | None, mapped_column(String(500))]
ChainSeq = Annotated[int | None, mapped_column(BigInteger)]
"""A history row's place in its creche's hash chain (None until sealed at commit)."""
ChainHash = Annotated[str | None, mapped_column(String(64))]
"""A history row's SHA-256 in its chain, hex (None until sealed at commit)."""
TenantId = Annotated[
    int, mapped_column(BigId, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True)
]


def within_limit(column: str) -> CheckConstraint:
    """``ck_<table>_<column>_within_limit``: an amount the book takes (``domain.money``).

    The database's own guard, behind the parsers' and the services' checks
    (migration 0002 adds these to books made before it).
    """
    return CheckConstraint(
        f"{column} BETWEEN {-MAX_AMOUNT_CENTS} AND {MAX_AMOUNT_CENTS}",
        name=f"{column}_within_limit",
    )


def balance_within_limit(column: str) -> CheckConstraint:
    """``ck_<table>_<column>_within_limit``: a balance the book keeps (``MAX_BALANCE_CENTS``)."""
    return CheckConstraint(
        f"{column} BETWEEN {-MAX_BALANCE_CENTS} AND {MAX_BALANCE_CENTS}",
        name=f"{column}_within_limit",
    )


def in_book_years(column: str) -> CheckConstraint:
    """``ck_<table>_<column>_in_book_years``: a date within the book's years (``domain.dates``)."""
    return CheckConstraint(
        f"{column} BETWEEN '{FIRST_BOOK_DAY.isoformat()}' AND '{LAST_BOOK_DAY.isoformat()}'",
        name=f"{column}_in_book_years",
    )


def fk(target: str, *, index: bool = True, nullable: bool = False) -> Any:
    """A BIGINT foreign key column to ``target`` (e.g. ``"households.id"``)."""
    return mapped_column(
        BigId, ForeignKey(target, ondelete="RESTRICT"), index=index, nullable=nullable
    )
