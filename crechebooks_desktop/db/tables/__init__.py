"""Row classes, one module per aggregate; importing this registers them all."""

from crechebooks_desktop.db.tables.accounting import (
    Account,
    CategorisationRule,
    CategoryMemory,
    LineCategory,
    Reconciliation,
)
from crechebooks_desktop.db.tables.audit import AuditRecord
from crechebooks_desktop.db.tables.bank import (
    BankAccount,
    BankImport,
    BankLine,
    MatchDecision,
    PayerAlias,
)
from crechebooks_desktop.db.tables.billing import (
    Charge,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
)
from crechebooks_desktop.db.tables.csv_profiles import BankCsvProfile
from crechebooks_desktop.db.tables.delivery import OutboxAttachment, OutboxMessage
from crechebooks_desktop.db.tables.documents import Document
from crechebooks_desktop.db.tables.history import HistoryHead
from crechebooks_desktop.db.tables.ledger import HouseholdBalance, LedgerEntry
from crechebooks_desktop.db.tables.payments import Allocation, Payment, RefundLink
from crechebooks_desktop.db.tables.reminders import (
    JobRun,
    Reminder,
    ReminderHold,
    ReminderInvoice,
    ReminderLevelRow,
)
from crechebooks_desktop.db.tables.roster import (
    Child,
    Enrolment,
    EnrolmentExtra,
    FeeStructure,
    FeeStructureRate,
    Household,
)
from crechebooks_desktop.db.tables.sync import (
    SyncOutbox,
    XeroConnection,
    XeroCreditDraw,
    XeroLink,
    XeroMapping,
)
from crechebooks_desktop.db.tables.tenancy import Tenant, TenantUser, User

__all__ = [
    "Account",
    "Allocation",
    "AuditRecord",
    "BankAccount",
    "BankCsvProfile",
    "BankImport",
    "BankLine",
    "CategorisationRule",
    "CategoryMemory",
    "Charge",
    "Child",
    "Document",
    "Enrolment",
    "EnrolmentExtra",
    "FeeStructure",
    "FeeStructureRate",
    "HistoryHead",
    "Household",
    "HouseholdBalance",
    "Invoice",
    "InvoiceLine",
    "InvoiceSequence",
    "JobRun",
    "LedgerEntry",
    "LineCategory",
    "MatchDecision",
    "OutboxAttachment",
    "OutboxMessage",
    "PayerAlias",
    "Payment",
    "Reconciliation",
    "RefundLink",
    "Reminder",
    "ReminderHold",
    "ReminderInvoice",
    "ReminderLevelRow",
    "SyncOutbox",
    "Tenant",
    "TenantUser",
    "User",
    "XeroConnection",
    "XeroCreditDraw",
    "XeroLink",
    "XeroMapping",
]
