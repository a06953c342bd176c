"""Household credit as Xero models it: overpayments, and what draws on them (issue 15).

A payment's excess (what no invoice took) is household credit here and a
RECEIVE-OVERPAYMENT in Xero; a negative adjustment is an ACCREC credit note
there, allocated to the invoices it reduced, its leftover credit. Credit here
is one pool per household; in Xero it sits in those overpayments and credit
notes, so every use of credit draws on them:

- credit applied to an invoice -> an allocation of an overpayment or a credit
  note to the invoice;
- credit refunded -> a refund Payment from an overpayment, money out of the bank;
- a reversed payment's excess (its credit taken back) -> a refund Payment too,
  from the payment's own overpayment first.

Which source a use draws on is decided once (oldest first) and kept, so a
rerun sends the same requests. Credit from an opening balance is Xero's own
opening balance, not sent; a use that finds too little credit in Xero is
refused with what to do, never sent short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crechebooks_desktop.domain.xero import money

__all__ = [
    "ADJUSTMENT",
    "CREDIT",
    "PAYMENT",
    "REFUND",
    "REVERSAL",
    "CreditSource",
    "CreditUse",
    "Draw",
    "allocation_body",
    "assign_draws",
    "credit_note_body",
    "credit_note_number",
    "overpayment_body",
    "refund_body",
]

CREDIT, REFUND, REVERSAL = "credit", "refund", "reversal"
"""Kinds of use: credit applied to an invoice, credit refunded, a payment's excess reversed."""


PAYMENT, ADJUSTMENT = "payment", "adjustment"
"""Kinds of source: a payment's excess (an overpayment in Xero), a negative adjustment's
leftover (a credit note in Xero)."""


@dataclass(frozen=True, slots=True)
class CreditSource:
    """Credit Xero holds for a household: an overpayment or a credit note.

    Attributes:
        kind: PAYMENT or ADJUSTMENT.
        source_id: the payment, or the ADJUSTMENT ledger entry.
        on: its date (oldest is drawn on first).
        cents: the credit it brought (what no invoice took).
    """

    kind: str
    source_id: int
    on: dt.date
    cents: int

    @property
    def key(self) -> tuple[str, int]:
        """What tells this source from every other."""
        return (self.kind, self.source_id)


@dataclass(frozen=True, slots=True)
class CreditUse:
    """One use of a household's credit.

    Attributes:
        kind: CREDIT, REFUND or REVERSAL.
        use_id: the allocation (CREDIT), the REFUND ledger entry, or the
            reversed payment (REVERSAL).
        on: its date.
        cents: how much credit it used.
    """

    kind: str
    use_id: int
    on: dt.date
    cents: int

    @property
    def key(self) -> tuple[str, int]:
        """What tells this use from every other."""
        return (self.kind, self.use_id)


@dataclass(frozen=True, slots=True)
class Draw:
    """Part of a use drawn on one source."""

    kind: str
    use_id: int
    source_kind: str
    source_id: int
    cents: int

    @property
    def source(self) -> tuple[str, int]:
        """The source's key."""
        return (self.source_kind, self.source_id)


def assign_draws(
    uses: Sequence[CreditUse], sources: Sequence[CreditSource], drawn: Sequence[Draw]
) -> tuple[list[Draw], dict[tuple[str, int], int]]:
    """Decide what each use not yet fully drawn draws on, oldest source first.

    Money paid out (a refund, a reversed payment's excess) draws only on
    overpayments, which were money in; a reversal on its own payment's first.
    Credit applied to an invoice draws on any source. Draws already made stand.

    Args:
        uses: in the order they happened.
        sources: the household's overpayments and credit notes in Xero.
        drawn: the draws already decided.

    Returns:
        The new draws, and for each use that found too little credit in Xero,
        how many cents it lacks.
    """
    left = {s.key: s.cents for s in sources}
    done: dict[tuple[str, int], int] = {}
    for draw in drawn:
        if draw.source in left:
            left[draw.source] -= draw.cents
        done[(draw.kind, draw.use_id)] = done.get((draw.kind, draw.use_id), 0) + draw.cents
    order = [s.key for s in sorted(sources, key=lambda s: (s.on, s.kind, s.source_id))]
    new: list[Draw] = []
    short: dict[tuple[str, int], int] = {}
    for use in uses:
        need = use.cents - done.get(use.key, 0)
        if need <= 0:
            continue
        for key in _candidates(use, order, left):
            take = min(need, left[key])
            if take > 0:
                new.append(Draw(use.kind, use.use_id, key[0], key[1], take))
                left[key] -= take
                need -= take
            if need == 0:
                break
        if need > 0:
            short[use.key] = need
    return new, short


def _candidates(
    use: CreditUse, order: list[tuple[str, int]], left: dict[tuple[str, int], int]
) -> list[tuple[str, int]]:
    if use.kind == CREDIT:
        return order
    own = [(PAYMENT, use.use_id)] if use.kind == REVERSAL and (PAYMENT, use.use_id) in left else []
    return own + [k for k in order if k[0] == PAYMENT and k not in own]


def overpayment_body(
    contact_id: str, bank_code: str, paid_on: dt.date, cents: int, description: str
) -> dict[str, Any]:
    """A RECEIVE-OVERPAYMENT bank transaction: the excess received, no VAT, no account code.

    Xero posts an overpayment's line to accounts receivable itself; a reference
    is not kept on overpayments, so the description carries ours.
    """
    return {
        "Type": "RECEIVE-OVERPAYMENT",
        "Contact": {"ContactID": contact_id},
        "BankAccount": {"Code": bank_code},
        "Date": paid_on.isoformat(),
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": description, "LineAmount": money(cents)}],
    }


def allocation_body(invoice_id: str, cents: int, on: dt.date) -> dict[str, Any]:
    """Part of an overpayment allocated to an invoice."""
    return {"Invoice": {"InvoiceID": invoice_id}, "Amount": money(cents), "Date": on.isoformat()}


def refund_body(
    overpayment_id: str, bank_code: str, on: dt.date, cents: int, reference: str
) -> dict[str, Any]:
    """A refund of part of an overpayment: a Payment against it, money out of the bank."""
    return {
        "Overpayment": {"OverpaymentID": overpayment_id},
        "Account": {"Code": bank_code},
        "Date": on.isoformat(),
        "Amount": money(cents),
        "Reference": reference[:255],
    }


def credit_note_body(
    contact_id: str, number: str, on: dt.date, cents: int, description: str, account_code: str
) -> dict[str, Any]:
    """An ACCREC credit note for a negative adjustment: no VAT, on the income account mapped."""
    return {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": contact_id},
        "CreditNoteNumber": number,
        "Date": on.isoformat(),
        "Status": "AUTHORISED",
        "LineAmountTypes": "NoTax",
        "LineItems": [
            {
                "Description": description,
                "Quantity": 1,
                "UnitAmount": money(cents),
                "AccountCode": account_code,
            }
        ],
    }


def credit_note_number(entry_id: int) -> str:
    """Our number for the credit note of an ADJUSTMENT entry."""
    return f"ADJ-{entry_id:06d}"
