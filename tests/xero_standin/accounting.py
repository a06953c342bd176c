"""The Accounting API calls: check against the contract, then read or write the books.

Writes (PUT/POST) are checked against the operation's request schema first; a
body that breaks it is refused whole (400, nothing saved). Then each element
is checked against the organisation's books. With summarizeErrors=true (Xero's
default) one bad element refuses the whole batch with the 400 ValidationException
envelope and nothing is saved; with summarizeErrors=false the good elements are
saved and the answer is 200 with every element marked StatusAttributeString
OK or ERROR (ERROR ones carry ValidationErrors). The spec's parameter says
``default: false``, but its description and Xero's behaviour are the other way.
A DELETE (an overpayment's allocation) has no body and answers the one record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from tests.xero_standin import overpayments, wire
from tests.xero_standin.bank_transactions import render_bank_transaction, save_bank_transaction
from tests.xero_standin.contacts import contact_roles, render_contact, save_contact
from tests.xero_standin.contract import Contract, Problem, ReadOnlyPolicy
from tests.xero_standin.credit_notes import (
    CREDIT_NOTES,
    allocate,
    render_allocation,
    render_credit_note,
)
from tests.xero_standin.documents import Context
from tests.xero_standin.invoices import INVOICES, render_invoice
from tests.xero_standin.listing import list_records
from tests.xero_standin.org_settings import render_organisation
from tests.xero_standin.payments import delete_payment, render_payment, save_payment
from tests.xero_standin.routes import Route
from tests.xero_standin.saving import save_document
from tests.xero_standin.store import Books
from tests.xero_standin.tables import listings
from tests.xero_standin.where import WhereError

Saver = Callable[[Context, dict[str, Any]], tuple[str | None, list[str]]]
_ERROR_FLAG = {"Invoices": "HasErrors", "CreditNotes": "HasErrors"}


class Options(Protocol):
    """What the stand-in tells the accounting calls."""

    read_only: ReadOnlyPolicy
    created: float

    def rejections(self, collection: str, element: dict[str, Any]) -> list[str]:
        """Messages a test asked to attach to this element."""
        ...

    def observe_batch(self, collection: str, size: int) -> None:
        """Note how many elements a write carried."""
        ...


@dataclass(frozen=True)
class Call:
    """One Accounting API request, routed and authorised."""

    route: Route
    item_id: str | None
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    books: Books
    now: float
    options: Options
    sub_item_id: str | None = None

    def param(self, name: str) -> str | None:
        """A query parameter's value."""
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def context(self) -> Context:
        """What elements are saved against."""
        return Context(self.books, self.now, 4 if self.param("unitdp") == "4" else 2)


class Accounting:
    """Answers Accounting API calls for one stand-in."""

    def __init__(self, contract: Contract) -> None:
        self._contract = contract

    def handle(self, call: Call) -> wire.Reply:
        """Answer one call (the caller holds the stand-in's lock)."""
        problems = self._contract.validate_query(call.route.operation_id, call.query)
        if problems:
            return _refuse(problems, {})
        try:
            if call.route.method == "DELETE":
                return _delete(call)
            if call.route.writes:
                return self._write(call)
            return self._read(call)
        except WhereError as error:
            return wire.validation_failure([{"ValidationErrors": wire.messages([str(error)])}])

    # ------------------------------------------------------------------ writes

    def _write(self, call: Call) -> wire.Reply:
        if not call.headers.get("content-type", "").startswith("application/json"):
            return _refuse(
                [Problem("", "send the body as JSON (Content-Type: application/json)")], {}
            )
        try:
            body = wire.loads(call.body)
        except ValueError as error:
            return _refuse([Problem("", f"the body is not JSON: {error}")], {})
        problems = self._contract.validate_body(
            call.route.operation_id, body, read_only=call.options.read_only
        )
        if problems:
            return _refuse(problems, body)
        collection, elements, saver, render = self._writer(call, body)
        call.options.observe_batch(collection, len(elements))
        return _run_batch(call, collection, elements, saver, render)

    def _writer(
        self, call: Call, body: Any
    ) -> tuple[str, list[dict[str, Any]], Saver, Callable[[str], dict[str, Any]]]:
        books, item, method = call.books, call.item_id, call.route.method
        operation = call.route.operation_id
        if call.route.resource == "Contacts":
            roles = contact_roles(books)
            return (
                "Contacts",
                body["Contacts"],
                lambda ctx, e: save_contact(ctx, e, method, item),
                lambda key: render_contact(books.contacts[key], roles),
            )
        if operation == "createCreditNoteAllocation":
            return (
                "Allocations",
                body["Allocations"],
                lambda ctx, e: allocate(ctx, item or "", e),
                lambda key: _render_allocation(books, key),
            )
        if operation == "createOverpaymentAllocations":
            return (
                "Allocations",
                body["Allocations"],
                lambda ctx, e: overpayments.allocate(ctx, item or "", e),
                lambda key: overpayments.find_allocation(books, key),
            )
        if call.route.resource == "BankTransactions":
            return (
                "BankTransactions",
                body["BankTransactions"],
                save_bank_transaction,
                lambda key: _render_bank_transaction(books, key),
            )
        if call.route.resource in {"Invoices", "CreditNotes"}:
            kind = INVOICES if call.route.resource == "Invoices" else CREDIT_NOTES
            collection = call.route.resource
            return (
                collection,
                body[collection],
                lambda ctx, e: save_document(ctx, kind, e, method, item),
                lambda key: _render_document(books, collection, key),
            )
        elements = body.get("Payments", [body])
        saver: Saver = save_payment
        if operation == "deletePayment":
            saver = lambda ctx, e: delete_payment(ctx, item or "", e)  # noqa: E731
        return "Payments", elements, saver, lambda key: render_payment(books, books.payments[key])

    # ------------------------------------------------------------------- reads

    def _read(self, call: Call) -> wire.Reply:
        books = call.books
        resource = call.route.resource
        if resource == "Organisation":
            organisation = render_organisation(books.organisation, call.options.created)
            return wire.Reply(200, wire.envelope("Organisations", [organisation], call.now))
        listing = listings(books)[resource]
        return list_records(call.now, call.query, call.item_id, call.headers, listing)


def _delete(call: Call) -> wire.Reply:
    """DELETE /Overpayments/{id}/Allocations/{AllocationID}: the deleted allocation, or 400."""
    books = call.books
    mark = books.savepoint()
    answer, errors = overpayments.delete_allocation(
        call.context, call.item_id or "", call.sub_item_id or ""
    )
    if answer is None:
        books.rollback(mark)
        return wire.validation_failure([{"ValidationErrors": wire.messages(errors)}])
    books.commit()
    return wire.Reply(200, answer)


def _run_batch(
    call: Call,
    collection: str,
    elements: list[dict[str, Any]],
    saver: Saver,
    render: Callable[[str], dict[str, Any]],
) -> wire.Reply:
    books, ctx = call.books, call.context
    summarize = (call.param("summarizeErrors") or "true").lower() != "false"
    start = books.savepoint()
    outcomes: list[tuple[dict[str, Any], str | None, list[str]]] = []
    for element in elements:
        mark = books.savepoint()
        saved, errors = saver(ctx, element)
        errors = errors + call.options.rejections(collection, element)
        if errors:
            books.rollback(mark)
            saved = None
        outcomes.append((element, saved, errors))
    failed = [(element, errors) for element, _, errors in outcomes if errors]
    if failed and summarize:
        books.rollback(start)
        return wire.validation_failure([_failed(collection, e, errs) for e, errs in failed])
    books.commit()
    items = [
        render(saved) | {"StatusAttributeString": "OK"}
        if saved is not None
        else _failed(collection, element, errors) | {"StatusAttributeString": "ERROR"}
        for element, saved, errors in outcomes
    ]
    return wire.Reply(200, wire.envelope(collection, items, call.now))


def _failed(collection: str, element: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    flag = _ERROR_FLAG.get(collection, "HasValidationErrors")
    return element | {flag: True, "ValidationErrors": wire.messages(errors)}


def _refuse(problems: list[Problem], body: Any) -> wire.Reply:
    """Refuse a request that breaks the contract, grouping problems by top-level element."""
    grouped: dict[tuple[str, int] | None, list[str]] = {}
    for item in problems:
        found = re.match(r"^(\w+)\[(\d+)\]", item.path)
        key = (found.group(1), int(found.group(2))) if found else None
        grouped.setdefault(key, []).append(str(item))
    elements = []
    for key, texts in grouped.items():
        element: dict[str, Any] = {}
        if key is not None and isinstance(body, dict):
            element = dict(body[key[0]][key[1]]) if isinstance(body[key[0]][key[1]], dict) else {}
        elements.append(element | {"ValidationErrors": wire.messages(texts)})
    return wire.validation_failure(elements)


def _render_document(books: Books, collection: str, key: str) -> dict[str, Any]:
    if collection == "Invoices":
        return render_invoice(books, books.invoices[key], books.index())
    return render_credit_note(books, books.credit_notes[key])


def _render_bank_transaction(books: Books, bank_transaction_id: str) -> dict[str, Any]:
    found = books.overpayment_by_bank_transaction(bank_transaction_id)
    if found is None:
        raise KeyError(bank_transaction_id)
    return render_bank_transaction(books, found)


def _render_allocation(books: Books, allocation_id: str) -> dict[str, Any]:
    for note in books.credit_notes.values():
        for allocation in note.allocations:
            if allocation.allocation_id == allocation_id:
                return render_allocation(books, note, allocation)
    raise KeyError(allocation_id)
