"""What the book knows of its Xero organisation: the connection, ids, mappings (issue 15).

Tokens are never here (the keyring keeps them). ``xero_links`` ties each of our
rows that went to Xero (a household, an invoice, an allocation of a payment) to
the id Xero gave it, with the digest of the body last sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Allocation,
    BankAccount,
    BankLine,
    Household,
    Invoice,
    InvoiceLine,
    Payment,
    User,
    XeroConnection,
    XeroLink,
    XeroMapping,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import InvoiceStatus, LineType
from crechebooks_desktop.domain.roster import HouseholdDetails, StoredHousehold

CHUNK = 500
"""Ids per ``IN (...)``: well inside SQLite's and PostgreSQL's limits on parameters."""

NO_BANK_ACCOUNT = "*"
"""The mapping key for payments not from a bank statement (cash, card, typed in)."""


@dataclass(frozen=True, slots=True)
class ConnectionRecord:
    """The creche's Xero organisation, as stored."""

    client_id: str
    xero_tenant_id: str
    xero_tenant_name: str
    connection_id: str | None
    sync_from: dt.date
    connected_at: dt.datetime
    connected_by: str | None
    last_sync_at: dt.datetime | None
    day_remaining: int | None
    resume_after: dt.datetime | None


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One of our rows as Xero knows it."""

    entity: str
    entity_id: int
    xero_id: str
    sent_digest: str


@dataclass(frozen=True, slots=True)
class AllocationRecord:
    """A payment's allocation to an invoice, with what a Xero Payment needs."""

    allocation_id: int
    payment_id: int
    invoice_id: int
    invoice_number: str
    issue_date: dt.date
    amount_cents: int
    payment_date: dt.date
    reference: str | None
    bank_account: str
    reversed: bool


class XeroRepository(TenantScoped):
    """The connection, links and mappings of one creche."""

    # -- the connection ------------------------------------------------------

    def connection(self) -> ConnectionRecord | None:
        """The creche's Xero organisation, if it is connected."""
        found = self.session.execute(
            select(XeroConnection, User.username)
            .outerjoin(User, User.id == XeroConnection.connected_by)
            .where(XeroConnection.tenant_id == self.tenant_id)
        ).first()
        if found is None:
            return None
        row, username = found
        return ConnectionRecord(
            row.client_id,
            row.xero_tenant_id,
            row.xero_tenant_name,
            row.connection_id,
            row.sync_from,
            row.connected_at,
            username,
            row.last_sync_at,
            row.day_remaining,
            row.resume_after,
        )

    def is_connected(self) -> bool:
        """Whether changes are to be queued for Xero."""
        return (
            self.session.scalar(
                select(XeroConnection.tenant_id).where(XeroConnection.tenant_id == self.tenant_id)
            )
            is not None
        )

    def connect(
        self,
        client_id: str,
        xero_tenant_id: str,
        xero_tenant_name: str,
        connection_id: str | None,
        sync_from: dt.date,
        user_id: int | None,
    ) -> None:
        """Record the chosen organisation (replacing an earlier one)."""
        self.disconnect()
        self.session.add(
            XeroConnection(
                tenant_id=self.tenant_id,
                client_id=client_id,
                xero_tenant_id=xero_tenant_id,
                xero_tenant_name=xero_tenant_name,
                connection_id=connection_id,
                sync_from=sync_from,
                connected_at=utc_now(),
                connected_by=user_id,
            )
        )
        self.session.flush()

    def disconnect(self) -> bool:
        """Forget the organisation; whether one was connected."""
        result = self.session.execute(
            delete(XeroConnection)
            .where(XeroConnection.tenant_id == self.tenant_id)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    def set_sync_from(self, day: dt.date) -> None:
        """Send invoices issued from this day on."""
        self._update_connection(sync_from=day)

    def record_sync(self, day_remaining: int | None, resume_after: dt.datetime | None) -> None:
        """A sync ran now; the calls left today, and when it may go on after the daily limit."""
        self._update_connection(
            last_sync_at=utc_now(), day_remaining=day_remaining, resume_after=resume_after
        )

    def _update_connection(self, **values: object) -> None:
        self.session.execute(
            update(XeroConnection)
            .where(XeroConnection.tenant_id == self.tenant_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    # -- links ---------------------------------------------------------------

    def links(self, entity: str, entity_ids: Iterable[int]) -> dict[int, LinkRecord]:
        """Our rows of one kind that Xero knows, by our id."""
        ids = sorted(set(entity_ids))
        found: dict[int, LinkRecord] = {}
        for chunk in chunks(ids):
            rows = self.session.scalars(
                select(XeroLink).where(
                    XeroLink.tenant_id == self.tenant_id,
                    XeroLink.entity == entity,
                    XeroLink.entity_id.in_(chunk),
                )
            )
            for row in rows:
                found[row.entity_id] = LinkRecord(
                    row.entity, row.entity_id, row.xero_id, row.sent_digest
                )
        return found

    def all_xero_ids(self, entity: str) -> set[str]:
        """Every Xero id of one kind of our rows."""
        return set(
            self.session.scalars(
                select(XeroLink.xero_id).where(
                    XeroLink.tenant_id == self.tenant_id, XeroLink.entity == entity
                )
            )
        )

    def save_links(self, links: Sequence[LinkRecord]) -> None:
        """Record (or update) the ids Xero gave our rows."""
        if not links:
            return
        now = utc_now()
        dialect = self.session.get_bind().dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = upsert(XeroLink).values(
            [
                {
                    "tenant_id": self.tenant_id,
                    "entity": link.entity,
                    "entity_id": link.entity_id,
                    "xero_id": link.xero_id,
                    "sent_digest": link.sent_digest,
                    "updated_at": now,
                }
                for link in links
            ]
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "entity", "entity_id"],
                set_={
                    "xero_id": statement.excluded.xero_id,
                    "sent_digest": statement.excluded.sent_digest,
                    "updated_at": now,
                },
            )
        )

    def drop_links(self, entity: str, entity_ids: Sequence[int]) -> None:
        """Forget rows Xero no longer has (a deleted payment)."""
        if entity_ids:
            self.session.execute(
                delete(XeroLink)
                .where(
                    XeroLink.tenant_id == self.tenant_id,
                    XeroLink.entity == entity,
                    XeroLink.entity_id.in_(list(entity_ids)),
                )
                .execution_options(synchronize_session=False)
            )

    # -- mappings ------------------------------------------------------------

    def mappings(self, kind: str) -> dict[str, str]:
        """Ours -> Xero code, for one kind (bank_account, account, tax)."""
        rows = self.session.execute(
            select(XeroMapping.ours, XeroMapping.xero_code).where(
                XeroMapping.tenant_id == self.tenant_id, XeroMapping.kind == kind
            )
        )
        return {str(ours): str(code) for ours, code in rows}

    def set_mapping(self, kind: str, ours: str, xero_code: str) -> None:
        """Map one of ours to a Xero code (replacing an earlier choice)."""
        self.session.execute(
            delete(XeroMapping)
            .where(
                XeroMapping.tenant_id == self.tenant_id,
                XeroMapping.kind == kind,
                XeroMapping.ours == ours,
            )
            .execution_options(synchronize_session=False)
        )
        self.session.add(
            XeroMapping(
                tenant_id=self.tenant_id,
                kind=kind,
                ours=ours,
                xero_code=xero_code,
                updated_at=utc_now(),
            )
        )
        self.session.flush()

    # -- what is sent --------------------------------------------------------

    def households(self, household_ids: Iterable[int]) -> list[StoredHousehold]:
        """These households, by id."""
        ids = sorted(set(household_ids))
        found: list[StoredHousehold] = []
        for chunk in chunks(ids):
            rows = self.session.scalars(
                select(Household)
                .where(
                    Household.tenant_id == self.tenant_id,
                    Household.id.in_(chunk),
                )
                .order_by(Household.id)
            )
            found.extend(
                StoredHousehold(
                    row.id,
                    HouseholdDetails(
                        row.account_ref,
                        row.parent_name,
                        row.second_parent_name,
                        row.email,
                        row.phone,
                        row.address,
                    ),
                )
                for row in rows
            )
        return found

    def line_types_of(self, invoice_ids: Sequence[int]) -> set[LineType]:
        """The kinds of line these invoices have (the income accounts a sync needs)."""
        ids = sorted(set(invoice_ids))
        found: set[LineType] = set()
        for chunk in chunks(ids):
            found.update(
                LineType(t)
                for t in self.session.scalars(
                    select(InvoiceLine.line_type)
                    .where(
                        InvoiceLine.tenant_id == self.tenant_id,
                        InvoiceLine.invoice_id.in_(chunk),
                    )
                    .distinct()
                )
            )
        return found

    def invoice_households(self, invoice_ids: Iterable[int]) -> dict[int, int]:
        """Invoice id -> its household's id."""
        ids = sorted(set(invoice_ids))
        found: dict[int, int] = {}
        for chunk in chunks(ids):
            rows = self.session.execute(
                select(Invoice.id, Invoice.household_id).where(
                    Invoice.tenant_id == self.tenant_id, Invoice.id.in_(chunk)
                )
            )
            found.update({int(i): int(h) for i, h in rows})
        return found

    def allocations_of_payments(self, payment_ids: Iterable[int]) -> list[AllocationRecord]:
        """Every allocation of these payments to invoices (standing and reversed).

        Those to invoices imported from a previous system are left out: such an
        invoice is in that system's books, never in Xero (issue 16).
        """
        ids = sorted(set(payment_ids))
        found: list[AllocationRecord] = []
        for chunk in chunks(ids):
            rows = self.session.execute(
                select(
                    Allocation.id,
                    Allocation.payment_id,
                    Invoice.id,
                    Invoice.number,
                    Invoice.issue_date,
                    Allocation.amount_cents,
                    Payment.payment_date,
                    Payment.reference,
                    BankAccount.name,
                    Allocation.reversed_at,
                )
                .join(Payment, Payment.id == Allocation.payment_id)
                .join(Invoice, Invoice.id == Allocation.invoice_id)
                .outerjoin(BankLine, BankLine.id == Payment.bank_line_id)
                .outerjoin(BankAccount, BankAccount.id == BankLine.bank_account_id)
                .where(
                    Allocation.tenant_id == self.tenant_id,
                    Allocation.payment_id.in_(chunk),
                    Invoice.imported_at.is_(None),
                )
                .order_by(Allocation.id)
            )
            found.extend(
                AllocationRecord(
                    allocation_id,
                    int(payment_id or 0),  # the join keeps only payments' allocations
                    invoice_id,
                    number,
                    issue_date,
                    cents,
                    paid_on,
                    reference,
                    bank or NO_BANK_ACCOUNT,
                    reversed_at is not None,
                )
                for (
                    allocation_id,
                    payment_id,
                    invoice_id,
                    number,
                    issue_date,
                    cents,
                    paid_on,
                    reference,
                    bank,
                    reversed_at,
                ) in rows
            )
        return found

    def sent_since(self, day: dt.date) -> tuple[list[int], list[int], list[int]]:
        """Households, sent invoices and payments of invoices issued from ``day`` (for a backfill).

        Invoices imported from a previous system, and their payments, are left out.

        Returns:
            (household ids, invoice ids, payment ids).
        """
        invoices = self.session.execute(
            select(Invoice.id, Invoice.household_id).where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.issue_date >= day,
                Invoice.status.not_in([InvoiceStatus.DRAFT, InvoiceStatus.VOID]),
                # A previous system's invoices are in its books, not Xero's (issue 16).
                Invoice.imported_at.is_(None),
            )
        ).all()
        invoice_ids = [invoice_id for invoice_id, _ in invoices]
        payments: set[int] = set()
        for chunk in chunks(invoice_ids):
            payments.update(
                int(p)
                for p in self.session.scalars(
                    select(Allocation.payment_id).where(
                        Allocation.tenant_id == self.tenant_id,
                        Allocation.invoice_id.in_(chunk),
                        Allocation.payment_id.is_not(None),
                        Allocation.reversed_at.is_(None),
                    )
                )
                if p is not None
            )
        households = sorted({household for _, household in invoices})
        return households, sorted(invoice_ids), sorted(payments)


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """The ids in runs of ``CHUNK``."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])
