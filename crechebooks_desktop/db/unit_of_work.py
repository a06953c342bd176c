"""One transaction over the book, with the repositories that work inside it.

Each repository's module is imported when the repository is first used: a
command reads two or three of them, and importing all of them (matching pulls
in rapidfuzz and numpy) was a third of every command's start-up.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from crechebooks_desktop.db.repositories.audit import AuditRepository
    from crechebooks_desktop.db.repositories.bank import BankRepository
    from crechebooks_desktop.db.repositories.bank_queue import BankQueueRepository
    from crechebooks_desktop.db.repositories.billing_inputs import BillingInputsRepository
    from crechebooks_desktop.db.repositories.book_files import BookFilesRepository
    from crechebooks_desktop.db.repositories.categories import CategoryRepository
    from crechebooks_desktop.db.repositories.chart import ChartRepository
    from crechebooks_desktop.db.repositories.checks import CheckRepository
    from crechebooks_desktop.db.repositories.csv_profiles import CsvProfileRepository
    from crechebooks_desktop.db.repositories.documents import DocumentRepository
    from crechebooks_desktop.db.repositories.history import HistoryRepository
    from crechebooks_desktop.db.repositories.invoice_find import InvoiceFindRepository
    from crechebooks_desktop.db.repositories.invoice_history import InvoiceHistoryRepository
    from crechebooks_desktop.db.repositories.invoice_list import InvoiceListRepository
    from crechebooks_desktop.db.repositories.invoices import InvoiceRepository
    from crechebooks_desktop.db.repositories.ledger import LedgerRepository
    from crechebooks_desktop.db.repositories.ledger_view import LedgerViewRepository
    from crechebooks_desktop.db.repositories.links import LinkRepository
    from crechebooks_desktop.db.repositories.matching import MatchingRepository
    from crechebooks_desktop.db.repositories.outbox import OutboxRepository
    from crechebooks_desktop.db.repositories.payments import PaymentRepository
    from crechebooks_desktop.db.repositories.reconciliations import ReconciliationRepository
    from crechebooks_desktop.db.repositories.reminders import ReminderRepository
    from crechebooks_desktop.db.repositories.roster import RosterRepository
    from crechebooks_desktop.db.repositories.statements import StatementRepository
    from crechebooks_desktop.db.repositories.sync_outbox import SyncOutboxRepository
    from crechebooks_desktop.db.repositories.tenancy import TenantRepository, UserRepository
    from crechebooks_desktop.db.repositories.xero import XeroRepository
    from crechebooks_desktop.db.repositories.xero_credit import XeroCreditRepository


class UnitOfWork:
    """The repositories of one transaction.

    Book-wide repositories (creches, users, audit) are always there; a
    creche's repositories need the creche, and refuse to exist without one.
    """

    def __init__(self, session: Session, tenant_id: int | None) -> None:
        self._session = session
        self.tenant_id = tenant_id

    def _tenant(self) -> int:
        if self.tenant_id is None:
            msg = "no creche selected: a creche's rows cannot be queried without one"
            raise RuntimeError(msg)
        return self.tenant_id

    def for_tenant(self, tenant_id: int) -> UnitOfWork:
        """The same transaction, scoped to a creche (after creating one)."""
        return UnitOfWork(self._session, tenant_id)

    @cached_property
    def tenants(self) -> TenantRepository:
        """Creches in the book."""
        from crechebooks_desktop.db.repositories.tenancy import TenantRepository

        return TenantRepository(self._session)

    @cached_property
    def users(self) -> UserRepository:
        """Users and their roles."""
        from crechebooks_desktop.db.repositories.tenancy import UserRepository

        return UserRepository(self._session)

    @cached_property
    def book_files(self) -> BookFilesRepository:
        """Every creche's archived documents, book-wide (backup and restore)."""
        from crechebooks_desktop.db.repositories.book_files import BookFilesRepository

        return BookFilesRepository(self._session)

    @cached_property
    def audit(self) -> AuditRepository:
        """The audit log."""
        from crechebooks_desktop.db.repositories.audit import AuditRepository

        return AuditRepository(self._session)

    @cached_property
    def roster(self) -> RosterRepository:
        """The creche's households, children, fees and enrolments."""
        from crechebooks_desktop.db.repositories.roster import RosterRepository

        return RosterRepository(self._session, self._tenant())

    @cached_property
    def ledger(self) -> LedgerRepository:
        """The creche's household ledger."""
        from crechebooks_desktop.db.repositories.ledger import LedgerRepository

        return LedgerRepository(self._session, self._tenant())

    @cached_property
    def ledger_view(self) -> LedgerViewRepository:
        """The creche's ledger across households, a page at a time."""
        from crechebooks_desktop.db.repositories.ledger_view import LedgerViewRepository

        return LedgerViewRepository(self._session, self._tenant())

    @cached_property
    def invoices(self) -> InvoiceRepository:
        """The creche's invoices."""
        from crechebooks_desktop.db.repositories.invoices import InvoiceRepository

        return InvoiceRepository(self._session, self._tenant())

    @cached_property
    def invoice_history(self) -> InvoiceHistoryRepository:
        """The creche's invoices from a previous system: their numbers, hashes and payments."""
        from crechebooks_desktop.db.repositories.invoice_history import InvoiceHistoryRepository

        return InvoiceHistoryRepository(self._session, self._tenant())

    @cached_property
    def invoice_list(self) -> InvoiceListRepository:
        """The Invoices tab's list, a page at a time (issue 13)."""
        from crechebooks_desktop.db.repositories.invoice_list import InvoiceListRepository

        return InvoiceListRepository(self._session, self._tenant())

    @cached_property
    def invoice_find(self) -> InvoiceFindRepository:
        """Quick find's bounded reads of invoice numbers and households (issue 16)."""
        from crechebooks_desktop.db.repositories.invoice_find import InvoiceFindRepository

        return InvoiceFindRepository(self._session, self._tenant())

    @cached_property
    def payments(self) -> PaymentRepository:
        """The creche's payments and their allocations."""
        from crechebooks_desktop.db.repositories.payments import PaymentRepository

        return PaymentRepository(self._session, self._tenant())

    @cached_property
    def documents(self) -> DocumentRepository:
        """The creche's archived documents (generated PDFs)."""
        from crechebooks_desktop.db.repositories.documents import DocumentRepository

        return DocumentRepository(self._session, self._tenant())

    @cached_property
    def checks(self) -> CheckRepository:
        """Invariant facts over the creche."""
        from crechebooks_desktop.db.repositories.checks import CheckRepository

        return CheckRepository(self._session, self._tenant())

    @cached_property
    def history(self) -> HistoryRepository:
        """The creche's hash-chained history (audit log and ledger)."""
        from crechebooks_desktop.db.repositories.history import HistoryRepository

        return HistoryRepository(self._session, self._tenant())

    @cached_property
    def billing_inputs(self) -> BillingInputsRepository:
        """What the creche's monthly run bills."""
        from crechebooks_desktop.db.repositories.billing_inputs import BillingInputsRepository

        return BillingInputsRepository(self._session, self._tenant())

    @cached_property
    def bank(self) -> BankRepository:
        """The creche's bank accounts and statement lines."""
        from crechebooks_desktop.db.repositories.bank import BankRepository

        return BankRepository(self._session, self._tenant())

    @cached_property
    def csv_profiles(self) -> CsvProfileRepository:
        """The creche's saved CSV column mappings (issue 14)."""
        from crechebooks_desktop.db.repositories.csv_profiles import CsvProfileRepository

        return CsvProfileRepository(self._session, self._tenant())

    @cached_property
    def matching(self) -> MatchingRepository:
        """Payees, match decisions and learned payer aliases."""
        from crechebooks_desktop.db.repositories.matching import MatchingRepository

        return MatchingRepository(self._session, self._tenant())

    @cached_property
    def bank_queue(self) -> BankQueueRepository:
        """The matching queue of credit lines, a page at a time (issue 13)."""
        from crechebooks_desktop.db.repositories.bank_queue import BankQueueRepository

        return BankQueueRepository(self._session, self._tenant())

    @cached_property
    def links(self) -> LinkRepository:
        """Payments and refunds recorded by hand that bank lines may be, and refund links."""
        from crechebooks_desktop.db.repositories.links import LinkRepository

        return LinkRepository(self._session, self._tenant())

    @cached_property
    def chart(self) -> ChartRepository:
        """The creche's chart of accounts."""
        from crechebooks_desktop.db.repositories.chart import ChartRepository

        return ChartRepository(self._session, self._tenant())

    @cached_property
    def reconciliations(self) -> ReconciliationRepository:
        """The creche's bank reconciliations and the figures of their periods."""
        from crechebooks_desktop.db.repositories.reconciliations import ReconciliationRepository

        return ReconciliationRepository(self._session, self._tenant())

    @cached_property
    def categories(self) -> CategoryRepository:
        """The creche's categorisation rules, lines' categories and learned choices."""
        from crechebooks_desktop.db.repositories.categories import CategoryRepository

        return CategoryRepository(self._session, self._tenant())

    @cached_property
    def statements(self) -> StatementRepository:
        """Reads for statements and arrears over many households at once."""
        from crechebooks_desktop.db.repositories.statements import StatementRepository

        return StatementRepository(self._session, self._tenant())

    @cached_property
    def sync_outbox(self) -> SyncOutboxRepository:
        """The creche's Xero and S3 outbox (issue 15)."""
        from crechebooks_desktop.db.repositories.sync_outbox import SyncOutboxRepository

        return SyncOutboxRepository(self._session, self._tenant())

    @cached_property
    def xero(self) -> XeroRepository:
        """The creche's Xero connection, ids and mappings (issue 15)."""
        from crechebooks_desktop.db.repositories.xero import XeroRepository

        return XeroRepository(self._session, self._tenant())

    @cached_property
    def xero_credit(self) -> XeroCreditRepository:
        """Household credit as Xero keeps it: overpayments and their draws (issue 15)."""
        from crechebooks_desktop.db.repositories.xero_credit import XeroCreditRepository

        return XeroCreditRepository(self._session, self._tenant())

    @cached_property
    def outbox(self) -> OutboxRepository:
        """The creche's delivery outbox: messages to households and their attachments."""
        from crechebooks_desktop.db.repositories.outbox import OutboxRepository

        return OutboxRepository(self._session, self._tenant())

    @cached_property
    def reminders(self) -> ReminderRepository:
        """The creche's reminder policy, holds and reminders sent; scheduled jobs' runs."""
        from crechebooks_desktop.db.repositories.reminders import ReminderRepository

        return ReminderRepository(self._session, self._tenant())
