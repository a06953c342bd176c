"""Quick find's reads: invoice numbers by prefix or by part, and the creche's households (issue 16).

Typing in the Invoices tab asks for at most a handful of suggestions, and a
book may hold 200,000 invoices, so every read here is bounded. A prefix is a
range over the ``(tenant_id, number)`` unique index (``prefix <= number <
prefix + U+10FFFF``), checked exactly, so it reads only the numbers it
returns. A part of a number is found by walking the same index in number
order with a ``LIMIT``: the walk stops as soon as enough numbers hold the
text, and only a text that (almost) no number holds walks it all (about
20 ms over 200,000 numbers on SQLite; on PostgreSQL the trigram index on
``invoices.number`` of migration 0017, where the server allowed it, answers it instead; see
``bench/invoice_quick_find.py``). Households are few (thousands at most):
those that may hold the text are read whole, for the caller to rank and to
match names in any language's case.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Household, Invoice
from crechebooks_desktop.domain.enums import InvoiceStatus

TOP = "\U0010ffff"
"""The highest code point: ``prefix + TOP`` is above every string starting with ``prefix``
in code point order (SQLite's and PostgreSQL's C collations) and in ICU's."""


@dataclass(frozen=True, slots=True)
class FoundInvoice:
    """An invoice as a suggestion shows it."""

    id: int
    number: str
    household_ref: str
    parent_name: str
    total_cents: int
    status: InvoiceStatus


@dataclass(frozen=True, slots=True)
class FoundHousehold:
    """A household with the names quick find matches."""

    id: int
    account_ref: str
    parent_name: str
    second_parent_name: str | None


class InvoiceFindRepository(TenantScoped):
    """Bounded reads of the creche's invoice numbers and its households."""

    def numbers_starting(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        """(id, number) of up to ``limit`` invoices whose number starts with ``prefix``, as typed.

        In number order, so an exact number comes first. The range lets the
        index find them; the ``substr`` check keeps only true prefixes (a
        linguistic collation's range may hold a few more).
        """
        query = (
            select(Invoice.id, Invoice.number)
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.number >= prefix,
                Invoice.number < prefix + TOP,
                func.substr(Invoice.number, 1, len(prefix)) == prefix,
            )
            .order_by(Invoice.number)
            .limit(limit)
        )
        return [(int(row_id), number) for row_id, number in self.session.execute(query)]

    def numbers_containing(self, part: str, limit: int) -> list[tuple[int, str]]:
        """(id, number) of up to ``limit`` invoices whose number holds ``part`` (any case).

        In number order; ``%`` and ``_`` are taken literally. Each pattern is
        one bound value (SQLite would otherwise rebuild it for every row).
        """
        holds = self._like(Invoice.number, f"%{_escaped(part)}%")
        if self._postgres() and _cased(part):
            # PostgreSQL's ILIKE lowers every number first, several times slower than
            # LIKE: a LIKE with any character for each letter passes only the
            # numbers that may hold the part (with "INV-2024-1" or "thabo nkosi",
            # few or none), and ILIKE checks those.
            loose = "%" + "".join("_" if _cased(c) else _escaped(c) for c in part) + "%"
            holds = and_(Invoice.number.like(loose, escape="/"), holds)
        query = (
            select(Invoice.id, Invoice.number)
            .where(Invoice.tenant_id == self.tenant_id, holds)
            .order_by(Invoice.number)
            .limit(limit)
        )
        return [(int(row_id), number) for row_id, number in self.session.execute(query)]

    def invoices(self, ids: Collection[int]) -> list[FoundInvoice]:
        """These invoices with their household (in no particular order)."""
        if not ids:
            return []
        query = (
            select(
                Invoice.id,
                Invoice.number,
                Household.account_ref,
                Household.parent_name,
                Invoice.total_cents,
                Invoice.status,
            )
            .join(Household, Household.id == Invoice.household_id)
            .where(Invoice.tenant_id == self.tenant_id, Invoice.id.in_(ids))
        )
        return [FoundInvoice(*row) for row in self.session.execute(query)]

    def households_holding(self, part: str) -> list[FoundHousehold]:
        """The creche's households whose reference or a parent's name may hold ``part``.

        A superset, for the caller to match exactly: ``LIKE`` ignores only
        ASCII case on SQLite, so each other letter matches any one character here.
        """
        pattern = "%" + "".join(_escaped(c) if c.isascii() else "_" for c in part) + "%"
        columns = (Household.account_ref, Household.parent_name, Household.second_parent_name)
        query = (
            select(Household.id, *columns)
            .where(
                Household.tenant_id == self.tenant_id,
                or_(*(self._like(column, pattern) for column in columns)),
            )
            .order_by(Household.account_ref)
        )
        return [FoundHousehold(*row) for row in self.session.execute(query)]

    def invoice_counts(self, household_ids: Collection[int]) -> dict[int, int]:
        """How many invoices each of these households has (any status)."""
        if not household_ids:
            return {}
        query = (
            select(Invoice.household_id, func.count())
            .where(Invoice.tenant_id == self.tenant_id, Invoice.household_id.in_(household_ids))
            .group_by(Invoice.household_id)
        )
        return {int(household): int(count) for household, count in self.session.execute(query)}

    def _like(self, column: Any, pattern: str) -> ColumnElement[bool]:
        """``column`` matches ``pattern`` (escaped with ``/``) in any case.

        SQLite's ``LIKE`` ignores ASCII case already; a pattern without letters
        (digits, dashes) has no case to ignore.
        """
        if self._postgres() and _cased(pattern):
            return column.ilike(pattern, escape="/")  # type: ignore[no-any-return]
        return column.like(pattern, escape="/")  # type: ignore[no-any-return]

    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"


def _cased(text: str) -> bool:
    """``text`` has letters with a case (``upper`` and ``lower`` differ)."""
    return text.lower() != text.upper()


def _escaped(text: str) -> str:
    """``text`` for a ``LIKE`` pattern escaped with ``/``: its ``%``, ``_`` and ``/`` literal."""
    return "".join(f"/{c}" if c in "%_/" else c for c in text)
