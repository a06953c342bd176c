"""What draws on a household's credit in Xero, decided and kept before it is sent (issue 15).

The credit notes' own allocations (the invoices a negative adjustment reduced)
and every use of credit (``domain.xero_credit``): credit applied to an invoice
is an allocation of an overpayment or a credit note; a refund, or a reversed
payment's excess, a refund Payment from an overpayment. Draws are decided once
and kept, in the same transaction that reads them, so a rerun sends the same
requests with the same idempotency keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.db.repositories.xero_credit import (
    AdjustmentRecord,
    CreditAllocationRecord,
    DrawRecord,
    ExcessRecord,
)
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.sync import SyncItem
from crechebooks_desktop.domain.xero_credit import (
    ADJUSTMENT,
    CREDIT,
    PAYMENT,
    REFUND,
    REVERSAL,
    CreditSource,
    CreditUse,
    allocation_body,
    assign_draws,
    refund_body,
)
from crechebooks_desktop.services.sync.xero_credit import (
    ADJUSTMENT_ALLOCATION,
    CREDIT_NOTE,
    DRAW,
    OVERPAYMENT,
)
from crechebooks_desktop.services.sync.xero_work import INVOICE, Choices, Element

__all__ = ["CreditPlan", "Draws", "count", "draws_to_send"]

_KIND_ORDER = {REVERSAL: 0, CREDIT: 1, REFUND: 2}
_PATHS = {PAYMENT: "Overpayments", ADJUSTMENT: "CreditNotes"}


@dataclass(frozen=True, slots=True)
class Draws:
    """Allocations (one call each, to their source's address) and refunds (batched)."""

    allocations: list[tuple[str, Element]] = field(default_factory=list)
    refunds: list[Element] = field(default_factory=list)
    refused: list[tuple[SyncItem, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CreditPlan:
    """What the pending credit items would send: sources to create, then allocations or refunds."""

    sources: int
    draws: int


def draws_to_send(
    uow: UnitOfWork,
    items: Sequence[SyncItem],
    choices: Choices,
    sync_from: dt.date,
    skip: Collection[int] = (),
) -> Draws:
    """Decide and keep the draws of every use of credit not yet in Xero; what to send.

    Args:
        uow: a writing transaction (new draws are kept in it).
        items: the credit items.
        choices: the bank account codes.
        sync_from: nothing dated before it is Xero's business.
        skip: households whose credit failed earlier in this sync.
    """
    by_household = {i.entity_id: i for i in items if i.entity_id not in skip}
    state = _State.read(uow, by_household, sync_from)
    found = Draws()
    new = []
    for household, uses in state.uses.items():
        drawn = [d.draw for d in state.drawn if state.home[d.draw.source] == household]
        made, short = assign_draws(uses, state.sources.get(household, []), drawn)
        new.extend(made)
        first_short = next((u for u in uses if u.key in short), None)
        if first_short is not None:
            message = _short_message(first_short, short[first_short.key])
            found.refused.append((by_household[household], message))
    uow.xero_credit.add_draws(new)
    for adjustment in state.adjustments.values():
        item = by_household[adjustment.household_id]
        note_id = state.xero_ids[(ADJUSTMENT, adjustment.entry_id)]
        for part in adjustment.allocations:
            invoice_id = state.invoice_ids.get(part.invoice_id)
            if part.allocation_id in state.noted_parts or invoice_id is None:
                continue
            on = max(adjustment.on, part.issue_date)
            body = allocation_body(invoice_id, part.cents, on)
            element = Element(ADJUSTMENT_ALLOCATION, part.allocation_id, body, _key(item))
            found.allocations.append((f"CreditNotes/{note_id}/Allocations", element))
    for stored in uow.xero_credit.draws(state.home):
        if stored.xero_id is None:
            _draw_element(state, stored, by_household, choices, found)
    return found


def count(uow: UnitOfWork, items: Sequence[SyncItem], sync_from: dt.date) -> CreditPlan:
    """How many sources and draws the pending credit items would send (no call is made)."""
    by_household = {i.entity_id: i for i in items}
    excess = [
        e
        for e in uow.xero_credit.excess_payments(by_household)
        if e.reversed_on is None and e.paid_on >= sync_from
    ]
    adjustments = [a for a in uow.xero_credit.adjustments(by_household) if a.on >= sync_from]
    sources = len(excess) - len(uow.xero.links(OVERPAYMENT, (e.payment_id for e in excess)))
    sources += len(adjustments) - len(
        uow.xero.links(CREDIT_NOTE, (a.entry_id for a in adjustments))
    )
    state = _State.read(uow, by_household, sync_from)
    done: dict[tuple[str, int], int] = {}
    for stored in state.drawn:
        if stored.xero_id is not None:
            key = (stored.draw.kind, stored.draw.use_id)
            done[key] = done.get(key, 0) + stored.draw.cents
    draws = sum(1 for uses in state.uses.values() for u in uses if done.get(u.key, 0) < u.cents)
    draws += sum(
        1
        for a in state.adjustments.values()
        for part in a.allocations
        if part.allocation_id not in state.noted_parts and part.invoice_id in state.invoice_ids
    )
    return CreditPlan(sources, draws)


def _draw_element(
    state: _State,
    stored: DrawRecord,
    by_household: dict[int, SyncItem],
    choices: Choices,
    found: Draws,
) -> None:
    draw = stored.draw
    household = state.home[draw.source]
    if household not in by_household:
        return
    item = by_household[household]
    source_id = state.xero_ids[draw.source]
    if draw.kind == CREDIT:
        applied = state.applied[draw.use_id]
        on = max(applied.applied_on, applied.issue_date, state.source_dates[draw.source])
        body = allocation_body(state.invoice_ids[applied.invoice_id], draw.cents, on)
        path = f"{_PATHS[draw.source_kind]}/{source_id}/Allocations"
        found.allocations.append((path, Element(DRAW, stored.draw_id, body, _key(item))))
        return
    excess = state.excess[draw.source_id]
    code = choices.bank_codes.get(excess.bank_account)
    if code is None:
        found.refused.append((item, f"no Xero bank account is mapped for {excess.bank_account}"))
        return
    on, reference = state.refund_terms(draw.kind, draw.use_id)
    body = refund_body(source_id, code, max(on, excess.paid_on), draw.cents, reference)
    found.refunds.append(Element(DRAW, stored.draw_id, body, _key(item)))


def _key(item: SyncItem) -> tuple[tuple[int, str], ...]:
    return ((item.id, item.idempotency_key),)


def _short_message(use: CreditUse, cents: int) -> str:
    what = {
        CREDIT: "credit applied to an invoice",
        REFUND: "a refund of credit",
        REVERSAL: "a reversed payment's credit",
    }[use.kind]
    return (
        f"{format_rands(cents)} of {what} on {use.on.isoformat()} is not in Xero: this "
        "credit came from an opening balance or from before the sync start (or a refund "
        "of credit that was not money received); record it in Xero by hand, then retry"
    )


@dataclass(slots=True)
class _State:
    """The credit of some households: sources in Xero, uses, draws so far."""

    excess: dict[int, ExcessRecord]
    adjustments: dict[int, AdjustmentRecord]
    home: dict[tuple[str, int], int]
    xero_ids: dict[tuple[str, int], str]
    source_dates: dict[tuple[str, int], dt.date]
    sources: dict[int, list[CreditSource]]
    uses: dict[int, list[CreditUse]]
    drawn: list[DrawRecord]
    applied: dict[int, CreditAllocationRecord]
    invoice_ids: dict[int, str]
    noted_parts: set[int]
    refund_text: dict[int, tuple[dt.date, str]]

    @classmethod
    def read(cls, uow: UnitOfWork, households: Collection[int], sync_from: dt.date) -> _State:
        excess = {e.payment_id: e for e in uow.xero_credit.excess_payments(households)}
        paid = uow.xero.links(OVERPAYMENT, excess)
        adjustments = {a.entry_id: a for a in uow.xero_credit.adjustments(households)}
        noted = uow.xero.links(CREDIT_NOTE, adjustments)
        adjustments = {e: a for e, a in adjustments.items() if e in noted}
        state = cls(excess, adjustments, {}, {}, {}, {}, {h: [] for h in households}, [], {}, {},
                    set(), {})  # fmt: skip
        for pid, record in excess.items():
            if pid in paid:
                state.add_source(
                    CreditSource(PAYMENT, pid, record.paid_on, record.excess_cents),
                    record.household_id,
                    paid[pid].xero_id,
                )
                if record.reversed_on is not None:
                    use = CreditUse(REVERSAL, pid, record.reversed_on, record.excess_cents)
                    state.uses[record.household_id].append(use)
        for entry_id, adjustment in adjustments.items():
            state.add_source(
                CreditSource(ADJUSTMENT, entry_id, adjustment.on, adjustment.credit_cents),
                adjustment.household_id,
                noted[entry_id].xero_id,
            )
        state.noted_parts = set(
            uow.xero.links(
                ADJUSTMENT_ALLOCATION,
                (p.allocation_id for a in adjustments.values() for p in a.allocations),
            )
        )
        state.applied = {
            a.allocation_id: a
            for a in uow.xero_credit.credit_allocations(households)
            if a.issue_date >= sync_from
        }
        wanted = {a.invoice_id for a in state.applied.values()}
        wanted |= {p.invoice_id for a in adjustments.values() for p in a.allocations}
        state.invoice_ids = {i: link.xero_id for i, link in uow.xero.links(INVOICE, wanted).items()}
        for a in state.applied.values():
            if a.invoice_id in state.invoice_ids:
                use = CreditUse(CREDIT, a.allocation_id, a.applied_on, a.cents)
                state.uses[a.household_id].append(use)
        for r in uow.xero_credit.refunds(households):
            if r.refunded_on >= sync_from:
                state.uses[r.household_id].append(
                    CreditUse(REFUND, r.entry_id, r.refunded_on, r.cents)
                )
                state.refund_text[r.entry_id] = (r.refunded_on, r.description)
        for found in state.uses.values():
            found.sort(key=lambda u: (u.on, _KIND_ORDER[u.kind], u.use_id))
        state.drawn = uow.xero_credit.draws(state.home)
        return state

    def add_source(self, source: CreditSource, household: int, xero_id: str) -> None:
        """A source of credit Xero has."""
        self.home[source.key] = household
        self.xero_ids[source.key] = xero_id
        self.source_dates[source.key] = source.on
        if source.cents > 0:
            self.sources.setdefault(household, []).append(source)

    def refund_terms(self, kind: str, use_id: int) -> tuple[dt.date, str]:
        """The date and reference of a refund Payment for this use."""
        if kind == REVERSAL:
            record = self.excess[use_id]
            assert record.reversed_on is not None  # noqa: S101 - only reversed payments are uses
            return record.reversed_on, f"Payment {use_id} reversed: {record.reversal_reason or ''}"
        return self.refund_text[use_id]
