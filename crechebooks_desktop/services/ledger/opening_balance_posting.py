"""Opening balances for a creche moving in from a spreadsheet or another system.

A household that owes money gets an AD_HOC invoice for the amount (VAT exempt,
so payments can be allocated to it like any other debt); one in credit gets
unused credit. Either way the ledger and the invariants agree from day one.
"""

from __future__ import annotations

import datetime as dt

from crechebooks_desktop.db.repositories.invoices import NewLine
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import (
    EntryType,
    InvoiceKind,
    InvoiceStatus,
    LineType,
    VatTreatment,
)
from crechebooks_desktop.domain.money import check_amount, format_plain
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.posting import post_entry
from crechebooks_desktop.services.sync import changes


def post_opening_balance(
    uow: UnitOfWork,
    actor: Actor,
    creche: CrecheSettings,
    household_id: int,
    amount_cents: int,
    as_of: dt.date,
) -> str | None:
    """Bring in a household's balance from before the book started.

    Args:
        uow: the transaction.
        actor: who does it (needs to post money).
        creche: the creche's settings (invoice prefix).
        household_id: the household.
        amount_cents: positive = owed to the creche, negative = in credit.
        as_of: the date the balance was taken.

    Returns:
        The opening invoice's number when the household owes, else None.

    Raises:
        RuleViolation: a zero amount or one beyond the book's limit, or a
            date outside the book's years.
    """
    audit.require(actor, Permission.POST_MONEY)
    if amount_cents == 0:
        raise RuleViolation("an opening balance of zero needs no entry")
    check_amount(amount_cents, "opening balance")
    check_book_date(as_of, "opening balance date")
    if amount_cents < 0:
        post_entry(
            uow,
            actor,
            household_id,
            EntryType.CREDIT,
            amount_cents,
            as_of,
            "Opening balance (in credit)",
            credit_delta_cents=-amount_cents,
        )
        return None
    number, _entry_id = charge_as_invoice(
        uow,
        actor,
        creche,
        household_id,
        amount_cents,
        as_of,
        line_type=LineType.OPENING_BALANCE,
        description=f"Opening balance as at {as_of.isoformat()}",
        entry_type=EntryType.CHARGE,
        kind="opening",
    )
    return number


def charge_as_invoice(
    uow: UnitOfWork,
    actor: Actor,
    creche: CrecheSettings,
    household_id: int,
    amount_cents: int,
    day: dt.date,
    *,
    line_type: LineType,
    description: str,
    entry_type: EntryType,
    kind: str,
) -> tuple[str, int]:
    """Make a household owe more through a one-line, VAT-exempt SENT invoice.

    The amount goes onto an AD_HOC invoice (issued and due on ``day``) so that
    payments can be allocated to it like any other debt, and onto the ledger
    as ``entry_type``: outstanding and balance rise together. Opening balances
    and positive adjustments both use it.

    Args:
        uow: the transaction.
        actor: who does it (its permission checked by the caller).
        creche: the creche's settings (invoice prefix).
        household_id: the household.
        amount_cents: what it owes more (more than zero).
        day: the invoice's issue and due date, and the entry's date.
        line_type: the invoice line's type.
        description: the line's text (the entry's follows the invoice number).
        entry_type: the ledger entry's type.
        kind: what the audit record calls the invoice (``opening``, ...).

    Returns:
        The new invoice's number and the ledger entry's id.
    """
    number = uow.invoices.next_number(day.year, creche.invoice_prefix)
    line = NewLine(
        line_type,
        description,
        amount_cents,
        amount_cents,
        0,
        amount_cents,
        VatTreatment.EXEMPT,
    )
    invoice_id = uow.invoices.add(
        number=number,
        household_id=household_id,
        child_id=None,
        kind=InvoiceKind.AD_HOC,
        status=InvoiceStatus.SENT,
        issue_date=day,
        due_date=day,
        billing_month=None,
        lines=[line],
    )
    audit.record(
        uow,
        actor,
        "invoice.create",
        "invoice",
        invoice_id,
        None,
        {"number": number, "total": format_plain(amount_cents), "kind": kind},
    )
    if entry_type is EntryType.ADJUSTMENT:
        # Xero keeps its own opening balances; an adjustment's debt goes like a sent invoice.
        changes.queue_synced(uow, [("invoice.send", invoice_id)])
    entry_id = post_entry(
        uow,
        actor,
        household_id,
        entry_type,
        amount_cents,
        day,
        f"{number} {description}",
        source=("invoice", invoice_id),
    )
    return number, entry_id
