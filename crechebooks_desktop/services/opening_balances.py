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
from crechebooks_desktop.domain.enums import (
    EntryType,
    InvoiceKind,
    InvoiceStatus,
    LineType,
    VatTreatment,
)
from crechebooks_desktop.domain.money import format_plain
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger import post_entry


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
        RuleViolation: a zero amount.
    """
    audit.require(actor, Permission.POST_MONEY)
    if amount_cents == 0:
        raise RuleViolation("an opening balance of zero needs no entry")
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
    number = uow.invoices.next_number(as_of.year, creche.invoice_prefix)
    description = f"Opening balance as at {as_of.isoformat()}"
    line = NewLine(
        LineType.OPENING_BALANCE,
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
        issue_date=as_of,
        due_date=as_of,
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
        {"number": number, "total": format_plain(amount_cents), "kind": "opening"},
    )
    post_entry(
        uow,
        actor,
        household_id,
        EntryType.CHARGE,
        amount_cents,
        as_of,
        f"{number} {description}",
        source=("invoice", invoice_id),
    )
    return number
