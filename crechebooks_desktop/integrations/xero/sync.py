"""Drain the Xero outbox: contacts, then invoices, then payments, in batches of 50.

Before anything is sent, the organisation's tax rates and chart are read and
every line and bank account the pending work needs is mapped; a missing
mapping stops the sync with what to map, having sent nothing. Each batch goes
with an ``Idempotency-Key`` made from its items' keys and ``summarizeErrors=false``
(one refused element does not sink the others), and its answer is recorded in
its own transaction. A crash or kill between a request and its record leaves
the items pending with the same keys: the rerun's request is the same one, and
Xero answers it without applying it again.

Nothing flows back silently: payments recorded in Xero against our invoices
and not made here are reported, never imported (``reporting``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.chart import DEFAULT_CHART
from crechebooks_desktop.domain.enums import LineType, VatTreatment
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.sync import SyncItem
from crechebooks_desktop.domain.vat import vat_rate_on
from crechebooks_desktop.domain.xero import (
    BATCH_SIZE,
    MappingProblem,
    choose_account,
    choose_bank_account,
    choose_tax_types,
    element_results,
    income_account_code,
    line_amount_types,
)
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations.xero.api import (
    DayLimitReached,
    XeroApi,
    XeroRefused,
    XeroUnavailable,
)
from crechebooks_desktop.integrations.xero.limits import Cancelled
from crechebooks_desktop.integrations.xero.organisation import read_accounts, read_tax_rates
from crechebooks_desktop.integrations.xero.reporting import (
    SyncReport,
    UnknownPayment,
    unknown_payments,
)
from crechebooks_desktop.services.sync import (
    xero_connection,
    xero_credit,
    xero_credit_draws,
    xero_work,
)
from crechebooks_desktop.services.sync.xero_work import Answer, Choices, Element, Prepared

__all__ = ["MappingNeeded", "SyncReport", "UnknownPayment", "run_sync"]

Progress = Callable[[str, int, int], None]
"""(step, done, of) as the sync goes."""


class MappingNeeded(UserFacingError):
    """Accounts or tax types must be mapped before the first sync; nothing was sent."""

    def __init__(self, problems: Sequence[MappingProblem]) -> None:
        lines = "; ".join(p.message for p in problems)
        super().__init__(f"map these before syncing (nothing was sent): {lines}")
        self.problems = tuple(problems)


def run_sync(
    book: Book,
    actor: Actor,
    api: XeroApi,
    progress: Progress | None = None,
) -> SyncReport:
    """Send what waits in the creche's Xero outbox.

    Raises:
        MappingNeeded: something must be mapped first (nothing was sent).
        UserFacingError: not connected, or Xero refused the sign-in.
    """
    tell = progress or (lambda _step, _done, _of: None)
    report = SyncReport()
    with book.read(actor.tenant_id) as uow:
        connection = xero_connection.connection(uow, actor)
        items = xero_work.pending_items(uow, actor)
        creche = uow.tenants.get(actor.tenant_id)
        mapped = xero_connection.mappings(uow, actor)
        our_chart = {a.code: a.name for a in uow.chart.accounts()}
        needed = uow.xero.line_types_of([i.entity_id for i in items if i.entity == "invoice"])
        if any(i.entity == xero_credit.CREDIT_ITEM for i in items):
            needed.add(LineType.CREDIT)  # a negative adjustment's credit note
    assert creche is not None  # noqa: S101 - the actor was resolved in this book
    groups = _by_entity(items)
    run = _Run(book, actor, api, report, tell)
    now = dt.datetime.now(dt.UTC)
    if connection.resume_after is not None and connection.resume_after > now:
        left = int((connection.resume_after - now).total_seconds())
        raise DayLimitReached(left)
    try:
        if items:
            choices = _choices(
                api, creche.vat_registered, creche.prices_include_vat, mapped, our_chart, needed
            )
            run.contacts(groups["household"], groups["invoice"], groups["credit"])
            run.invoices(groups["invoice"], choices, connection.sync_from)
            run.payments(groups["payment"], choices, connection.sync_from)
            run.credit(groups["credit"], choices, connection.sync_from)
        report.unknown_payments = unknown_payments(book, actor, api, connection.last_sync_at)
    except MappingNeeded as exc:
        report.stopped = str(exc)
        raise
    except DayLimitReached as exc:
        report.stopped = str(exc)
        report.resume_after = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=exc.retry_after)
    except XeroUnavailable as exc:
        report.stopped = str(exc)
    except Cancelled:
        report.stopped = "cancelled; what was not sent stays queued"
    finally:
        report.calls = api.calls
        report.calls_left_today = api.limiter.day_remaining
        with book.write(actor.tenant_id) as uow:
            status = xero_connection.status(uow, actor)
            report.pending = status.counts.pending
            report.failed = [
                {"kind": i.entity, "id": i.entity_id, "message": i.last_error}
                for i in status.failed
            ]
            xero_connection.record_sync(
                uow,
                actor,
                xero_connection.SyncSummary(
                    report.sent,
                    len(report.failed),
                    report.pending,
                    report.calls,
                    report.calls_left_today,
                    report.resume_after,
                    report.stopped,
                ),
            )
    return report


def _by_entity(items: Sequence[SyncItem]) -> dict[str, list[SyncItem]]:
    groups: dict[str, list[SyncItem]] = {
        "household": [],
        "invoice": [],
        "payment": [],
        xero_credit.CREDIT_ITEM: [],
    }
    for item in items:
        groups.setdefault(item.entity, []).append(item)
    return groups


def _choices(
    api: XeroApi,
    vat_registered: bool,
    prices_include_vat: bool,
    mapped: dict[str, dict[str, str]],
    our_chart: dict[str, str],
    needed: set[LineType],
) -> Choices:
    """The codes for the lines the pending invoices have, and for every bank account.

    Raises:
        MappingNeeded: a code cannot be chosen without the person.
    """
    rates = read_tax_rates(api)
    chart = read_accounts(api)
    amount_types = line_amount_types(vat_registered, prices_include_vat)
    problems: list[MappingProblem] = []
    tax_types: dict[VatTreatment, str] = {}
    if vat_registered:
        tax_types, problems = choose_tax_types(
            rates, vat_rate_on(dt.datetime.now(dt.UTC).date()) * 100, mapped["tax"]
        )
    codes: dict[LineType, str] = {}
    for line_type in needed:
        ours = income_account_code(line_type)
        name = our_chart.get(ours) or _default_name(ours)
        chosen = choose_account(ours, name, chart, mapped["account"])
        if isinstance(chosen, MappingProblem):
            if chosen not in problems:
                problems.append(chosen)
        else:
            codes[line_type] = chosen
    banks: dict[str, str] = {}
    for ours in {*mapped["bank_account"], "*"}:
        bank = choose_bank_account(ours, chart, mapped["bank_account"])
        if isinstance(bank, str):
            banks[ours] = bank
    if problems:
        raise MappingNeeded(problems)
    return Choices(amount_types, tax_types, codes, _BankCodes(banks))


class _BankCodes(dict[str, str]):
    """Our bank account -> Xero's code; an unmapped one takes the default (``*``)."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key) or super().get("*", default)


def _default_name(code: str) -> str:
    return next((a.name for a in DEFAULT_CHART if a.code == code), code)


@dataclass(slots=True)
class _Run:
    """One sync: where it writes, whom it calls, what it reports."""

    book: Book
    actor: Actor
    api: XeroApi
    report: SyncReport
    tell: Progress
    refused_contacts: dict[int, str] = field(default_factory=dict)
    """Household id -> Xero's words, for the invoices that then cannot go."""

    def contacts(
        self,
        items: Sequence[SyncItem],
        invoice_items: Sequence[SyncItem],
        credit_items: Sequence[SyncItem],
    ) -> None:
        with self.book.read(self.actor.tenant_id) as uow:
            prepared = xero_work.contacts_to_send(
                uow, items, invoice_items, [i.entity_id for i in credit_items]
            )
        self.send_step("Contacts", "POST", prepared)

    def invoices(self, items: Sequence[SyncItem], choices: Choices, sync_from: dt.date) -> None:
        if not items:
            return
        with self.book.read(self.actor.tenant_id) as uow:
            prepared = xero_work.invoices_to_send(
                uow, items, choices, sync_from, self.refused_contacts
            )
        self.send_step("Invoices", "POST", prepared)

    def payments(self, items: Sequence[SyncItem], choices: Choices, sync_from: dt.date) -> None:
        if not items:
            return
        with self.book.read(self.actor.tenant_id) as uow:
            prepared = xero_work.payments_to_send(uow, items, choices, sync_from)
        self.send_step("Payments", "PUT", prepared)
        for n, element in enumerate(prepared.deletions, start=1):
            self.tell("Payments deleted", n - 1, len(prepared.deletions))
            try:
                self.api.request(
                    "POST",
                    f"Payments/{element.xero_id}",
                    body={"Status": "DELETED"},
                    key=_batch_key("delete", [element]),
                )
                answer = Answer(element, element.xero_id, None)
            except XeroRefused as exc:
                answer = Answer(element, None, exc.message)
            with self.book.write(self.actor.tenant_id) as uow:
                if answer.message is None:
                    xero_work.record_answers(uow, [], deleted=[element])
                    self.report.sent += 1
                else:
                    xero_work.record_answers(uow, [answer])

    def credit(self, items: Sequence[SyncItem], choices: Choices, sync_from: dt.date) -> None:
        """Overpayments and credit notes first, then the allocations and refunds drawing on them."""
        if not items:
            return
        with self.book.write(self.actor.tenant_id) as uow:
            sources = xero_credit.sources_to_send(uow, items, choices, sync_from)
            failed = xero_credit.refuse(uow, sources.refused)
        calls = [("BankTransactions", batch) for batch in _batches(sources.overpayments)]
        calls += [("CreditNotes", batch) for batch in _batches(sources.credit_notes)]
        failed |= self.send_credit("Credit", calls)
        homes = {(i.id, i.idempotency_key): i.entity_id for i in items}
        with self.book.write(self.actor.tenant_id) as uow:
            draws = xero_credit_draws.draws_to_send(
                uow, items, choices, sync_from, {homes[k] for k in failed if k in homes}
            )
            failed |= xero_credit.refuse(uow, draws.refused)
        # An allocation goes to its own source's address, one a call; refunds batch.
        calls = [(path, [element]) for path, element in draws.allocations]
        calls += [("Payments", batch) for batch in _batches(draws.refunds)]
        failed |= self.send_credit("Credit used", calls)
        with self.book.write(self.actor.tenant_id) as uow:
            xero_credit.finish(uow, items, failed)

    def send_credit(
        self, step: str, calls: Sequence[tuple[str, list[Element]]]
    ) -> set[tuple[int, str]]:
        """Send credit's calls (PUT, keyed by their elements); return the items refused."""
        failed: set[tuple[int, str]] = set()
        for n, (path, batch) in enumerate(calls, start=1):
            self.tell(step, n - 1, len(calls))
            of = "Allocations" if path.endswith("/Allocations") else None
            answers = self.send_batch(path, "PUT", batch, key=_body_key, of=of)
            with self.book.write(self.actor.tenant_id) as uow:
                failed |= xero_credit.record(uow, answers)
            self.report.sent += sum(1 for a in answers if a.message is None)
        self.tell(step, len(calls), len(calls))
        return failed

    def send_step(self, collection: str, method: str, prepared: Prepared) -> None:
        with self.book.write(self.actor.tenant_id) as uow:
            xero_work.settle(uow, [*prepared.done, *prepared.skipped], prepared.refused)
        self.report.skipped += len(prepared.skipped)
        batches = _batches(prepared.elements)
        for n, batch in enumerate(batches, start=1):
            self.tell(collection, n - 1, len(batches))
            answers = self.send_batch(collection, method, batch)
            self.refused_contacts.update(
                (a.element.entity_id, a.message)
                for a in answers
                if a.message is not None and a.element.entity == "household"
            )
            with self.book.write(self.actor.tenant_id) as uow:
                xero_work.record_answers(uow, answers)
            self.report.sent += sum(1 for a in answers if a.message is None)
        self.tell(collection, len(batches), len(batches))

    def send_batch(
        self,
        path: str,
        method: str,
        batch: list[Element],
        *,
        key: Callable[[str, Sequence[Element]], str] | None = None,
        of: str | None = None,
    ) -> list[Answer]:
        """Send elements in one call; ``of`` names their collection when the path does not."""
        collection = of or path
        try:
            answer = self.api.request(
                method,
                path,
                body={collection: [e.body for e in batch]},
                params={"summarizeErrors": "false"},
                key=(key or _batch_key)(path, batch),
            )
        except XeroRefused as exc:
            return [Answer(e, None, exc.message) for e in batch]
        results = element_results(collection, answer)
        if len(results) != len(batch):
            message = f"Xero answered {len(results)} of the {len(batch)} elements sent"
            return [Answer(e, None, message) for e in batch]
        return [
            Answer(e, r.xero_id, None if r.ok else "; ".join(r.errors))
            for e, r in zip(batch, results, strict=True)
        ]


def _batches(elements: Sequence[Element]) -> list[list[Element]]:
    """Batches of up to 50, keeping one item's elements together (a payment's allocations)."""
    batches: list[list[Element]] = []
    current: list[Element] = []
    for element in elements:
        same_item = bool(element.items) and bool(current) and current[-1].items == element.items
        if len(current) >= BATCH_SIZE and not same_item:
            batches.append(current)
            current = []
        current.append(element)
    if current:
        batches.append(current)
    return batches


def _batch_key(collection: str, batch: Sequence[Element]) -> str:
    """The request's idempotency key: the same elements, bodies and item keys give the same one."""
    parts = [collection] + [
        f"{e.entity}:{e.entity_id}:{e.digest}:{','.join(k for _i, k in e.items)}" for e in batch
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _body_key(path: str, batch: Sequence[Element]) -> str:
    """An idempotency key from the elements alone, not their items' keys.

    Credit elements are decided and kept before they are sent (an overpayment
    per payment, a draw per row), so the same element always makes the same
    request, even when its item is queued again meanwhile.
    """
    parts = [path] + [f"{e.entity}:{e.entity_id}:{e.digest}" for e in batch]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
