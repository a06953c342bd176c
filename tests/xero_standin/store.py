"""One organisation's books in the stand-in: records, lookups and an undo journal.

Records are frozen dataclasses; a change replaces the record, and the journal
remembers what it replaced, so a batch that fails under summarizeErrors=true
(or one element of a batch under summarizeErrors=false) is rolled back exactly.
Money is integer cents throughout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Account types by class, as Xero files them.
_CLASS_OF_TYPE = {
    "BANK": "ASSET", "CURRENT": "ASSET", "FIXED": "ASSET", "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET", "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY", "LIABILITY": "LIABILITY", "TERMLIAB": "LIABILITY", "PAYG": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE", "DIRECTCOSTS": "EXPENSE", "EXPENSE": "EXPENSE", "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE", "REVENUE": "REVENUE", "SALES": "REVENUE",
}  # fmt: skip


@dataclass(frozen=True)
class Organisation:
    """A Xero organisation (tenant) the stand-in serves."""

    tenant_id: str
    name: str
    connection_id: str
    short_code: str
    tax_number: str = "4123456789"


@dataclass(frozen=True)
class TaxRate:
    """A tax rate; ``rate`` is a percentage (15 for 15%)."""

    tax_type: str
    name: str
    report_tax_type: str
    rate: Decimal
    revenue: bool
    expenses: bool
    status: str = "ACTIVE"

    def applies_to(self, account_class: str) -> bool:
        """Whether Xero lets this rate be used on an account of that class."""
        if account_class == "REVENUE":
            return self.revenue
        if account_class == "EXPENSE":
            return self.expenses
        return self.report_tax_type == "NONE"


@dataclass(frozen=True)
class Account:
    """An account in the chart of accounts."""

    account_id: str
    code: str
    name: str
    type: str
    tax_type: str
    status: str = "ACTIVE"
    bank_account_number: str = ""
    enable_payments: bool = False
    system_account: str = ""
    updated: float = 0.0

    @property
    def account_class(self) -> str:
        """ASSET, LIABILITY, EQUITY, EXPENSE or REVENUE."""
        return _CLASS_OF_TYPE.get(self.type, "ASSET")

    @property
    def takes_payments(self) -> bool:
        """Whether a payment may be made to this account."""
        return self.status == "ACTIVE" and (self.type == "BANK" or self.enable_payments)


@dataclass(frozen=True)
class Contact:
    """A contact; ``details`` keeps the other fields as the client sent them."""

    contact_id: str
    name: str
    contact_number: str | None
    status: str
    updated: float
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """One line item, with its amounts worked out."""

    line_item_id: str
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account_code: str | None
    tax_type: str | None
    line_cents: int
    tax_cents: int
    discount_rate: Decimal | None = None


@dataclass(frozen=True)
class Document:
    """What invoices and credit notes share: contact, lines and totals."""

    document_id: str
    type: str
    number: str
    contact_id: str
    status: str
    line_amount_types: str
    date: dt.date
    due_date: dt.date | None
    reference: str
    lines: tuple[Line, ...]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    updated: float

    @property
    def applied_cents(self) -> int:
        """Money already settled against the document (payments, credits, allocations)."""
        return 0


@dataclass(frozen=True)
class Invoice(Document):
    """A sales invoice (ACCREC) or bill (ACCPAY)."""

    paid_cents: int = 0
    credited_cents: int = 0
    fully_paid_on: dt.date | None = None

    @property
    def invoice_id(self) -> str:
        """InvoiceID."""
        return self.document_id

    @property
    def applied_cents(self) -> int:
        """Payments and credit notes applied to the invoice."""
        return self.paid_cents + self.credited_cents

    @property
    def due_cents(self) -> int:
        """AmountDue: what is still owed (nothing on a voided or deleted invoice)."""
        if self.status in {"VOIDED", "DELETED"}:
            return 0
        return self.total_cents - self.applied_cents


@dataclass(frozen=True)
class Allocation:
    """Part of a credit note or overpayment applied to an invoice."""

    allocation_id: str
    invoice_id: str
    amount_cents: int
    date: dt.date


@dataclass(frozen=True)
class CreditNote(Document):
    """A credit note (ACCRECCREDIT or ACCPAYCREDIT)."""

    allocations: tuple[Allocation, ...] = ()

    @property
    def credit_note_id(self) -> str:
        """CreditNoteID."""
        return self.document_id

    @property
    def applied_cents(self) -> int:
        """Credit allocated to invoices."""
        return sum(item.amount_cents for item in self.allocations)

    @property
    def remaining_cents(self) -> int:
        """RemainingCredit: what is left to allocate."""
        if self.status in {"VOIDED", "DELETED"}:
            return 0
        return self.total_cents - self.applied_cents


@dataclass(frozen=True)
class Refund:
    """Money paid back out of an overpayment (its Payment keeps the rest)."""

    payment_id: str
    amount_cents: int


@dataclass(frozen=True)
class Overpayment:
    """A customer's overpayment (RECEIVE-OVERPAYMENT), made by a bank transaction."""

    overpayment_id: str
    bank_transaction_id: str
    contact_id: str
    account_id: str
    date: dt.date
    line_amount_types: str
    lines: tuple[Line, ...]
    total_cents: int
    status: str
    updated: float
    allocations: tuple[Allocation, ...] = ()
    refunds: tuple[Refund, ...] = ()
    is_reconciled: bool = False

    @property
    def used_cents(self) -> int:
        """Credit allocated to invoices or refunded."""
        allocated = sum(item.amount_cents for item in self.allocations)
        return allocated + sum(item.amount_cents for item in self.refunds)

    @property
    def remaining_cents(self) -> int:
        """RemainingCredit: what is left to allocate or refund."""
        if self.status == "VOIDED":
            return 0
        return self.total_cents - self.used_cents


@dataclass(frozen=True)
class Payment:
    """A payment against an invoice, or (``overpayment_id`` set) a refund of an overpayment."""

    payment_id: str
    invoice_id: str  # "" for a refund
    account_id: str
    date: dt.date
    amount_cents: int
    reference: str
    status: str
    updated: float
    is_reconciled: bool = False
    overpayment_id: str | None = None


@dataclass
class Books:
    """Everything one organisation holds, with the journal that undoes changes."""

    organisation: Organisation
    tax_rates: dict[str, TaxRate] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    credit_notes: dict[str, CreditNote] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    overpayments: dict[str, Overpayment] = field(default_factory=dict)
    auto_created_contacts: list[str] = field(default_factory=list)
    _journal: list[tuple[dict[str, Any], str, Any]] = field(default_factory=list, repr=False)

    def put(self, table: dict[str, Any], key: str, record: object) -> None:
        """Store a record, remembering what it replaced."""
        self._journal.append((table, key, table.get(key)))
        table[key] = record

    def savepoint(self) -> int:
        """A mark to roll back to."""
        return len(self._journal)

    def rollback(self, mark: int) -> None:
        """Undo every change made since ``mark``."""
        while len(self._journal) > mark:
            table, key, old = self._journal.pop()
            if old is None:
                del table[key]
            else:
                table[key] = old

    def commit(self) -> None:
        """Forget the journal: the changes so far stay."""
        self._journal.clear()

    # -------------------------------------------------------------- lookups

    def account_by_code(self, code: str) -> Account | None:
        """The account with that code (any status)."""
        return next((item for item in self.accounts.values() if item.code == code), None)

    def contact_by_number(self, number: str) -> Contact | None:
        """The contact with that ContactNumber."""
        return next((c for c in self.contacts.values() if c.contact_number == number), None)

    def active_contact_named(self, name: str) -> Contact | None:
        """The ACTIVE contact with that name, compared without case as Xero does."""
        wanted = name.casefold()
        return next(
            (
                c
                for c in self.contacts.values()
                if c.status == "ACTIVE" and c.name.casefold() == wanted
            ),
            None,
        )

    def invoice_by_number(self, kind: str, number: str) -> Invoice | None:
        """The invoice of that type and number that is not DELETED."""
        return next(
            (
                item
                for item in self.invoices.values()
                if item.type == kind and item.number == number and item.status != "DELETED"
            ),
            None,
        )

    def credit_note_by_number(self, number: str) -> CreditNote | None:
        """The credit note with that number that is not DELETED."""
        return next(
            (i for i in self.credit_notes.values() if i.number == number and i.status != "DELETED"),
            None,
        )

    def overpayment_by_bank_transaction(self, bank_transaction_id: str) -> Overpayment | None:
        """The overpayment a RECEIVE-OVERPAYMENT bank transaction made."""
        wanted = bank_transaction_id.lower()
        return next(
            (o for o in self.overpayments.values() if o.bank_transaction_id.lower() == wanted),
            None,
        )

    def index(self) -> Index:
        """Payments and allocations grouped by invoice, for rendering many invoices at once."""
        found = Index()
        for payment in self.payments.values():
            if payment.status != "DELETED" and payment.overpayment_id is None:
                found.payments.setdefault(payment.invoice_id, []).append(payment)
        for note in self.credit_notes.values():
            for allocation in note.allocations:
                found.allocations.setdefault(allocation.invoice_id, []).append((note, allocation))
        for overpayment in self.overpayments.values():
            for allocation in overpayment.allocations:
                found.overpayments.setdefault(allocation.invoice_id, []).append(
                    (overpayment, allocation)
                )
        return found


@dataclass
class Index:
    """Live payments, credit note and overpayment allocations by InvoiceID."""

    payments: dict[str, list[Payment]] = field(default_factory=dict)
    allocations: dict[str, list[tuple[CreditNote, Allocation]]] = field(default_factory=dict)
    overpayments: dict[str, list[tuple[Overpayment, Allocation]]] = field(default_factory=dict)
