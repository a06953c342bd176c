"""What the Sync tab asks of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain, immutable
values. The services load here rather than at import, so the window shows
first. Nothing here reaches Xero: that is ``remote``'s, on a thread of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.enums import LineType, SyncTarget, VatTreatment
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.xero import income_account_code
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.repositories.xero import ConnectionRecord
    from crechebooks_desktop.db.unit_of_work import UnitOfWork
    from crechebooks_desktop.domain.sync import SyncItem

EVERY = "*"
"""The mapping every unmapped one of its kind takes: every income account; payments into
an unmapped bank account, or into none (cash, card, typed in)."""
EVERY_NAMES = {
    "account": "All income (the default)",
    "bank_account": "Any other, and cash or card (the default)",
}


@dataclass(frozen=True, slots=True)
class FailedRow:
    """An item Xero refused, as the table shows it."""

    item_id: int
    kind: str
    reference: str
    message: str
    tried_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PanelState:
    """The Sync tab: the connection (None: not connected) and the outbox."""

    connection: ConnectionRecord | None
    pending: int
    sent: int
    failed: tuple[FailedRow, ...]


@dataclass(frozen=True, slots=True)
class MappingRow:
    """One of ours that goes somewhere in Xero: an income account, a bank account, a VAT treatment.

    Attributes:
        kind: ``account``, ``bank_account`` or ``tax`` (``xero_connection.MAPPING_KINDS``).
        ours: the key the mapping is kept under (a code, a bank account's name, ``*``, a treatment).
        name: what it is called here (the account's name, the treatment in words).
        mapped: the Xero code the person chose, if any (else it is chosen from Xero's chart).
    """

    kind: str
    ours: str
    name: str
    mapped: str | None


@dataclass(frozen=True, slots=True)
class MappingScreen:
    """Every mapping the sync may need, in the order the dialog shows them."""

    rows: tuple[MappingRow, ...]
    vat_registered: bool
    connected: bool


@dataclass(frozen=True, slots=True)
class Counts:
    """The status bar's figures: connected at all, and how many items wait or were refused."""

    connected: bool
    pending: int
    failed: int


def counts(book: Book, workplace: Workplace) -> Counts:
    """Whether the creche is connected, and its Xero outbox's pending and failed counts."""
    with book.read(workplace.creche.tenant_id) as uow:
        connected = uow.xero.is_connected()
        found = uow.sync_outbox.counts(SyncTarget.XERO)
    return Counts(connected, found.pending, found.failed)


def load(book: Book, workplace: Workplace) -> PanelState:
    """The connection, the outbox's counts and the refused items with our references."""
    from crechebooks_desktop.services.sync import xero_connection  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        status = xero_connection.status(uow, workplace.actor)
        style = _style(workplace)
        failed = tuple(_failed_row(uow, item, style) for item in status.failed)
    return PanelState(status.connection, status.counts.pending, status.counts.done, failed)


def retry(book: Book, workplace: Workplace, item_ids: tuple[int, ...] | None) -> int:
    """Make these refused items (all, when None) pending again; how many."""
    from crechebooks_desktop.services.sync import xero_connection  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return xero_connection.retry_failed(uow, workplace.actor, item_ids)


def queue_since(book: Book, workplace: Workplace, day: dt.date) -> dict[str, int]:
    """Queue what was issued from ``day`` on (``xero queue --since``)."""
    from crechebooks_desktop.services.sync import xero_connection  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return xero_connection.queue_since(uow, workplace.actor, day)


def mapping_screen(book: Book, workplace: Workplace) -> MappingScreen:
    """Our income accounts, bank accounts and VAT treatments, with what each is mapped to."""
    from crechebooks_desktop.services.sync import xero_connection  # noqa: PLC0415

    tenant = workplace.creche.tenant_id
    with book.read(tenant) as uow:
        mapped = xero_connection.mappings(uow, workplace.actor)
        creche = uow.tenants.get(tenant) or workplace.creche
        accounts = _income_accounts(uow)
        banks = [account.name for account in uow.bank.accounts()]
        connected = uow.xero.connection() is not None
    every = {kind: MappingRow(kind, EVERY, name, mapped[kind].get(EVERY))
             for kind, name in EVERY_NAMES.items()}  # fmt: skip
    rows = [every["account"]]
    rows += [MappingRow("account", c, n, mapped["account"].get(c)) for c, n in accounts]
    rows += [MappingRow("bank_account", b, b, mapped["bank_account"].get(b)) for b in banks]
    rows.append(every["bank_account"])
    if creche.vat_registered:
        rows += [
            MappingRow("tax", t.value, _TREATMENT_NAMES[t], mapped["tax"].get(t.value))
            for t in VatTreatment
        ]
    return MappingScreen(tuple(rows), creche.vat_registered, connected)


def save_mappings(book: Book, workplace: Workplace, chosen: Mapping[tuple[str, str], str]) -> int:
    """Keep each (kind, ours) -> Xero code, in one transaction; how many were kept."""
    from crechebooks_desktop.services.sync import xero_connection  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        for (kind, ours), code in chosen.items():
            xero_connection.set_mapping(uow, workplace.actor, kind, ours, code)
    return len(chosen)


_TREATMENT_NAMES = {
    VatTreatment.STANDARD: "Standard-rated lines (VAT at 15%)",
    VatTreatment.EXEMPT: "Exempt lines (school fees, Section 12(h))",
}
_KINDS = {
    "household": "Household",
    "invoice": "Invoice",
    "payment": "Payment",
    "credit": "Household credit",
}


def _income_accounts(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The income accounts invoice lines earn, with their names in our chart."""
    codes = sorted({income_account_code(line_type) for line_type in LineType})
    found = []
    for code in codes:
        account = uow.chart.by_code(code)
        found.append((code, account.name if account else code))
    return found


def _style(workplace: Workplace) -> MoneyStyle:
    return MoneyStyle[workplace.creche.money_style]


def _failed_row(uow: UnitOfWork, item: SyncItem, style: MoneyStyle) -> FailedRow:
    return FailedRow(
        item.id,
        _KINDS.get(item.entity, item.entity.capitalize()),
        _reference(uow, item, style),
        item.last_error or "no reason was given",
        item.updated_at,
    )


def _reference(uow: UnitOfWork, item: SyncItem, style: MoneyStyle) -> str:
    """Our own name for the thing: the household reference, the invoice number, the payment."""
    if item.entity in {"household", "credit"}:
        household = uow.roster.household(item.entity_id)
        return household.details.account_ref if household else f"household {item.entity_id}"
    if item.entity == "invoice":
        found = uow.invoices.by_ids([item.entity_id])
        return found[0].number if found else f"invoice {item.entity_id}"
    if item.entity == "payment":
        payment = uow.payments.get(item.entity_id)
        if payment is None:
            return f"payment {item.entity_id}"
        household = uow.roster.household(payment.household_id)
        who = household.details.account_ref if household else "?"
        return (
            f"{format_rands(payment.amount_cents, style)} from {who} "
            f"on {payment.payment_date:%d %b %Y}"
        )
    return f"{item.entity} {item.entity_id}"
