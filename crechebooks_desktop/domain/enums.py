"""The book's closed vocabularies, stored as their values (docs/ARCHITECTURE.md, Data model)."""

from __future__ import annotations

import enum


class FeeType(enum.StrEnum):
    """How a fee structure charges."""

    FULL_DAY = "FULL_DAY"
    HALF_DAY = "HALF_DAY"
    HOURLY = "HOURLY"
    CUSTOM = "CUSTOM"


class EnrolmentStatus(enum.StrEnum):
    """Where a child's enrolment stands."""

    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"
    GRADUATED = "GRADUATED"


class LineType(enum.StrEnum):
    """Invoice line types; their VAT treatment is in ``domain.vat``-based rules."""

    MONTHLY_FEE = "MONTHLY_FEE"
    REGISTRATION = "REGISTRATION"
    RE_REGISTRATION = "RE_REGISTRATION"
    EXTRA_MURAL = "EXTRA_MURAL"
    CREDIT = "CREDIT"
    DISCOUNT = "DISCOUNT"
    BOOKS = "BOOKS"
    SCHOOL_TRIP = "SCHOOL_TRIP"
    STATIONERY = "STATIONERY"
    UNIFORM = "UNIFORM"
    MEALS = "MEALS"
    TRANSPORT = "TRANSPORT"
    LATE_PICKUP = "LATE_PICKUP"
    DAMAGED_EQUIPMENT = "DAMAGED_EQUIPMENT"
    AD_HOC = "AD_HOC"
    OPENING_BALANCE = "OPENING_BALANCE"


class VatTreatment(enum.StrEnum):
    """Whether a line carries VAT."""

    STANDARD = "STANDARD"
    EXEMPT = "EXEMPT"


class VatType(enum.StrEnum):
    """How VAT applies to a categorised bank line or an account (the seed's four)."""

    STANDARD = "STANDARD"
    ZERO_RATED = "ZERO_RATED"
    EXEMPT = "EXEMPT"
    NO_VAT = "NO_VAT"


class CategorySource(enum.StrEnum):
    """Who chose a bank line's account: a rule, a learned suggestion or a person."""

    RULE_BASED = "RULE_BASED"
    SUGGESTED = "SUGGESTED"
    USER_OVERRIDE = "USER_OVERRIDE"


class InvoiceKind(enum.StrEnum):
    """Monthly run or one-off invoice."""

    MONTHLY = "MONTHLY"
    AD_HOC = "AD_HOC"


class InvoiceStatus(enum.StrEnum):
    """Invoice lifecycle states (docs/RULES.md, Invoice lifecycle)."""

    DRAFT = "DRAFT"
    SENT = "SENT"
    VIEWED = "VIEWED"
    OVERDUE = "OVERDUE"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    VOID = "VOID"


class PaymentMethod(enum.StrEnum):
    """How money came in."""

    EFT = "EFT"
    CASH = "CASH"
    CARD = "CARD"
    DEBIT_ORDER = "DEBIT_ORDER"


class EntryType(enum.StrEnum):
    """Kinds of household ledger entry (positive amount = owed more)."""

    CHARGE = "CHARGE"
    PAYMENT = "PAYMENT"
    CREDIT = "CREDIT"
    REFUND = "REFUND"
    ADJUSTMENT = "ADJUSTMENT"
    REVERSAL = "REVERSAL"


class BankLineStatus(enum.StrEnum):
    """Where a bank statement line stands in matching and reconciliation."""

    UNMATCHED = "UNMATCHED"
    MATCHED = "MATCHED"
    REVIEW = "REVIEW"
    PARKED = "PARKED"
    REJECTED = "REJECTED"
    SPLIT = "SPLIT"
    CATEGORISED = "CATEGORISED"


class MatchOutcome(enum.StrEnum):
    """A matching decision (docs/RULES.md, Matching)."""

    AUTO_APPLIED = "AUTO_APPLIED"
    REVIEW_REQUIRED = "REVIEW_REQUIRED"
    NO_MATCH = "NO_MATCH"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    PARKED = "PARKED"
    UNDONE = "UNDONE"
    LINKED = "LINKED"


class AccountType(enum.StrEnum):
    """Chart-of-accounts classes."""

    ASSET = "ASSET"
    LIABILITY = "LIABILITY"
    EQUITY = "EQUITY"
    INCOME = "INCOME"
    EXPENSE = "EXPENSE"


class ReconciliationStatus(enum.StrEnum):
    """A bank reconciliation in progress, finished (period locked) or unlocked by an admin."""

    IN_PROGRESS = "IN_PROGRESS"
    FINISHED = "FINISHED"
    UNLOCKED = "UNLOCKED"


class SyncTarget(enum.StrEnum):
    """Where outbox work goes."""

    XERO = "XERO"
    S3 = "S3"


class SyncStatus(enum.StrEnum):
    """State of one piece of outbox work."""

    PENDING = "PENDING"
    DONE = "DONE"
    FAILED = "FAILED"
